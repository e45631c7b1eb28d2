"""The Mängelmelder area of Wagtail's admin passes axe-core's EN 301 549 rules where Wagtail's
own admin allows: the list, a report's processing and inspect pages, the redaction tool, the
map of open reports, a bulk action's confirmation and the dashboard panel.

Wagtail's own markup has a few violations we cannot change from here; exactly those rules are
left out for exactly the Wagtail elements that break them (see WAGTAIL_KNOWN_VIOLATIONS).
Everything else, and so all of our own content, must have none.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .helpers import DESKTOP, PHONE
from .server import DemoServer
from .test_accessibility import AXE_RUN, format_violations

pytestmark = pytest.mark.browser

USERNAME = "sachbearbeitung"
PASSWORD = "x-lang-genug-42-admin"

#: axe rules that fail on markup of Wagtail's admin itself, not on ours: rule → the CSS
#: selectors of the Wagtail elements it fails on. Only those elements are left out; the rule
#: still applies to everything else on the page.
WAGTAIL_KNOWN_VIOLATIONS = {
    # Wagtail 8's filter toggle in the listing header (wagtailadmin/shared/headers/
    # _filters.html): once filters are active it shows their number ("2") while its
    # aria-label says only "Filter ein-/ausblenden", so the visible text is not in its name.
    "label-content-name-mismatch": {".w-slim-header-action-button"},
}


#: True once the element and its ancestors are fully opaque and none of them is animating.
SETTLED = """(selector) => {
    let element = document.querySelector(selector);
    if (!element) { return false; }
    for (; element; element = element.parentElement) {
        const style = getComputedStyle(element);
        if (style.opacity !== "1" || element.getAnimations().length) { return false; }
    }
    return true;
}"""


def ours(violations: list[dict]) -> list[dict]:
    """The violations left once the known ones of Wagtail's own elements are taken out."""
    left = []
    for violation in violations:
        known = WAGTAIL_KNOWN_VIOLATIONS.get(violation["id"], set())
        nodes = [
            node
            for node in violation["nodes"]
            if not any(str(part) in known for part in node["target"])
        ]
        if nodes:
            left.append({**violation, "nodes": nodes})
    return left


class AdminServer(DemoServer):
    """The throwaway demo server with an administrator to log in with."""

    def __init__(self):
        super().__init__(env={"DJANGO_SUPERUSER_PASSWORD": PASSWORD})

    def start(self, timeout: float = 30.0) -> None:
        super().start(timeout)
        env = self._environment(Path(self._tmp.name))
        self._manage(
            env, "createsuperuser", "--noinput", "--username", USERNAME, "--email", "sb@example.org"
        )


