"""The defect reporter (Mängelmelder) in a real browser: reported with the mouse, the keyboard
alone and without JavaScript, the place set by map, address suggestions and a photo's GPS
data, and the public map of released reports.

The form is a stepper with a Leaflet map (``defect-report.js``); the public map loads its
markers from the GeoJSON API (``defect-map.js``). The test server has its own database, so
what was stored is read from the pages the citizen sees (reference, photo count). Map tiles
are one blank image of the site's own (test settings), so nothing comes from another host.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from ..defect_reports.photo_files import MARKTPLATZ, photo
from .helpers import focused, tab_to
from .test_accessibility import foreign_requests

pytestmark = pytest.mark.browser

REPORTER = "/de/maengelmelder/"
REPORTS = "/de/maengelmelder/meldungen/"
REVIEW_URL = re.compile(r"/de/maengelmelder/pruefen/[^/?#]+/$")
TRACKING_URL = re.compile(r"/de/meldung/[^/?#]+/\?sent=1$")
REFERENCE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$")
POTHOLE = "Schlagloch oder Straßenschaden"
MOTORWAY = "Autobahn, Autobahnbrücke oder Rastanlage"
DESCRIPTION = "Tiefes Schlagloch vor der Bäckerei, etwa 30 cm breit."


def step(page, name):
    """One step (fieldset) of the reporter's form: category, place, details or contact."""
    return page.locator(f"fieldset.defect-step[data-step={name}]")


def next_button(page):
    """The "Weiter" button of the step that is shown (the others are hidden)."""
    return page.get_by_role("button", name="Weiter", exact=True)


def coordinates(page):
    """The latitude and longitude inputs' values as floats (None while empty)."""
    values = []
    for name in ("latitude", "longitude"):
        value = page.locator(f"input[name={name}]").input_value()
        values.append(float(value) if value else None)
    return tuple(values)


def german(value: float) -> str:
    """A coordinate as the German pages write it: six decimals after a comma."""
    return f"{value:.6f}".replace(".", ",")


def open_reporter(page):
    """The reporter's form, once its script has made a stepper of it."""
    page.goto(REPORTER)
    expect(page.locator("#defect-report-form")).to_have_class(re.compile(r"defect-form--stepped"))
    expect(page.locator(".defect-stepper__count")).to_have_text("Schritt 1 von 4")


def to_place_step(page):
    """Choose the pothole category and go on to the place step with its map."""
    open_reporter(page)
    page.get_by_role("radio", name=POTHOLE).check()
    next_button(page).click()
    expect(step(page, "place")).to_be_visible()
    expect(page.locator("#defect-map.leaflet-container")).to_be_visible()


def photo_file(tmp_path, latitude, longitude, name="schlagloch.jpg"):
    """A real JPEG with the place where it was taken in its EXIF GPS data (None: without)."""
    path = tmp_path / name
    path.write_bytes(photo("JPEG", latitude=latitude, longitude=longitude))
    return path


def test_citizen_reports_a_defect_with_a_photo_by_clicking_on_the_map(
    new_page, server_url, tmp_path
):
    """Protects the whole way of a report with the mouse: a category, a click on the map
    (which names the nearest address), a description and a photo uploaded at once, the review
    with the description and the photo, and after "Send" the private page with the reference
    and the photo counted, all without a request to another host or a script error."""
    page = new_page()
    requested = []
    errors = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))

    to_place_step(page)
    assert coordinates(page) == (None, None)
    page.locator("#defect-map").click()  # the map's centre, the middle of the town
    latitude, longitude = coordinates(page)
    assert latitude is not None and longitude is not None
    status = page.locator("#place-status")
    expect(status).to_have_text(re.compile(r"^Nächste Adresse: \S.+"))
    address = status.inner_text().removeprefix("Nächste Adresse: ")
    expect(page.locator("input[name=address]")).to_have_value(address)
    expect(page.locator("#defect-map .defect-pin")).to_be_visible()

    next_button(page).click()
    expect(step(page, "details")).to_be_visible()
    expect(step(page, "place")).to_be_hidden()
    page.locator("#id_description").fill(DESCRIPTION)
    page.locator("#id_photos").set_input_files(photo_file(tmp_path, *MARKTPLATZ))
    uploaded = page.locator("#draft-photos li[data-photo-id]")
    expect(uploaded).to_have_count(1)
    expect(uploaded.locator(".defect-photo__name")).to_have_text("schlagloch.jpg")
    expect(page.locator("input[name=draft]")).to_have_value(re.compile(r".{20,}"))

    next_button(page).click()
    expect(step(page, "contact")).to_be_visible()
    page.get_by_role("button", name="Weiter zur Überprüfung").click()

    expect(page).to_have_url(REVIEW_URL)
    expect(page.locator("h1")).to_have_text("Meldung überprüfen")
    review = page.locator(".defect-review")
    expect(review).to_contain_text(DESCRIPTION)
    expect(review).to_contain_text(POTHOLE)
    expect(review).to_contain_text(f"{german(latitude)}, {german(longitude)}")
    thumbnail = review.locator(".draft-photos img")
    expect(thumbnail).to_have_count(1)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )

    page.get_by_role("button", name="Meldung senden").click()
    expect(page).to_have_url(TRACKING_URL)
    expect(page.locator("h1")).to_have_text("Vielen Dank, Ihre Meldung wurde gesendet")
    expect(page.locator(".reference")).to_have_text(REFERENCE)
    reference = page.locator(".reference").inner_text()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(reference)
    expect(facts).to_contain_text("1 Foto")
    expect(facts).to_contain_text(DESCRIPTION)
    expect(facts).to_contain_text(address)

    assert not errors, f"script errors: {errors}"
    foreign = foreign_requests(requested, server_url)
    assert not foreign, f"the reporter requested other hosts: {foreign}"


