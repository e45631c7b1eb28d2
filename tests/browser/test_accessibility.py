"""Every public page type passes axe-core's EN 301 549 rules and loads nothing from elsewhere.

EN 301 549 is the European standard behind BITV 2.0; axe-core tags the rules that check it
(WCAG 2.1 A and AA) with ``EN-301-549``. Each page is checked at desktop and at phone width,
in German and English, with the site's real Content-Security-Policy in force.
"""

import re
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from ..defect_reports.photo_files import MARKTPLATZ, photo
from .helpers import DESKTOP, PHONE

pytestmark = pytest.mark.browser


class PublicPage(NamedTuple):
    """A page a citizen can reach, and the HTTP status it must answer with."""

    path: str
    status: int = 200


#: One page of every public page type in both languages. Add new page types here.
PUBLIC_PAGES = [
    PublicPage("/de/"),
    PublicPage("/en/"),
    # Standard page with contact box and accordion.
    PublicPage("/de/kontakt/"),
    PublicPage("/en/contact/"),
    # Standard page listing its subpages.
    PublicPage("/de/rathaus-und-politik/"),
    PublicPage("/en/town-hall-and-politics/"),
    # Nested page with breadcrumbs.
    PublicPage("/de/rathaus-und-politik/buergermeister/"),
    # Search: results and the empty form.
    PublicPage("/de/suche/?q=rathaus"),
    PublicPage("/en/search/?q=town"),
    PublicPage("/de/suche/"),
    # The 404 page.
    PublicPage("/de/gibt-es-nicht/", 404),
    PublicPage("/en/does-not-exist/", 404),
    # News: listing (with filters), article, notices listing, notice, InfoMonitor screen.
    PublicPage("/de/aktuelles/"),
    PublicPage("/en/news/"),
    PublicPage("/de/aktuelles/?category=umwelt"),
    PublicPage("/de/aktuelles/buergerbuero-online-termine/"),
    PublicPage("/en/news/buergerbuero-online-termine/"),
    PublicPage("/de/bekanntmachungen/"),
    PublicPage("/en/notices/"),
    PublicPage("/de/bekanntmachungen/baustelle-schulstrasse/"),
    PublicPage("/de/infomonitor/"),
    PublicPage("/en/infomonitor/"),
    # Service finder: A to Z, results, nothing found (did you mean, town contact), filters.
    PublicPage("/de/dienstleistungen/"),
    PublicPage("/en/services/"),
    PublicPage("/de/dienstleistungen/?q=hund"),
    PublicPage("/de/dienstleistungen/?q=reisepxxx"),
    PublicPage("/de/dienstleistungen/?situation=tiere"),
    PublicPage("/de/dienstleistungen/?online=1"),
    # Service pages: with a "start online" button, and one not available online.
    PublicPage("/de/dienstleistungen/sperrmuell-anmelden/"),
    PublicPage("/en/services/book-a-bulky-waste-collection/"),
    PublicPage("/de/dienstleistungen/kinderreisepass/"),
    # The town's own form (the status page after sending it has its own test below).
    PublicPage("/de/dienstleistungen/sperrmuell-abholung/"),
    PublicPage("/en/services/sperrmuell-abholung/"),
    # Defect reporter: the form (its later states and the review and tracking pages have their
    # own tests below), the public map and list (also filtered), a released report's page.
    PublicPage("/de/maengelmelder/"),
    PublicPage("/en/report-a-defect/"),
    # Promotion: the service of the month and its archive (the home pages and the service
    # finder above also show the service of the month and a campaign banner).
    PublicPage("/de/service-des-monats/"),
    PublicPage("/en/service-of-the-month/"),
    # A content page with the service-of-the-month block ("Rathaus und Politik" above also
    # shows a campaign teaser, the home pages a banner and the spotlight with its image).
    PublicPage("/de/online-dienste/"),
    PublicPage("/en/online-services/"),
    PublicPage("/de/maengelmelder/meldungen/"),
    PublicPage("/en/report-a-defect/reports/"),
    PublicPage("/de/maengelmelder/meldungen/?category=schlagloch&status=open"),
    PublicPage("/de/maengelmelder/meldungen/MRKT-PLZ3/"),
    PublicPage("/en/report-a-defect/reports/MRKT-PLZ3/"),
]

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

AXE_RUN = "() => axe.run(document, {runOnly: {type: 'tag', values: ['EN-301-549']}})"


def format_violations(url: str, width: int, violations: list[dict]) -> str:
    """A readable failure message: each rule, its help text and the offending elements."""
    lines = [f"{len(violations)} EN 301 549 violation(s) on {url} at {width}px width:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'n/a'}): {violation['help']}"
            f" [{violation.get('helpUrl', '')}]"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=[p.path for p in PUBLIC_PAGES])
