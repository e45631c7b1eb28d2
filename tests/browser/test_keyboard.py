"""The site works with the keyboard alone (WCAG 2.1.1, 2.4.1, 2.4.3, 2.4.7).

Every step here is a key press; nothing is clicked. The helpers report which elements Tab
visited when a target cannot be reached.
"""

import re

import pytest
from playwright.sync_api import expect

from .helpers import PHONE, focused, tab_to

pytestmark = pytest.mark.browser


def test_first_tab_focuses_skip_link_which_moves_focus_to_main(new_page):
    """Protects the skip link (2.4.1): first in tab order, visible when focused, and it moves
    the keyboard focus past the header into the main content."""
    page = new_page()
    page.goto("/de/")

    page.keyboard.press("Tab")
    current = focused(page)
    assert current is not None and "skip-link" in current["className"], current
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/de/#main$"))
    current = focused(page)
    assert current is not None and (current["tag"], current["id"]) == ("main", "main"), current


def test_header_search_works_with_keyboard_alone(new_page):
    """Protects the header search for keyboard users: reachable with Tab, submitted with
    Enter, and it lands on the results page listing the matching page."""
    page = new_page()
    page.goto("/de/")

    tab_to(page, lambda el: el["id"] == "site-search-q")
    page.keyboard.type("Rathaus")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/de/suche/\?q=Rathaus$"))
    results = page.locator("ol.search-results")
    expect(results.get_by_role("link", name="Rathaus und Politik", exact=True)).to_be_visible()


def test_phone_menu_opens_with_keyboard_and_closes_with_escape(new_page):
    """Protects the collapsed main navigation at 320px: the "Menü" button says whether it is
    open, Enter and Space open it, and Escape (pressed on a link inside) closes it and gives
    the focus back to the button."""
    page = new_page(**PHONE)
    page.goto("/de/")
    toggle = page.get_by_role("button", name="Menü")
    nav_list = page.locator("#main-nav-list")
    first_link = nav_list.get_by_role("link").first

    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav_list).to_be_hidden()

    tab_to(page, lambda el: "main-nav__toggle" in el["className"])
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(first_link).to_be_visible()
    page.keyboard.press("Tab")
    expect(first_link).to_be_focused()

    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav_list).to_be_hidden()
    expect(toggle).to_be_focused()

    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(first_link).to_be_visible()


def test_language_switcher_works_with_keyboard(new_page):
    """Protects the language switcher for keyboard users: from a German page it leads to the
    English translation of the same page, not just to the English home page."""
    page = new_page()
    page.goto("/de/kontakt/")

    tab_to(page, lambda el: el["hreflang"] == "en")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/en/contact/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("path", ["/de/", "/de/kontakt/", "/de/suche/?q=rathaus"])
def test_focus_is_visible_on_every_tab_stop(new_page, path):
    """Protects the visible focus indicator (2.4.7): every element Tab reaches on the page
    draws an outline, so keyboard users always see where they are."""
    page = new_page()
    page.goto(path)

    seen = []
    for _ in range(150):
        page.keyboard.press("Tab")
        current = focused(page)
        if current is None or (seen and current["html"] == seen[0]["html"]):
            break  # focus left the document or came round to the first element again
        seen.append(current)
    assert len(seen) > 5, f"only {len(seen)} tab stops on {path}: {seen}"

    invisible = [
        el["html"]
        for el in seen
        if el["outlineStyle"] == "none" or el["outlineWidth"] in ("0px", "")
    ]
    assert not invisible, f"focused elements without a visible outline on {path}: {invisible}"
