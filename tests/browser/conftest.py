"""Fixtures for the real-browser tests: a throwaway server and a headless Chromium.

The server (see ``server.py``) runs in a subprocess against its own SQLite database with the
demo content; the tests only talk HTTP to it. Chromium is Debian's ``/usr/bin/chromium``,
driven by Playwright's sync API. Without Chromium or axe-core the browser tests are skipped
with a reason that names what is missing.

Playwright's sync API keeps an asyncio event loop running in the main thread while a browser
is open, and Django refuses database access while a loop runs. So the browser tests are moved
to the end of the session, and no test that uses the database runs while the browser is open.
"""

import os
from pathlib import Path

import pytest

from .helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from .server import ROOT, DemoServer

AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Skip the browser tests when Chromium or axe-core is missing, and run them last."""
    browser_items = []
    other_items = []
    for item in items:
        in_browser_dir = BROWSER_DIR in Path(str(item.path)).resolve().parents
        is_marked = item.get_closest_marker("browser") is not None
        if in_browser_dir and not is_marked:
            raise pytest.UsageError(
                f"{item.nodeid} lives in tests/browser but is not marked "
                "pytest.mark.browser (set pytestmark in the module)."
            )
        (browser_items if is_marked else other_items).append(item)

    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not AXE_SOURCE.exists():
        missing.append(f"{AXE_SOURCE.relative_to(ROOT)} is missing (run npm ci)")
    if missing and browser_items and os.environ.get("REQUIRE_BROWSER_TESTS"):
        # CI sets this: there a missing browser must fail the run, not skip it quietly.
        raise pytest.UsageError("REQUIRE_BROWSER_TESTS is set, but " + "; ".join(missing))
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(reason="browser tests skipped: " + "; ".join(missing))
        for item in browser_items:
            item.add_marker(skip)

    items[:] = other_items + browser_items


@pytest.fixture(scope="session")
def server_url():
    """Base URL (``http://127.0.0.1:<port>``) of a throwaway server with the demo content."""
    with DemoServer() as server:
        yield server.base_url


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium, shared by all browser tests of the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source():
    """The source of axe-core, to be evaluated in a page (a script tag would break the CSP)."""
    if not AXE_SOURCE.exists():
        pytest.skip(f"{AXE_SOURCE.relative_to(ROOT)} is missing (run npm ci)")
    return AXE_SOURCE.read_text(encoding="utf-8")


@pytest.fixture
def new_page(browser, server_url):
    """Factory for a page in a fresh browser context, with relative URLs on the test server.

    ``new_page(width=320, height=640)`` sets the viewport; contexts are closed afterwards.
    """
    contexts = []

    def make(width: int = DESKTOP["width"], height: int = DESKTOP["height"]):
        context = browser.new_context(
            base_url=server_url,
            viewport={"width": width, "height": height},
            locale="de-DE",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