def test_page_is_accessible_and_self_contained(
    new_page, server_url, axe_source, public_page, viewport
):
    """Protects BITV 2.0 conformance (no axe EN-301-549 violation) and the promise that no
    page loads anything from a third-party host (no CDN, web fonts or trackers)."""
    page = new_page(**viewport)
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    response = page.goto(public_page.path, wait_until="load")
    assert response is not None
    assert response.status == public_page.status, f"{public_page.path} answered {response.status}"

    page.evaluate(axe_source)
    results = page.evaluate(AXE_RUN)
    violations = results["violations"]
    assert not violations, format_violations(public_page.path, viewport["width"], violations)

    foreign = foreign_requests(requested, server_url)
    assert not foreign, f"{public_page.path} requested other hosts: {foreign}"


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_submission_status_page_is_accessible_and_self_contained(
    new_page, server_url, axe_source, viewport
):
    """Protects the status page a citizen lands on after sending one of the town's own forms
    (it needs a fresh submission's secret token, so it cannot be in PUBLIC_PAGES): no axe
    EN-301-549 violation, nothing from other hosts, no sideways scrolling."""
    page = new_page(**viewport)
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/de/dienstleistungen/sperrmuell-abholung/")
    form = page.locator("form.online-form")
    form.locator("#id_name").fill("Erika Mustermann")
    form.locator("#id_e_mail").fill("erika@example.org")
    form.locator("#id_anschrift").fill("Marktplatz 2, 12345 Musterstadt")
    form.locator("#id_beschreibung").fill("Ein altes Sofa und zwei Stühle.")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/de/.+/\?sent=1$"))
    expect(page.locator(".reference")).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$"))

    path = urlsplit(page.url).path + "?sent=1"
    page.evaluate(axe_source)
    results = page.evaluate(AXE_RUN)
    violations = results["violations"]
    assert not violations, format_violations(path, viewport["width"], violations)

    foreign = foreign_requests(requested, server_url)
    assert not foreign, f"{path} requested other hosts: {foreign}"
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{path} is {width}px wide"


