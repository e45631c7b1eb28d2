"""Refresh the README's screenshots of the German home page (``make screenshots``).

Starts a throwaway server with the demo content (the same helper the browser tests use, see
``tests/browser/server.py``), with DEBUG on so that it serves the uploaded images too, and
writes ``docs/screenshot-home-desktop.png`` (1280x900) and ``docs/screenshot-home-phone.png``
(390x844) with Debian's Chromium.
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.server import DemoServer  # noqa: E402

SHOTS = {
    "screenshot-home-desktop.png": {"viewport": {"width": 1280, "height": 900}},
    "screenshot-home-phone.png": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


def main() -> int:
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing (apt-get install chromium); no screenshots taken.")
        return 1
    # The development settings serve media files (DEBUG), so the hero image shows.
    with DemoServer(settings="rathaus.settings.dev", env={"DEBUG": "true"}) as server:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            for filename, options in SHOTS.items():
                context = browser.new_context(base_url=server.base_url, locale="de-DE", **options)
                page = context.new_page()
                page.goto("/de/", wait_until="networkidle")
                page.screenshot(path=DOCS / filename)
                context.close()
                print(f"wrote docs/{filename}")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