def log_in(page):
    """Log in to the admin as the server's administrator."""
    page.goto("/admin/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


@pytest.fixture(scope="module")
def admin_url():
    with AdminServer() as server:
        yield server.base_url


@pytest.fixture
def admin_page(browser, admin_url):
    """Factory for a logged-in admin page at a viewport size."""
    contexts = []

    def make(width=DESKTOP["width"], height=DESKTOP["height"]):
        context = browser.new_context(
            base_url=admin_url, viewport={"width": width, "height": height}, locale="de-DE"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page)
        return page

    yield make
    for context in contexts:
        context.close()


def assert_accessible(page, axe_source, label, width):
    page.evaluate(axe_source)
    results = page.evaluate(AXE_RUN)
    violations = ours(results["violations"])
    assert not violations, format_violations(label, width, violations)


def first_report_with_photos(page) -> str:
    page.goto("/admin/defect-reports/?has_photos=true&status=open")
    link = page.locator("#listing-results a[href*='/admin/defect-reports/edit/']").first
    return link.get_attribute("href")


VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_admin_pages_are_accessible(admin_page, axe_source, viewport):
    page = admin_page(**viewport)
    width = viewport["width"]

    page.goto("/admin/")
    expect(page.locator("#defect-reports-dashboard-section")).to_be_visible()
    assert_accessible(page, axe_source, "/admin/ (dashboard panel)", width)

    page.goto("/admin/defect-reports/")
    expect(page.locator("#listing-results table")).to_be_visible()
    assert_accessible(page, axe_source, "/admin/defect-reports/", width)

    page.goto("/admin/defect-reports/?status=open&has_photos=true&q=a")
    assert_accessible(page, axe_source, "/admin/defect-reports/ (filtered)", width)

    edit = first_report_with_photos(page)
    page.goto(edit)
    expect(page.locator(".defect-admin-map.leaflet-container")).to_be_visible()
    assert_accessible(page, axe_source, "/admin/defect-reports/edit/<id>/", width)

    # The workflow form with an error (forwarded, but to whom?): nothing is saved.
    page.locator("select[name=status]").select_option("forwarded")
    page.locator("[data-defect-workflow] button[type=submit]:not([name])").click()
    expect(
        page.locator("#id_forwarded_to[aria-invalid=true], .error-message").first
    ).to_be_attached()
    # Wagtail's error banner fades in; axe would measure its contrast half-way.
    page.wait_for_function(SETTLED, arg=".messages .error")
    assert_accessible(page, axe_source, "/admin/defect-reports/edit/<id>/ (form error)", width)

    inspect = edit.replace("/edit/", "/inspect/")
    page.goto(inspect)
    assert_accessible(page, axe_source, "/admin/defect-reports/inspect/<id>/", width)

    page.goto(edit)
    redact = page.locator("a[href*='/redact/']").first.get_attribute("href")
    page.goto(redact)
    expect(page.locator("canvas.defect-redact__canvas")).to_be_attached()
    assert_accessible(page, axe_source, "/admin/defect-reports/photos/<id>/redact/", width)

    page.goto("/admin/defect-reports/map/")
    marker = page.locator(".defect-admin-marker").first
    expect(marker).to_be_attached()
    assert_accessible(page, axe_source, "/admin/defect-reports/map/", width)
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup .defect-admin-popup a")).to_be_focused()
    assert_accessible(page, axe_source, "/admin/defect-reports/map/ (popup open)", width)

    report_id = edit.rstrip("/").rsplit("/", 1)[1]
    page.goto(f"/admin/bulk/defect_reports/defectreport/close/?id={report_id}")
    expect(page.locator("textarea[name=public_answer]")).to_be_visible()
    assert_accessible(page, axe_source, "/admin/bulk/…/close/", width)


def test_redaction_with_mouse_and_keyboard(admin_page, axe_source):
    """Protects the redaction tool: a rectangle drawn with the mouse and one typed with the
    keyboard are both saved, and the public copy is shown afterwards."""
    page = admin_page()
    edit = first_report_with_photos(page)
    page.goto(edit)
    page.goto(page.locator("a[href*='/redact/']").first.get_attribute("href"))
    canvas = page.locator("canvas.defect-redact__canvas")
    expect(canvas).to_be_attached()
    page.locator("[data-defect-redact-image]").scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 90, steps=5)
    page.mouse.up()
    expect(page.locator("[data-defect-redact-list] li[data-pending]")).to_have_count(1)
    expect(page.locator("[data-defect-redact-status]")).not_to_be_empty()
    assert_accessible(page, axe_source, "redaction tool (area drawn)", DESKTOP["width"])

    page.locator("input[name=x]").fill("600")
    page.locator("input[name=y]").fill("400")
    page.locator("input[name=width]").fill("100")
    page.locator("input[name=height]").fill("80")
    page.locator("input[name=height]").press("Tab")
    page.keyboard.press("Enter")  # the focused "Add area" button
    expect(page.locator("[data-defect-redact-list] li:not([data-pending])")).to_have_count(2)
    expect(page.locator("img.defect-redact__public")).to_be_visible()


def test_answer_template_fills_the_public_answer(admin_page):
    """Protects the workflow form's script: choosing a template fills in the answer and the
    no-script "Use template" button is hidden."""
    page = admin_page()
    page.goto("/admin/snippets/defect_reports/answertemplate/add/")
    page.locator("#id_title").fill("Wird repariert")
    page.locator("#id_text").fill("Danke, wir reparieren das in den nächsten Tagen.")
    page.locator("#w-editor-form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/admin/snippets/defect_reports/answertemplate/(\?.*)?$"))

    edit = first_report_with_photos(page)
    page.goto(edit)
    expect(page.locator("[data-defect-use-template]")).to_be_hidden()
    page.locator("select[name=answer_template]").select_option(label="Wird repariert")
    expect(page.locator("textarea[name=public_answer]")).to_have_value(
        "Danke, wir reparieren das in den nächsten Tagen."
    )


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_promotion_pages_are_accessible(admin_page, axe_source, viewport):
    """The reach statistics (also filtered, and with a filter error) and the forms for the
    service of the month and campaigns. (The material pages have their own test.)"""
    page = admin_page(**viewport)
    width = viewport["width"]
    page.goto("/admin/")
    expect(page.locator("#campaigns-reach-dashboard-section")).to_be_visible()
    for url in ("/admin/promotion/reach/", "/admin/promotion/reach/?granularity=week&language=de"):
        page.goto(url)
        expect(page.locator(".reach svg").first).to_be_visible()
        assert_accessible(page, axe_source, url, width)
    page.goto("/admin/promotion/reach/?start=banana")
    page.wait_for_function(SETTLED, arg=".messages .error")
    assert_accessible(page, axe_source, "/admin/promotion/reach/ (filter error)", width)
    for url in (
        "/admin/snippets/campaigns/servicespotlight/",
        "/admin/snippets/campaigns/servicespotlight/add/?locale=de",
        "/admin/snippets/campaigns/campaign/add/?locale=de",
    ):
        page.goto(url)
        assert_accessible(page, axe_source, url, width)