def test_defect_is_reported_with_the_keyboard_alone(new_page):
    """Protects the reporter for keyboard users (WCAG 2.1.1): a category chosen with Space and
    the arrow keys, Enter goes on, Enter on the focused map sets the place at the crosshair,
    the focused marker moves with the arrow keys, and the report is sent with Enter alone."""
    page = new_page()
    open_reporter(page)

    first = tab_to(page, lambda el: el["tag"] == "input" and 'type="radio"' in el["html"], 60)
    page.keyboard.press("Space")
    expect(page.locator(f"#{first['id']}")).to_be_checked()
    page.keyboard.press("ArrowDown")
    chosen = focused(page)
    assert chosen["id"] != first["id"], chosen
    expect(page.locator(f"#{chosen['id']}")).to_be_checked()
    expect(page.locator(f"#{first['id']}")).not_to_be_checked()
    page.keyboard.press("Enter")  # goes on to the next step, does not send the form
    expect(step(page, "place")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(REPORTER) + "$"))
    expect(step(page, "place").locator("h2")).to_be_focused()

    tab_to(page, lambda el: el["id"] == "defect-map")
    assert coordinates(page) == (None, None)
    page.keyboard.press("Enter")
    expect(page.locator("input[name=latitude]")).to_have_value(re.compile(r"^\d+\.\d{6}$"))
    expect(page.locator("input[name=longitude]")).to_have_value(re.compile(r"^\d+\.\d{6}$"))
    expect(page.locator("#place-status")).to_contain_text("Der Ort wurde am Fadenkreuz festgelegt.")
    latitude, longitude = coordinates(page)

    marker = tab_to(page, lambda el: "defect-pin" in el["className"])
    assert "Ort des Mangels" in marker["text"], marker
    page.keyboard.press("ArrowUp")
    expect(page.locator("input[name=latitude]")).not_to_have_value(f"{latitude:.6f}")
    moved_latitude, moved_longitude = coordinates(page)
    # Five metres north: about 0.000045° of latitude, and the longitude stays.
    assert 0.00003 < moved_latitude - latitude < 0.00006, (latitude, moved_latitude)
    assert moved_longitude == longitude
    assert "defect-pin" in focused(page)["className"]  # the marker keeps the focus

    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Weiter")
    page.keyboard.press("Enter")
    expect(step(page, "details")).to_be_visible()
    tab_to(page, lambda el: el["id"] == "id_description")
    page.keyboard.type(DESCRIPTION)
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Weiter")
    page.keyboard.press("Enter")
    expect(step(page, "contact")).to_be_visible()
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Weiter zur Überprüfung")
    page.keyboard.press("Enter")

    expect(page).to_have_url(REVIEW_URL)
    expect(page.locator(".defect-review")).to_contain_text(DESCRIPTION)
    expect(page.locator(".defect-review")).to_contain_text(german(moved_latitude))
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Meldung senden")
    page.keyboard.press("Enter")
    expect(page).to_have_url(TRACKING_URL)
    expect(page.locator(".reference")).to_have_text(REFERENCE)


