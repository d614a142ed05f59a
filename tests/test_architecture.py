"""The dependency rule is enforced by import-linter (`make lint`); this keeps its contract complete."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_service_package_is_forbidden_to_core():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["name"] == "core imports no service")
    packages = {
        f"lofin.{p.name}" for p in (ROOT / "src" / "lofin").iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }
    modules = {f"lofin.{p.stem}" for p in (ROOT / "src" / "lofin").glob("*.py") if p.stem in {"api", "urls"}}
    assert packages - {"lofin.core"} | modules <= set(contract["forbidden_modules"])
