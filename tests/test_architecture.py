"""The house rules that tools can check (docs/architecture.md §2): the layers contract names every package, no
module reaches into another's private names, files stay small, and every app has the same shape."""

import ast
import importlib.util
import tomllib
from pathlib import Path

import pytest

from lofin.core.errors import LofinError

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "lofin"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())
CONTRACTS = CONFIG["tool"]["importlinter"]["contracts"]
# Apps large enough for a package per layer with one file per topic (§2.1).
LAYERED_APPS = ("execution", "participation", "budget")
LAYERS = ("rules", "actions", "queries", "schemas", "api", "views")
MAX_LINES = 800


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_layers_contract_names_every_top_level_package_and_module():
    contract = next(c for c in CONTRACTS if c["type"] == "layers" and "containers" not in c)
    named = {name.strip() for layer in contract["layers"] for name in layer.split("|")}
    packages = {f"lofin.{p.name}" for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {f"lofin.{p.stem}" for p in SRC.glob("*.py") if p.stem in {"api", "urls", "cli"}}
    assert packages | modules == named


def test_core_imports_no_service():
    contract = next(c for c in CONTRACTS if c["name"] == "core imports no service")
    packages = {f"lofin.{p.name}" for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {f"lofin.{p.stem}" for p in SRC.glob("*.py") if p.stem in {"api", "urls", "cli"}}
    assert packages - {"lofin.core"} | modules <= set(contract["forbidden_modules"])


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _private_reaches(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{here}: from {base} import {alias.name}")
                elif base.startswith("lofin") and _is_module(f"{base}.{alias.name}"):
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("lofin"):
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{here}: {node.value.id}.{node.attr}")
    return found


def test_no_module_reaches_into_another_modules_private_names():
    reaches = [reach for path in _sources() if "tests" not in path.parts for reach in _private_reaches(path)]
    assert reaches == []


def test_no_source_file_passes_eight_hundred_lines():
    long = {
        str(p.relative_to(SRC)): n
        for p in _sources()
        if "tests" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.parametrize("app", LAYERED_APPS)
def test_a_large_app_has_a_package_per_layer_and_no_topic_prefixed_files(app):
    root = SRC / app
    assert [layer for layer in LAYERS if not (root / layer / "__init__.py").exists()] == []
    assert (root / "errors.py").exists()
    assert (root / "models.py").exists() or (root / "models" / "__init__.py").exists()
    prefixed = [p.name for p in root.glob("*.py") if "_" in p.stem and p.stem.rsplit("_", 1)[-1] in LAYERS]
    assert prefixed == []


def _refusals() -> list[type[LofinError]]:
    for path in _sources():
        if "tests" not in path.parts and path.name not in {"settings.py"}:
            importlib.import_module(_module(path))
    found, todo = [], [LofinError]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return [r for r in found if r.__module__.startswith("lofin.") and ".tests." not in r.__module__]


def test_every_typed_refusal_lives_in_its_apps_errors_module():
    assert [f"{r.__module__}.{r.__name__}" for r in _refusals() if not r.__module__.endswith(".errors")] == []


def test_every_refusal_code_is_defined_once():
    owners: dict[str, list[str]] = {}
    for refusal in _refusals():
        if "code" in vars(refusal):
            owners.setdefault(refusal.code, []).append(f"{refusal.__module__}.{refusal.__name__}")
    assert {code: names for code, names in owners.items() if len(names) > 1} == {}