def assert_accessible(page, axe_source, label: str, width: int) -> None:
    """Run axe (injected once per document) and fail with the violations on ``label``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    results = page.evaluate(AXE_RUN)
    violations = results["violations"]
    assert not violations, format_violations(label, width, violations)


#: Near the two open pothole reports of the demo at the Marktplatz (MRKT-PLZ2, MRKT-PLZ3):
#: the place step and the review step show them as already reported nearby.
NEAR_MARKTPLATZ_REPORTS = ("51.055400", "12.556600")


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_defect_reporter_steps_are_accessible(new_page, server_url, axe_source, viewport):
    """Protects the reporter's form in the states its script creates (the sweep above only
    sees step 1 as loaded): a step's error with a "handled elsewhere" panel, step 2 with the
    map and an error, and step 2 with a marker, the nearest address and the reports nearby."""
    page = new_page(**viewport)
    width = viewport["width"]
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/de/maengelmelder/")
    expect(page.locator(".defect-stepper__count")).to_have_text("Schritt 1 von 4")
    next_button = page.get_by_role("button", name="Weiter", exact=True)

    page.get_by_role("radio", name="Autobahn, Autobahnbrücke oder Rastanlage").check()
    next_button.click()
    expect(page.locator("#defect-step-error-category")).not_to_be_empty()
    expect(page.locator(".defect-elsewhere:not([hidden])")).to_be_visible()
    assert_accessible(page, axe_source, "/de/maengelmelder/ (step 1, error, elsewhere)", width)

    page.get_by_role("radio", name="Schlagloch oder Straßenschaden").check()
    next_button.click()
    expect(page.locator("#defect-map.leaflet-container")).to_be_visible()
    next_button.click()  # no place yet
    expect(page.locator("#defect-step-error-place")).not_to_be_empty()
    assert_accessible(page, axe_source, "/de/maengelmelder/ (step 2, map, error)", width)

    page.locator("#coordinates-details > summary").click()
    page.locator("input[name=latitude]").fill(NEAR_MARKTPLATZ_REPORTS[0])
    page.locator("input[name=longitude]").fill(NEAR_MARKTPLATZ_REPORTS[1])
    page.locator("input[name=longitude]").press("Tab")  # change event: the point is read
    expect(page.locator("#defect-map .defect-pin")).to_be_visible()
    expect(page.locator("#place-status")).to_contain_text("Nächste Adresse:")
    expect(page.locator("#nearby-reports li").first).to_be_visible()
    assert_accessible(page, axe_source, "/de/maengelmelder/ (step 2, marker, nearby)", width)

    foreign = foreign_requests(requested, server_url)
    assert not foreign, f"the reporter requested other hosts: {foreign}"
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the reporter's step 2 is {scroll_width}px wide"


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_defect_review_and_tracking_pages_are_accessible(
    new_page, server_url, axe_source, viewport, tmp_path
):
    """Protects the pages after the reporter's form (they need a fresh draft's and report's
    secret token, so they cannot be in PUBLIC_PAGES): the review with a photo and the open
    reports nearby, and the private tracking page after sending. No axe EN-301-549 violation,
    nothing from other hosts, no sideways scrolling."""
    page = new_page(**viewport)
    width = viewport["width"]
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    photo_path = tmp_path / "schlagloch.jpg"
    photo_path.write_bytes(photo("JPEG", latitude=MARKTPLATZ[0], longitude=MARKTPLATZ[1]))

    page.goto("/de/maengelmelder/")
    next_button = page.get_by_role("button", name="Weiter", exact=True)
    page.get_by_role("radio", name="Schlagloch oder Straßenschaden").check()
    next_button.click()
    page.locator("#coordinates-details > summary").click()
    page.locator("input[name=latitude]").fill(NEAR_MARKTPLATZ_REPORTS[0])
    page.locator("input[name=longitude]").fill(NEAR_MARKTPLATZ_REPORTS[1])
    page.locator("input[name=longitude]").press("Tab")
    expect(page.locator("#place-status")).to_contain_text("Nächste Adresse:")
    next_button.click()
    page.locator("#id_description").fill("Tiefes Schlagloch neben der Bushaltestelle.")
    page.locator("#id_photos").set_input_files(photo_path)
    expect(page.locator("#draft-photos li[data-photo-id]")).to_have_count(1)
    next_button.click()
    page.get_by_role("button", name="Weiter zur Überprüfung").click()

    expect(page).to_have_url(re.compile(r"/de/maengelmelder/pruefen/[^/]+/$"))
    expect(page.locator(".defect-review .draft-photos img")).to_have_count(1)
    expect(page.locator(".defect-duplicates")).to_be_visible()  # MRKT-PLZ2 and -3 nearby
    review_path = re.sub(r"/pruefen/[^/]+/", "/pruefen/<token>/", urlsplit(page.url).path)
    assert_accessible(page, axe_source, review_path, width)
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{review_path} is {scroll_width}px wide"

    page.get_by_role("button", name="Meldung senden").click()
    expect(page).to_have_url(re.compile(r"/de/meldung/[^/]+/\?sent=1$"))
    expect(page.locator(".reference")).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    tracking_path = "/de/meldung/<token>/?sent=1"
    assert_accessible(page, axe_source, tracking_path, width)
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{tracking_path} is {scroll_width}px wide"

    foreign = foreign_requests(requested, server_url)
    assert not foreign, f"the reporter's pages requested other hosts: {foreign}"


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_public_defect_map_with_markers_and_popup_is_accessible(new_page, axe_source, viewport):
    """Protects the public map once its script has drawn the markers and a popup is open
    (the sweep above may run before the markers arrive)."""
    page = new_page(**viewport)
    path = "/de/maengelmelder/meldungen/"
    page.goto(path)
    marker = page.locator("#defects-map .leaflet-marker-icon.defect-marker").first
    expect(marker).to_be_attached()
    assert_accessible(page, axe_source, f"{path} (markers)", viewport["width"])

    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#defects-map .leaflet-popup .defect-popup a")).to_be_focused()
    assert_accessible(page, axe_source, f"{path} (popup open)", viewport["width"])


@pytest.mark.parametrize("path", ["/de/dienstleistungen/", "/en/"])
def test_open_service_suggestions_are_accessible(new_page, axe_source, path):
    """Protects the autocomplete's ARIA while it is open (the sweep above only sees it closed):
    the combobox, its listbox and the option marked with Arrow Down pass axe."""
    page = new_page()
    page.goto(path)
    search_box = page.locator("form[data-service-finder] input[name=q]")
    expect(search_box).to_have_attribute("role", "combobox")
    search_box.press_sequentially("hund" if path.startswith("/de/") else "dog")
    expect(page.locator("form[data-service-finder] [role=option]").first).to_be_visible()
    search_box.press("ArrowDown")
    expect(search_box).to_have_attribute("aria-activedescendant", re.compile(".+"))

    page.evaluate(axe_source)
    results = page.evaluate(AXE_RUN)
    violations = results["violations"]
    assert not violations, format_violations(path, DESKTOP["width"], violations)


def foreign_requests(requested: list[str], server_url: str) -> list[str]:
    """The requested URLs that went to a host other than the test server."""
    server = urlsplit(server_url).netloc
    return [
        url
        for url in requested
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != server
    ]


def test_pages_reflow_at_320px_without_horizontal_scrolling(new_page):
    """Protects reflow (WCAG 1.4.10, which axe cannot check): at 320 CSS pixels no public page
    is wider than the screen, so nobody has to scroll sideways to read a line."""
    page = new_page(**PHONE)
    too_wide = {}
    for public_page in PUBLIC_PAGES:
        page.goto(public_page.path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[public_page.path] = width
    assert not too_wide, f"pages wider than {PHONE['width']}px (path: scrollWidth): {too_wide}"
