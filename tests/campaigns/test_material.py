"""Material that promotes a service: QR codes that scan to the short link, the share image,
suggested share texts, and the admin pages with the printable poster and flyer."""

import io
import re
from pathlib import Path

import pytest
import zxingcpp
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image, ImageDraw

from campaigns import material, material_views
from campaigns.models import ShortLink
from services_catalog.models import ServiceIndexPage, ServicePage

pytestmark = pytest.mark.django_db

PUBLIC_URL_NAMES = ["short_link_qr_svg", "short_link_qr_png", "short_link_share_image"]
SITE_CSS = Path(__file__).resolve().parents[2] / "site" / "static" / "css" / "site.css"


@pytest.fixture
def service(de):
    return ServicePage.objects.get(locale=de, key="sperrmuell-anmelden")


@pytest.fixture
def service_en(en):
    return ServicePage.objects.get(locale=en, key="sperrmuell-anmelden")


@pytest.fixture
def link(service):
    return ShortLink.for_service(service)


@pytest.fixture
def editor(django_user_model):
    """A page editor of Wagtail's default group: may edit every service page."""
    user = django_user_model.objects.create_user("redakteurin", password="x-lang-genug-42")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def decode(png: bytes) -> list[str]:
    """The texts of the QR codes zxing-cpp finds in a PNG."""
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def svg_to_png(svg: str, pixels_per_module: int = 8) -> bytes:
    """Draws a segno SVG as a PNG, so that the SVG itself is decoded, not a second QR code made
    from the same URL. segno draws the dark modules as one stroked path of ``M``/``m`` moves and
    ``h`` runs, in modules (a white background, if any, is a filled path of its own)."""
    stroked = next(attrs for attrs in re.findall(r"<path([^>]*)>", svg) if "stroke=" in attrs)
    path = re.search(r'\bd="([^"]+)"', stroked).group(1)
    runs = []
    x = y = 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", path):
        values = [float(value) for value in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            runs.append((x, y - 0.5, values[0]))
            x += values[0]
    # The quiet zone: as many modules after the code as before it.
    size = max(start + length for start, _, length in runs) + min(r[0] for r in runs)
    image = Image.new("L", (round(size * pixels_per_module),) * 2, 255)
    draw = ImageDraw.Draw(image)
    for left, top, length in runs:
        draw.rectangle(
            (
                round(left * pixels_per_module),
                round(top * pixels_per_module),
                round((left + length) * pixels_per_module) - 1,
                round((top + 1) * pixels_per_module) - 1,
            ),
            fill=0,
        )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- QR codes -------------------------------------------------------------------------------------


def test_qr_png_scans_to_the_short_link_marked_as_a_scan(client, link):
    response = client.get(reverse("short_link_qr_png", args=[link.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert decode(response.content) == [link.qr_url()]
    assert link.qr_url().endswith(f"/s/{link.code}?qr")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=86400" in cache_control
    assert "Content-Disposition" not in response


def test_qr_svg_scans_to_the_short_link(client, link):
    response = client.get(reverse("short_link_qr_svg", args=[link.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    assert decode(svg_to_png(svg)) == [link.qr_url()]


def test_qr_codes_use_error_correction_m_and_a_quiet_zone(link):
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(material.qr_png(link.qr_url(), 4))))
    assert results[0].ec_level == "M"
    image = Image.open(io.BytesIO(material.qr_png(link.qr_url(), 4))).convert("L")
    # Four white modules (4 px each) around the code.
    assert all(image.getpixel((x, y)) == 255 for x in range(16) for y in range(image.height))


def test_download_offers_a_named_file(client, link, service):
    response = client.get(reverse("short_link_qr_svg", args=[link.code]), {"download": "1"})
    assert response["Content-Disposition"] == f'attachment; filename="qr-{service.slug}.svg"'
    response = client.get(reverse("short_link_qr_png", args=[link.code]), {"download": "1"})
    assert response["Content-Disposition"] == f'attachment; filename="qr-{service.slug}.png"'


def test_download_of_a_second_short_link_names_its_code(client, de):
    link = ShortLink.objects.get(code="hund")
    response = client.get(reverse("short_link_qr_png", args=["hund"]), {"download": "1"})
    assert f'filename="qr-{link.service.slug}-hund.png"' in response["Content-Disposition"]


def test_png_scale_is_bounded(client, link):
    small = client.get(reverse("short_link_qr_png", args=[link.code]), {"scale": "1"})
    large = client.get(reverse("short_link_qr_png", args=[link.code]), {"scale": "9999"})
    nonsense = client.get(reverse("short_link_qr_png", args=[link.code]), {"scale": "x"})
    assert Image.open(io.BytesIO(small.content)).width < Image.open(io.BytesIO(large.content)).width
    assert nonsense.status_code == 200
    assert Image.open(io.BytesIO(large.content)).width <= 60 * 40


@pytest.mark.parametrize(
    "name", ["short_link_qr_svg", "short_link_qr_png", "short_link_share_image"]
)
def test_unknown_code_is_not_found(client, name):
    assert client.get(reverse(name, args=["gibtsnicht"])).status_code == 404


@pytest.mark.parametrize(
    "name", ["short_link_qr_svg", "short_link_qr_png", "short_link_share_image"]
)
def test_unpublished_service_has_no_material(client, link, service, name):
    service.unpublish()
    assert client.get(reverse(name, args=[link.code])).status_code == 404


# --- The share image ------------------------------------------------------------------------------


def test_brand_colour_is_the_sites_primary_colour():
    css = SITE_CSS.read_text(encoding="utf-8")
    primary = re.search(r"--color-primary:\s*(#[0-9a-fA-F]{6})", css).group(1)
    dark = re.search(r"--color-primary-dark:\s*(#[0-9a-fA-F]{6})", css).group(1)
    assert material.BRAND_COLOUR.lower() == primary.lower()
    assert material.BRAND_COLOUR_DARK.lower() == dark.lower()


def test_share_image_is_a_1200_by_630_png_in_the_brand_colour(client, link):
    response = client.get(reverse("short_link_share_image", args=[link.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=3600" in response["Cache-Control"] and "public" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    assert image.convert("RGB").getpixel((1190, 250)) == (0x0B, 0x4F, 0x8A)


def test_share_image_is_cached_until_the_title_changes(client, link, service, monkeypatch):
    drawn = []
    original = material.share_image_png

    def counting(*args, **kwargs):
        drawn.append(args[0].title)
        return original(*args, **kwargs)

    monkeypatch.setattr(material, "share_image_png", counting)
    url = reverse("short_link_share_image", args=[link.code])
    first = client.get(url).content
    assert client.get(url).content == first
    assert drawn == [service.title]

    service.title = "Sperrmüll und Elektroschrott anmelden"
    service.save_revision().publish()
    second = client.get(url).content
    assert drawn == [service.title.replace(" und Elektroschrott", ""), service.title]
    assert second != first
    assert Image.open(io.BytesIO(second)).size == (1200, 630)


def test_share_image_survives_long_titles_and_a_missing_coat_of_arms(service):
    town = material.town_settings_for(service)
    town.coat_of_arms = None
    service.title = "Sondernutzungserlaubnis " * 12
    png = material.share_image_png(service, town, "https://musterstadt.example/s/abc")
    assert Image.open(io.BytesIO(png)).size == (1200, 630)


def test_long_titles_are_wrapped_to_at_most_three_lines(service):
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font, lines = material.fit_title(draw, "Bauantrag " * 30, 1056, 256)
    assert len(lines) == 3 and lines[-1].endswith("…")
    short_font, short_lines = material.fit_title(draw, "Hund anmelden", 1056, 256)
    assert len(short_lines) == 1 and short_font.size > font.size


def test_fonts_come_from_the_settings(settings):
    bold = str(material.FONTS / "DejaVuSans-Bold.ttf")
    material.share_font.cache_clear()
    try:
        settings.SHARE_IMAGE_FONT = bold  # the town's own typeface, here the bold one
        assert material.share_font(30).font.path == bold
        settings.SHARE_IMAGE_FONT = "/does/not/exist.ttf"
        material.share_font.cache_clear()
        fallback = material.share_font(30)  # falls back, does not fail
        assert fallback.size == 30
        assert fallback.font.path == str(material.FONTS / "DejaVuSans.ttf")
    finally:
        material.share_font.cache_clear()


# --- Share texts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["de", "en"])
def test_share_texts_carry_the_short_link(language, service, service_en):
    page = service if language == "de" else service_en
    link = ShortLink.for_service(page)
    texts = {text["channel"]: text for text in material.share_texts(page, link.url())}
    assert set(texts) == {"short", "long", "gazette"}
    assert all(text["label"] and text["text"] for text in texts.values())
    assert link.url() in texts["short"]["text"]
    assert len(texts["short"]["text"]) <= 280
    assert page.title in texts["short"]["text"]
    assert link.url() in texts["long"]["text"]
    assert "#Musterstadt" in texts["long"]["text"]
    assert page.summary.strip() in texts["long"]["text"]
    # The gazette is read on paper: the address to type, without https://.
    typed = link.url().split("://", 1)[1]
    assert typed in texts["gazette"]["text"]
    assert "://" not in texts["gazette"]["text"]


def test_short_post_stays_within_280_characters_with_a_very_long_title(service):
    service.title = "Sondernutzungserlaubnis für Veranstaltungen " * 8
    link = "https://www.musterstadt.example/s/abcdef"
    short = material.share_texts(service, link)[0]
    assert short["channel"] == "short"
    assert len(short["text"]) <= 280
    assert link in short["text"]


def test_hashtags_are_made_from_the_town_name():
    assert material.hashtag("Bad Salzungen") == "#BadSalzungen"
    assert material.hashtag("Neustadt-Glewe") == "#NeustadtGlewe"
    assert material.hashtag("Schmölln") == "#Schmölln"
    assert material.hashtag("") == ""


# --- The admin pages ------------------------------------------------------------------------------


def test_index_and_service_page_open_for_an_editor(editor_client, service, link):
    index = editor_client.get(reverse("campaigns_material:index"), {"q": "Sperrmüll"})
    assert index.status_code == 200
    html = index.content.decode()
    assert service.title in html
    assert f"/s/{link.code}" in html
    assert reverse("campaigns_material:service", args=[service.pk]) in html

    page = editor_client.get(reverse("campaigns_material:service", args=[service.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg role="img"' in html
    assert reverse("short_link_qr_svg", args=[link.code]) + "?download=1" in html
    assert reverse("short_link_qr_png", args=[link.code]) + "?download=1" in html
    assert reverse("campaigns_material:poster", args=[service.pk]) in html
    assert reverse("campaigns_material:flyer", args=[service.pk]) in html
    assert reverse("short_link_share_image", args=[link.code]) in html
    assert html.count("<textarea") == 3 and html.count("readonly") >= 3
    # The copy buttons' script is a file: the site's CSP allows no inline scripts.
    assert 'src="/static/campaigns/material/copy.js"' in html


def test_index_searches_titles(editor_client, service):
    html = editor_client.get(reverse("campaigns_material:index"), {"q": "sperrmüll"}).content
    html = html.decode()
    assert service.title in html
    assert "Hund anmelden" not in html


def test_index_lists_german_services_first(rf, editor):
    view = material_views.MaterialIndexView()
    view.request = rf.get("/admin/promotion/material/")
    view.request.user = editor
    languages = [service.locale.language_code for service in view.services("")]
    assert "de" in languages and "en" in languages
    assert languages == sorted(languages, key=lambda language: language != "de")


@pytest.mark.parametrize("name", ["index", "service", "poster", "flyer"])
def test_anonymous_visitors_are_sent_to_the_login(client, service, name):
    args = [] if name == "index" else [service.pk]
    response = client.get(reverse(f"campaigns_material:{name}", args=args))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


@pytest.mark.parametrize("name", ["index", "service", "poster", "flyer"])
def test_staff_without_page_or_short_link_permissions_are_refused(
    client, django_user_model, service, name
):
    user = django_user_model.objects.create_user("praktikant", password="x-lang-genug-42")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    args = [] if name == "index" else [service.pk]
    response = client.get(reverse(f"campaigns_material:{name}", args=args))
    assert response.status_code in (302, 403)
    assert service.title.encode() not in response.content


def test_communications_staff_with_the_short_link_permission_may_use_it(
    client, django_user_model, service
):
    user = django_user_model.objects.create_user("presse", password="x-lang-genug-42")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_shortlink"),
    )
    client.force_login(user)
    assert client.get(reverse("campaigns_material:index")).status_code == 200
    response = client.get(reverse("campaigns_material:service", args=[service.pk]))
    assert response.status_code == 200


def test_material_of_an_unpublished_service_is_not_found(editor_client, service):
    service.unpublish()
    url = reverse("campaigns_material:service", args=[service.pk])
    # Django's LocaleMiddleware may first send a 404 to the same path with a language prefix.
    response = editor_client.get(url, follow=True)
    assert response.status_code == 404


def make_services(count: int, start: int = 0):
    parent = ServiceIndexPage.objects.get(locale__language_code="de")
    for number in range(start, start + count):
        page = ServicePage(
            title=f"Materialprobe {number}",
            slug=f"materialprobe-{number}",
            summary="Ein Dienst, den es nur in diesem Test gibt.",
        )
        parent.add_child(instance=page)
        page.save_revision().publish()


def listed(response) -> list[str]:
    """The services in the index's table (the title is also in hidden link texts)."""
    return re.findall(r'">(Materialprobe \d+)</a>', response.content.decode())


def test_index_query_count_does_not_grow_with_the_number_of_services(editor_client):
    url = reverse("campaigns_material:index")
    make_services(2)
    editor_client.get(url, {"q": "Materialprobe"})  # warms Wagtail's site caches
    with CaptureQueriesContext(connection) as few:
        response = editor_client.get(url, {"q": "Materialprobe"})
    assert len(listed(response)) == 2
    make_services(6, start=2)
    with CaptureQueriesContext(connection) as many:
        response = editor_client.get(url, {"q": "Materialprobe"})
    assert len(listed(response)) == 8
    assert len(many) == len(few), "\n".join(query["sql"] for query in many.captured_queries)


@pytest.mark.parametrize(
    ("name", "page_size"), [("poster", "size: A4"), ("flyer", "size: 105mm 148mm")]
)
def test_poster_and_flyer_hold_the_qr_code_and_the_address_to_type(
    editor_client, service, link, name, page_size
):
    response = editor_client.get(reverse(f"campaigns_material:{name}", args=[service.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in html
    assert "wagtailadmin" not in html  # a document of its own, not in the admin's frame
    assert '<svg role="img"' in html
    assert re.search(r'<svg role="img"[^>]* aria-label="[^"]*' + re.escape(link.url()), html)
    assert link.url().split("://", 1)[1] in html
    assert service.title in html and service.summary in html
    assert "campaigns/material/print.js" in html
    assert reverse("campaigns_material:service", args=[service.pk]) in html
    stylesheet = Path(__file__).resolve().parents[2] / "site" / "static" / "campaigns"
    assert page_size in (stylesheet / "material" / f"{name}.css").read_text()
    # The inline QR code is the short link's, marked as a scan.
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert decode(svg_to_png(svg)) == [link.qr_url()]


def test_poster_is_in_the_language_of_the_service(editor_client, service_en):
    response = editor_client.get(reverse("campaigns_material:poster", args=[service_en.pk]))
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Do it online now" in html


def test_poster_can_use_another_short_link_of_the_service(editor_client):
    amtsblatt = ShortLink.objects.get(code="hund")
    url = reverse("campaigns_material:poster", args=[amtsblatt.service_id])
    html = editor_client.get(url, {"link": "hund"}).content.decode()
    assert amtsblatt.url().split("://", 1)[1] in html
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert decode(svg_to_png(svg)) == [amtsblatt.qr_url()]


def test_service_page_editor_offers_the_material(editor_client, service):
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[service.pk]))
    assert response.status_code == 200
    assert reverse("campaigns_material:service", args=[service.pk]) in response.content.decode()


def test_other_pages_do_not_offer_material(editor_client, home_de):
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[home_de.pk]))
    html = response.content.decode()
    # (The menu links to the list; a page's own material would be /material/<pk>/.)
    assert not re.search(r"/admin/promotion/material/\d+/", html)


def test_menu_item_is_shown_to_those_who_may_use_the_material(rf, editor, django_user_model):
    item = material_views.material_menu_item()
    request = rf.get("/admin/")
    request.user = editor
    assert item.is_shown(request)
    request.user = django_user_model.objects.create_user("gast", password="x-lang-genug-42")
    assert not item.is_shown(request)