def test_photo_with_gps_sets_the_place_when_none_is_set_yet(new_page, tmp_path):
    """Protects the script's use of a photo's GPS data: a photo uploaded while no place is set
    sets the place where it was taken (and says so), exactly to within 1e-5°.

    The stepper does not let anyone reach the photo field before a place is set, so the photo
    is given to the (hidden) file input while the place step is shown."""
    page = new_page()
    to_place_step(page)
    assert coordinates(page) == (None, None)
    latitude, longitude = 51.0575, 12.5510  # north-west of the Marktplatz, inside the town

    page.locator("#id_photos").set_input_files(photo_file(tmp_path, latitude, longitude))
    expect(page.locator("#draft-photos li[data-photo-id]")).to_have_count(1)
    expect(page.locator("input[name=latitude]")).not_to_have_value("")
    got_latitude, got_longitude = coordinates(page)
    assert abs(got_latitude - latitude) < 1e-5, (got_latitude, latitude)
    assert abs(got_longitude - longitude) < 1e-5, (got_longitude, longitude)
    expect(page.locator("#place-status")).to_contain_text("schlagloch.jpg")
    expect(page.locator("#place-status")).to_contain_text("Nächste Adresse:")
    expect(page.locator("#defect-map .defect-pin")).to_be_visible()

    next_button(page).click()  # the place is set: the step lets the citizen go on
    expect(step(page, "details")).to_be_visible()


def test_photo_place_is_offered_beside_the_photo_when_a_place_is_set(new_page, tmp_path):
    """Protects the way a citizen uses a photo's place once a place is set: the photo does
    not move the place by itself, its button "use the place where this photo was taken" does,
    and back on the place step the coordinates are the photo's."""
    page = new_page()
    to_place_step(page)
    page.locator("#defect-map").click()
    expect(page.locator("#place-status")).to_contain_text("Nächste Adresse:")
    picked = coordinates(page)
    next_button(page).click()
    expect(step(page, "details")).to_be_visible()

    latitude, longitude = MARKTPLATZ
    page.locator("#id_photos").set_input_files(photo_file(tmp_path, latitude, longitude))
    photo_item = page.locator("#draft-photos li[data-photo-id]")
    expect(photo_item).to_have_count(1)
    use_place = photo_item.get_by_role(
        "button", name="Ort verwenden, an dem dieses Foto aufgenommen wurde"
    )
    expect(use_place).to_be_visible()
    assert coordinates(page) == picked  # offered, not used on its own

    use_place.click()
    page.get_by_role("button", name="Zurück").click()
    expect(step(page, "place")).to_be_visible()
    got_latitude, got_longitude = coordinates(page)
    assert abs(got_latitude - latitude) < 1e-5, (got_latitude, latitude)
    assert abs(got_longitude - longitude) < 1e-5, (got_longitude, longitude)


def test_category_handled_elsewhere_shows_who_is_responsible_and_stops(new_page):
    """Protects the categories the town cannot take (motorway): choosing one shows who is
    responsible instead, and "Weiter" stays on the first step with an error."""
    page = new_page()
    open_reporter(page)
    radio = page.get_by_role("radio", name=MOTORWAY)
    radio.check()
    panel = page.locator(f"#category-elsewhere-{radio.get_attribute('value')}")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Autobahn GmbH des Bundes")
    expect(panel.get_by_role("link", name=re.compile("Autobahn GmbH"))).to_be_visible()

    next_button(page).click()
    expect(page.locator("#defect-step-error-category")).to_contain_text(re.compile(r"\S"))
    expect(step(page, "category")).to_be_visible()
    expect(step(page, "place")).to_be_hidden()
    expect(page.locator(".defect-stepper__count")).to_have_text("Schritt 1 von 4")

    page.get_by_role("radio", name=POTHOLE).check()  # another category: the panel goes
    expect(panel).to_be_hidden()
    expect(page.locator("#defect-step-error-category")).to_be_empty()


def test_address_suggestions_set_the_place(new_page):
    """Protects the address search on the place step (an ARIA combobox over the street
    directory): typing shows suggestions, Arrow Down marks one, Enter chooses it, which fills
    the address and sets the place without sending the form."""
    page = new_page()
    to_place_step(page)
    address = page.locator("#id_address")
    expect(address).to_have_attribute("role", "combobox")
    address.press_sequentially("Marktpl")

    listbox = page.get_by_role("listbox", name="Adressvorschläge")
    options = listbox.get_by_role("option")
    expect(options.first).to_be_visible()
    expect(options.first).to_contain_text("Marktplatz")
    expect(address).to_have_attribute("aria-expanded", "true")
    label = options.first.locator(".defect-suggestions__label").inner_text()

    address.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(address).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    address.press("Enter")

    expect(listbox).to_be_hidden()
    expect(address).to_have_attribute("aria-expanded", "false")
    expect(address).to_have_value(label)
    expect(page.locator("input[name=latitude]")).to_have_value(re.compile(r"^51\.\d+$"))
    expect(page.locator("input[name=longitude]")).to_have_value(re.compile(r"^12\.\d+$"))
    expect(page.locator("#defect-map .defect-pin")).to_be_visible()
    expect(step(page, "place")).to_be_visible()  # Enter chose, it did not send the form
    expect(page).to_have_url(re.compile(re.escape(REPORTER) + "$"))


