"""Browser tests: Playwright driving Debian's chromium (Playwright's own browser download does not work on
closed networks), against the real app served by pytest-django's live server, with axe-core checks."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests make are still
# synchronous, one at a time, so the async-safety guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path() -> str:
    path = os.environ.get("LOFIN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian chromium is not installed: run `make system-deps` (or apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A tab that may load nothing from outside the app: government networks are closed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    outside: list[str] = []

    def only_local(route):
        url = route.request.url
        if url.startswith(live_server.url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    yield tab
    context.close()
    assert not outside, f"the page tried to load from outside the app: {outside}"


class Axe:
    """Runs axe-core in the page and fails on serious or critical WCAG 2.1 A/AA violations."""

    def __init__(self) -> None:
        if not AXE.exists():
            pytest.fail("axe-core is missing: run `make system-deps` (npm ci)")
        self.source = AXE.read_text(encoding="utf-8")
        self.reports: list[dict] = []

    def check(self, page, name: str) -> list[dict]:
        page.add_script_tag(content=self.source)
        result = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                resultTypes: ['violations']})"""
        )
        violations = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        self.reports.append({"page": name, "url": page.url, "violations": violations})
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        (SCREENSHOTS / f"{name}.axe.json").write_text(json.dumps(violations, indent=1, ensure_ascii=False))
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, (
            f"axe found serious/critical violations on {name}: {json.dumps(serious, ensure_ascii=False)}"
        )
        return violations


@pytest.fixture
def axe():
    return Axe()
