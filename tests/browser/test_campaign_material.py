"""A service's promotion material in a real Chromium: the admin's material page passes axe, and
the poster and flyer print to exactly one A4 or A6 page whose QR code scans to the short link.

The PDF is Chromium's own print output (``page.pdf`` with the stylesheet's ``@page`` size); it
is rendered back to pixels with pypdfium2 and the QR code read with zxing-cpp, so what is
checked is what a printer would get.
"""

import re
from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pytest
import zxingcpp
from playwright.sync_api import expect

from .helpers import DESKTOP
from .test_admin_accessibility import AdminServer, assert_accessible, log_in

pytestmark = pytest.mark.browser

#: Page sizes in PDF points (1/72 inch): A4 is 210 × 297 mm, A6 105 × 148 mm.
A4 = (595, 842)
A6 = (298, 420)
TOLERANCE = 2
#: Rendering resolution for reading the QR code back, as a phone camera would see print.
DPI = 200


@pytest.fixture(scope="module")
def material_url():
    """A throwaway demo server with an administrator (its own, for this module)."""
    with AdminServer() as server:
        yield server.base_url


@pytest.fixture
def staff_page(browser, material_url):
    """A logged-in admin page (may copy to the clipboard, as a person allows it)."""
    context = browser.new_context(
        base_url=material_url,
        viewport={"width": DESKTOP["width"], "height": DESKTOP["height"]},
        locale="de-DE",
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=material_url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page)
    yield page
    context.close()


def open_material(page, title_search: str) -> str:
    """Find a service in the material list and open its material page; returns its path."""
    page.goto("/admin/promotion/material/")
    page.locator("#material-search-q").fill(title_search)
    page.locator(".material-search button[type=submit]").click()
    page.locator(".material-admin table a").first.click()
    expect(page.locator("[data-qr-url]")).to_be_visible()
    return urlsplit(page.url).path


def print_and_read(page, size: tuple[int, int]) -> list[str]:
    """Print the page to PDF as Chromium does, check it is one page of ``size`` points, and
    return the texts of the QR codes on it."""
    pdf = pdfium.PdfDocument(page.pdf(prefer_css_page_size=True))
    assert len(pdf) == 1, f"{page.url} printed {len(pdf)} pages"
    width, height = pdf[0].get_size()
    assert abs(width - size[0]) <= TOLERANCE and abs(height - size[1]) <= TOLERANCE, (
        f"{page.url} printed a {width:.0f} × {height:.0f} pt page, expected {size}"
    )
    image = pdf[0].render(scale=DPI / 72).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_material_page_is_accessible_and_copies_texts(staff_page, axe_source):
    """Protects the material list and page for communications staff: no axe EN-301-549
    violation, and the copy buttons (a static script) copy a suggested text."""
    page = staff_page
    page.goto("/admin/promotion/material/")
    expect(page.locator(".material-admin table")).to_be_visible()
    assert_accessible(page, axe_source, "/admin/promotion/material/", DESKTOP["width"])

    open_material(page, "Sperrmüll")
    assert_accessible(page, axe_source, "/admin/promotion/material/<id>/", DESKTOP["width"])

    short = page.locator("#share-text-short")
    copy = page.locator("[data-copy=share-text-short]")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("[data-copy=share-text-short] ~ [data-copy-status]")).not_to_be_empty()
    assert page.evaluate("() => navigator.clipboard.readText()") == short.input_value()
    qr_url = page.locator("[data-qr-url]").get_attribute("data-qr-url")
    assert qr_url.removesuffix("?qr") in short.input_value()

    image = page.locator("img.material-share-image")
    expect(image).to_be_visible()
    natural = image.evaluate("(img) => [img.naturalWidth, img.naturalHeight]")
    assert natural == [1200, 630]


@pytest.mark.parametrize(
    ("search", "kind", "size", "language"),
    [("Sperrmüll", "poster", A4, "de"), ("bulky waste", "flyer", A6, "en")],
    ids=["poster-A4-de", "flyer-A6-en"],
)
def test_printed_material_is_one_page_whose_qr_code_leads_to_the_service(
    staff_page, axe_source, material_url, search, kind, size, language
):
    """Protects the poster and flyer: one printed page of the right size, in the service's
    language, whose QR code (read back from Chromium's PDF) is the short link marked as a scan
    and leads to the service."""
    page = staff_page
    material_path = open_material(page, search)
    expected = page.locator("[data-qr-url]").get_attribute("data-qr-url")
    assert re.fullmatch(r"https?://[^/]+/s/[a-z0-9-]+\?qr", expected)

    page.goto(f"{material_path}{kind}/")
    assert page.locator("html").get_attribute("lang") == language
    expect(page.locator(".sheet__code svg")).to_be_visible()
    expect(page.locator(".sheet__address")).to_have_text(expected.split("://", 1)[1][:-3])
    expect(page.locator("[data-print]")).to_be_visible()  # the script ran
    assert_accessible(page, axe_source, f"/admin/promotion/material/<id>/{kind}/", DESKTOP["width"])

    assert print_and_read(page, size) == [expected]
    # (page.pdf prints with print media unless told otherwise; this checks what it relies on.)
    page.emulate_media(media="print")
    expect(page.locator(".toolbar")).to_be_hidden()

    # The code leads to the service: the short link (on this server) redirects to its page.
    scanned = urlsplit(expected)
    response = page.request.get(f"{material_url}{scanned.path}?{scanned.query}", max_redirects=0)
    assert response.status == 302
    service = page.request.get(f"{material_url}{response.headers['location']}")
    assert service.status == 200