def test_defect_is_reported_without_javascript(browser, server_url, tmp_path):
    """Protects the progressive enhancement: with JavaScript off all steps are one form, the
    place is a typed address looked up in the street directory, the photo goes up with the
    form, and the report is sent."""
    context = browser.new_context(base_url=server_url, java_script_enabled=False, locale="de-DE")
    try:
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(REPORTER)
        expect(page.locator(".defect-stepper")).to_have_count(0)
        expect(step(page, "contact")).to_be_visible()  # every step at once
        page.get_by_role("radio", name=POTHOLE).check()
        page.locator("#id_address").fill("Marktplatz 1")
        page.locator("#id_description").fill(DESCRIPTION)
        page.locator("#id_photos").set_input_files(photo_file(tmp_path, None, None))
        page.get_by_role("button", name="Weiter zur Überprüfung").click()

        expect(page).to_have_url(REVIEW_URL)
        review = page.locator(".defect-review")
        expect(review).to_contain_text("Marktplatz 1")
        expect(review).to_contain_text(DESCRIPTION)
        expect(review.locator(".draft-photos img")).to_have_count(1)
        page.get_by_role("button", name="Meldung senden").click()

        expect(page).to_have_url(TRACKING_URL)
        expect(page.locator(".reference")).to_have_text(REFERENCE)
        expect(page.locator("dl.facts")).to_contain_text("Marktplatz 1")
        expect(page.locator("dl.facts")).to_contain_text("1 Foto")
    finally:
        context.close()


def test_public_map_loads_filters_and_opens_markers_with_the_keyboard(new_page, server_url):
    """Protects the public map: its markers come from the GeoJSON API, the status filter
    reloads them without leaving the page, and a marker is reached with Tab and opened with
    Enter, which takes the focus to the link to the report's page."""
    page = new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    with page.expect_response(lambda r: "/api/defects/reports.geojson" in r.url) as first:
        page.goto(REPORTS)
    assert first.value.ok, first.value.status
    features = first.value.json()["features"]
    assert features and not any(f["properties"].get("cluster") for f in features)
    markers = page.locator("#defects-map .leaflet-marker-icon.defect-marker")
    expect(markers).to_have_count(len(features))
    expect(page.locator("#defects-map-status")).to_have_text(
        f"{len(features)} Meldungen in diesem Bereich."
    )

    page.evaluate("() => { window.notReloaded = true; }")
    with page.expect_response(lambda r: "status=closed" in r.url) as closed:
        page.locator("#filter-status").select_option("closed")
    assert urlsplit(closed.value.url).path == "/api/defects/reports.geojson", closed.value.url
    assert parse_qs(urlsplit(closed.value.url).query)["status"] == ["closed"]
    closed_features = closed.value.json()["features"]
    assert closed_features and len(closed_features) < len(features)
    assert not any(f["properties"]["open"] for f in closed_features)
    expect(markers).to_have_count(len(closed_features))
    expect(page.locator("#defects-map .defect-marker--open")).to_have_count(0)
    assert page.evaluate("() => window.notReloaded === true"), "the page was loaded again"
    assert urlsplit(page.url).path == REPORTS and not urlsplit(page.url).query, page.url

    marker = tab_to(page, lambda el: "defect-marker" in el["className"], 120)
    page.keyboard.press("Enter")
    popup = page.locator("#defects-map .leaflet-popup")
    expect(popup).to_be_visible()
    link = popup.locator(".defect-popup a")
    expect(link).to_be_focused()
    expect(link).to_have_text(re.compile(r"^Meldung [A-Z0-9]{4}-[A-Z0-9]{4} anzeigen$"))
    href = link.get_attribute("href")
    assert re.fullmatch(
        re.escape(server_url + REPORTS) + r"[A-Z0-9]{4}-[A-Z0-9]{4}/", href or ""
    ), href
    assert marker["text"].split(" – ")[0] in popup.inner_text(), (marker, popup.inner_text())

    page.keyboard.press("Enter")
    expect(page).to_have_url(href)
    reference = href.rstrip("/").rsplit("/", 1)[1]
    expect(page.locator("dl.facts")).to_contain_text(reference)
    foreign = foreign_requests(requested, server_url)
    assert not foreign, f"the public map requested other hosts: {foreign}"
