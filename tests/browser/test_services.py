"""The service finder: found with the autocomplete and started online with the keyboard alone,
and usable without JavaScript.

The autocomplete is an ARIA 1.2 combobox (``service-finder.js``) over the search API; without
the script the search box is a plain form that submits to the finder page.
"""

import re

import pytest
from playwright.sync_api import expect

from .helpers import focused, tab_to

pytestmark = pytest.mark.browser

FINDER = "/de/dienstleistungen/"


def open_suggestions(page, query):
    """Tab to the finder's search box, type ``query`` and wait for the suggestions."""
    page.goto(FINDER)
    search_box = page.locator("#service-q")
    expect(search_box).to_have_attribute("role", "combobox")  # the script has set it up
    tab_to(page, lambda el: el["id"] == "service-q")
    page.keyboard.type(query)
    listbox = page.locator("#service-q-suggestions")
    expect(listbox.get_by_role("option").first).to_be_visible()
    expect(search_box).to_have_attribute("aria-expanded", "true")
    return search_box, listbox


def test_service_is_found_by_autocomplete_and_started_online_with_keyboard_alone(new_page):
    """Protects the whole way from the finder to a sent request for keyboard users: the
    autocomplete suggests Sperrmüll, Arrow Down marks it (aria-activedescendant), Enter opens
    the service page, its "start online" button goes through the counting redirect to the
    town's own form, and sending the form shows the reference number."""
    page = new_page()
    redirects = []
    page.on(
        "response",
        lambda response: redirects.append(response.url) if response.status == 302 else None,
    )

    search_box, listbox = open_suggestions(page, "sperrm")
    expect(search_box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    page.keyboard.press("ArrowDown")
    first = listbox.get_by_role("option").first
    expect(first).to_contain_text("Sperrmüll anmelden")
    expect(first).to_have_attribute("aria-selected", "true")
    first_id = first.get_attribute("id")
    expect(search_box).to_have_attribute("aria-activedescendant", first_id)
    expect(search_box).to_have_attribute("aria-expanded", "true")
    expect(search_box).to_be_focused()  # the focus stays in the box, the option is only marked

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/de/dienstleistungen/sperrmuell-anmelden/$"))
    expect(page.locator("h1")).to_have_text("Sperrmüll anmelden")

    start = tab_to(page, lambda el: el["text"] == "Sperrmüll online anmelden")
    assert re.fullmatch(r"/start/\d+/", start["href"] or ""), start
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/de/dienstleistungen/sperrmuell-abholung/$"))
    # The start was counted by the redirect. The test server has its own database, so the
    # count itself cannot be read here; it is enough that the way led through /start/<id>/.
    assert any(url.endswith(start["href"]) for url in redirects), redirects

    for field_id, text in [
        ("id_name", "Erika Mustermann"),
        ("id_e_mail", "erika@example.org"),
        ("id_anschrift", "Marktplatz 2, 12345 Musterstadt"),
        ("id_beschreibung", "Ein altes Sofa und zwei Stühle."),
    ]:
        tab_to(page, lambda el, field_id=field_id: el["id"] == field_id)
        page.keyboard.type(text)
    tab_to(page, lambda el: el["tag"] == "button" and 'type="submit"' in el["html"])
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/de/[^/]+/[^/]+/\?sent=1$"))
    expect(page.locator(".reference")).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    reference = page.locator(".reference").inner_text()
    expect(page.locator(".submission-status")).to_contain_text(reference)
    expect(page.locator(".submission-status")).to_contain_text("Sperrmüll-Abholung anmelden")


def test_escape_closes_the_suggestions_and_keeps_the_typed_text(new_page):
    """Protects the combobox's Escape key: it closes the listbox, says so (aria-expanded),
    drops the marked option and leaves the focus and the typed text in the search box."""
    page = new_page()
    search_box, listbox = open_suggestions(page, "hund")
    page.keyboard.press("ArrowDown")
    expect(search_box).to_have_attribute("aria-activedescendant", re.compile(".+"))

    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(search_box).to_have_attribute("aria-expanded", "false")
    expect(search_box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    expect(search_box).to_be_focused()
    expect(search_box).to_have_value("hund")
    current = focused(page)
    assert current is not None and current["id"] == "service-q", current


def test_finder_works_without_javascript(browser, server_url):
    """Protects the progressive enhancement: with JavaScript off the search box is a plain
    form, and submitting it lists the matching services, the best match first."""
    context = browser.new_context(base_url=server_url, java_script_enabled=False, locale="de-DE")
    try:
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(FINDER)
        search_box = page.locator("#service-q")
        expect(search_box).not_to_have_attribute("role", "combobox")
        search_box.fill("hund anmelden")
        page.locator("form[data-service-finder] button[type=submit]").click()

        expect(page).to_have_url(re.compile(r"/de/dienstleistungen/\?q=hund\+anmelden$"))
        results = page.locator("ol.service-results > li")
        expect(results.first.get_by_role("link")).to_have_text("Hund anmelden (Hundesteuer)")
        expect(results.first.get_by_role("link")).to_have_attribute(
            "href", "/de/dienstleistungen/hund-anmelden/"
        )
    finally:
        context.close()


def test_english_service_starts_the_english_form(new_page):
    """Protects the language of the way to the town's own form: "start online" on an English
    service page leads to the English form, whatever language the browser prefers."""
    page = new_page()  # a German browser (locale de-DE), reading the English page
    page.goto("/en/services/book-a-bulky-waste-collection/")
    with page.expect_navigation():
        page.get_by_role("link", name="Book the collection online").click()
    assert re.search(r"/en/services/sperrmuell-abholung/$", page.url), page.url
