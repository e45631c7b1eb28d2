"""What everyone can see of the defect reporter: the GeoJSON of the public map, the public list
of released reports, a released report's public page, the address and place APIs, and what
the sitemap and robots.txt say about them. Nothing here may show a reporter's contact data."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from defect_reports import places
from defect_reports.models import DefectCategory, DefectPhoto, DefectReport

from .photo_files import MARKTPLATZ, photo

pytestmark = pytest.mark.django_db

REPORTS_API = "/api/defects/reports.geojson"

# Contact data that must never leave the town hall.
ERIKA = {"name": "Erika Geheimname", "email": "erika.geheim@example.org", "phone": "0171 5550199"}


def released(category, latitude=MARKTPLATZ[0], longitude=MARKTPLATZ[1], **fields):
    """A report staff have released to the public map (its history starts with the release)."""
    fields.setdefault("description", "Prüfmeldung: Bordstein lose.")
    fields.setdefault("address", "Marktplatz 1")
    report = DefectReport.objects.create(
        category=category, latitude=latitude, longitude=longitude, **fields
    )
    report.release()
    return report


def many_released(category, count, south, west, north, east):
    """``count`` released reports spread over a box, made in one query."""
    reports = []
    for i in range(count):
        step = (i + 0.5) / count
        reports.append(
            DefectReport(
                category=category,
                description=f"Massenmeldung {i}",
                latitude=south + (north - south) * step,
                longitude=west + (east - west) * ((i * 7 % count) + 0.5) / count,
                status=DefectReport.Status.RELEASED,
                released=True,
            )
        )
    DefectReport.objects.bulk_create(reports)


def bbox(west, south, east, north):
    return f"{west},{south},{east},{north}"


def box_around(point, half=0.001):
    """(south, west, north, east) of a small box around a (lat, lon) point."""
    return point[0] - half, point[1] - half, point[0] + half, point[1] + half


def geojson(client, box, **params):
    """The map's answer for a (south, west, north, east) box."""
    south, west, north, east = box
    response = client.get(REPORTS_API, {"bbox": bbox(west, south, east, north), **params})
    assert response.status_code == 200, response.content[:500]
    return response


def references(response):
    return {feature["properties"]["reference"] for feature in response.json()["features"]}


def released_references_in(box):
    south, west, north, east = box
    return set(
        DefectReport.objects.filter(
            released=True, latitude__range=(south, north), longitude__range=(west, east)
        ).values_list("reference", flat=True)
    )


def town_box():
    west, south, east, north = places.town_boundary().bounds
    return south, west, north, east


def queries_for(client, url, data=None):
    """How many database queries answering ``url`` takes."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, data)
    assert response.status_code == 200
    return [query["sql"] for query in context.captured_queries]


@pytest.fixture
def light_de(de):
    return DefectCategory.objects.get(locale=de, code="strassenbeleuchtung")


@pytest.fixture
def pothole_en(en):
    return DefectCategory.objects.get(locale=en, code="schlagloch")


@pytest.fixture
def test_category(de):
    """A category no demo report has, so that a filtered list holds only this test's reports."""
    return DefectCategory.objects.create(
        locale=de, code="pruefkategorie", name="Prüfkategorie", icon="other"
    )


# --- The public map's GeoJSON -------------------------------------------------------------


def test_the_map_shows_only_released_reports_inside_the_box(client, pothole_de):
    box = box_around(MARKTPLATZ)
    inside = released(pothole_de)
    unreleased = DefectReport.objects.create(
        category=pothole_de, description="neu", latitude=MARKTPLATZ[0], longitude=MARKTPLATZ[1]
    )
    # 0.002° north is about 220 m: still in town, but outside the box.
    outside = released(pothole_de, latitude=MARKTPLATZ[0] + 0.002)

    response = geojson(client, box)
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    found = references(response)
    assert inside.reference in found
    assert unreleased.reference not in found and outside.reference not in found
    assert found == released_references_in(box)
    assert body["total"] == len(found)
    feature = next(f for f in body["features"] if f["properties"]["reference"] == inside.reference)
    assert feature["geometry"] == {"type": "Point", "coordinates": [MARKTPLATZ[1], MARKTPLATZ[0]]}
    assert feature["properties"]["url"] == f"/de/maengelmelder/meldungen/{inside.reference}/"


def test_the_map_filters_by_category_code_in_both_languages(
    client, pothole_de, pothole_en, light_de
):
    german = released(pothole_de)
    english = released(pothole_en, language="en")
    light = released(light_de)

    response = geojson(client, town_box(), category="schlagloch")
    found = references(response)
    assert {german.reference, english.reference} <= found
    assert light.reference not in found
    assert {f["properties"]["category_code"] for f in response.json()["features"]} == {"schlagloch"}
    assert (
        len(found)
        == DefectReport.objects.filter(released=True, category__code="schlagloch").count()
    )


def test_the_map_filters_by_status(client, pothole_de):
    in_progress = released(pothole_de)
    in_progress.set_status(DefectReport.Status.IN_PROGRESS)
    resolved = released(pothole_de)
    resolved.set_status(DefectReport.Status.RESOLVED, public_answer="Verfüllt.")

    open_ = geojson(client, town_box(), status="open")
    assert in_progress.reference in references(open_) and resolved.reference not in references(
        open_
    )
    assert all(f["properties"]["open"] for f in open_.json()["features"])

    closed = geojson(client, town_box(), status="closed")
    assert resolved.reference in references(closed) and in_progress.reference not in references(
        closed
    )
    assert not any(f["properties"]["open"] for f in closed.json()["features"])

    only_resolved = geojson(client, town_box(), status="resolved")
    assert resolved.reference in references(only_resolved)
    assert {f["properties"]["status"] for f in only_resolved.json()["features"]} == {"resolved"}
    everything = geojson(client, town_box())
    assert len(references(open_)) + len(references(closed)) == everything.json()["total"]


def test_lang_en_gives_english_category_names(client, pothole_de, pothole_en):
    report = released(pothole_de)
    box = box_around(MARKTPLATZ)

    def properties(lang):
        features = geojson(client, box, lang=lang).json()["features"]
        return next(
            f["properties"] for f in features if f["properties"]["reference"] == report.reference
        )

    assert pothole_en.name != pothole_de.name
    english = properties("en")
    assert english["category"] == pothole_en.name
    assert english["status_label"] == "Released"
    assert english["url"] == f"/en/report-a-defect/reports/{report.reference}/"
    german = properties("de")
    assert german["category"] == pothole_de.name
    assert german["url"] == f"/de/maengelmelder/meldungen/{report.reference}/"


def test_an_answer_in_the_referring_pages_language_is_not_cached_for_the_other(
    client, pothole_de, pothole_en
):
    """The map's script asks without ``lang``: the answer's language comes from the page that
    asks (the Referer). Cached publicly without saying so in Vary, a shared cache (or the
    browser's own) hands the German answer to the English map for a minute, and vice versa."""
    report = released(pothole_de)
    south, west, north, east = box_around(MARKTPLATZ)
    data = {"bbox": bbox(west, south, east, north)}
    english = client.get(
        REPORTS_API, data, HTTP_REFERER="http://testserver/en/report-a-defect/reports/"
    )
    german = client.get(
        REPORTS_API, data, HTTP_REFERER="http://testserver/de/maengelmelder/meldungen/"
    )

    def category_of(response):
        features = response.json()["features"]
        return next(f for f in features if f["properties"]["reference"] == report.reference)[
            "properties"
        ]["category"]

    assert category_of(english) == pothole_en.name
    assert category_of(german) == pothole_de.name
    for response in (english, german):
        cache_control = response.get("Cache-Control", "")
        vary = {part.strip().lower() for part in response.get("Vary", "").split(",")}
        assert "public" not in cache_control or "referer" in vary, (cache_control, vary)


@pytest.mark.parametrize(
    "value",
    [
        None,  # missing
        "",
        "12.5,51.0,12.6",
        "12.5,51.0,12.6,51.1,0",
        "west,south,east,north",
        "12.5,51.1,12.6,51.0",  # south > north
        "12.6,51.0,12.5,51.1",  # west > east
        "12.5,89.0,12.6,91.0",  # beyond the pole
        "179.0,51.0,181.0,51.1",
        "nan,51.0,12.6,51.1",
        "-inf,51.0,inf,51.1",
    ],
)
def test_a_bad_bbox_is_a_400_with_an_error(client, value):
    response = client.get(REPORTS_API, {} if value is None else {"bbox": value})
    assert response.status_code == 400
    assert response.json()["error"]


def test_a_box_with_many_reports_answers_clusters_that_add_up(client, settings, pothole_de):
    settings.DEFECT_REPORTS = {**settings.DEFECT_REPORTS, "CLUSTER_ABOVE": 5}
    box = town_box()
    many_released(pothole_de, 30, *box)

    body = geojson(client, box).json()
    assert body["total"] == len(released_references_in(box)) > 5
    assert body["features"]
    assert all(f["properties"]["cluster"] is True for f in body["features"])
    assert sum(f["properties"]["count"] for f in body["features"]) == body["total"]
    assert len(body["features"]) > 1  # spread over the town, not one lump
    south, west, north, east = box
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert south <= lat <= north and west <= lon <= east
        min_lon, min_lat, max_lon, max_lat = feature["properties"]["bbox"]
        assert min_lon <= lon <= max_lon and min_lat <= lat <= max_lat
        assert "reference" not in feature["properties"]

    # Filters apply to clusters too.
    filtered = geojson(client, box, category="schlagloch").json()
    assert (
        filtered["total"]
        == DefectReport.objects.filter(released=True, category__code="schlagloch").count()
    )
    assert sum(f["properties"]["count"] for f in filtered["features"]) == filtered["total"]


@pytest.mark.parametrize("cluster_above", [300, 0], ids=["points", "clusters"])
def test_the_map_never_shows_contact_data(client, settings, pothole_de, cluster_above):
    settings.DEFECT_REPORTS = {**settings.DEFECT_REPORTS, "CLUSTER_ABOVE": cluster_above}
    report = released(pothole_de, **ERIKA)
    response = geojson(client, box_around(MARKTPLATZ))
    assert response.json()["total"] >= 1
    if cluster_above:
        assert report.reference in references(response)
    for value in (*ERIKA.values(), report.token, report.description):
        assert value.encode() not in response.content


@pytest.mark.parametrize("cluster_above", [300, 1], ids=["points", "clusters"])
def test_the_map_needs_as_many_queries_for_60_reports_as_for_3(
    client, settings, pothole_de, pothole_en, cluster_above
):
    settings.DEFECT_REPORTS = {**settings.DEFECT_REPORTS, "CLUSTER_ABOVE": cluster_above}
    box = town_box()
    south, west, north, east = box
    data = {"bbox": bbox(west, south, east, north), "lang": "de"}
    many_released(pothole_de, 2, *box)
    many_released(pothole_en, 1, *box)
    client.get(REPORTS_API, data)  # Wagtail's caches (site root paths) are warm from here on
    few = queries_for(client, REPORTS_API, data)

    many_released(pothole_de, 30, *box)
    many_released(pothole_en, 27, *box)
    many = queries_for(client, REPORTS_API, data)
    body = client.get(REPORTS_API, data).json()
    assert body["total"] == len(released_references_in(box))
    assert ("cluster" in body["features"][0]["properties"]) == bool(cluster_above == 1)
    assert len(many) == len(few), "\n".join(many)


# --- The public list ----------------------------------------------------------------------


def list_items(response):
    return response.content.decode().count('class="defect-list__item"')


def test_the_list_shows_released_reports_only(client, reporter_de, pothole_de):
    report = released(pothole_de)
    unreleased = DefectReport.objects.create(
        category=pothole_de, description="neu", latitude=MARKTPLATZ[0], longitude=MARKTPLATZ[1]
    )
    response = client.get("/de/maengelmelder/meldungen/")
    assert reporter_de.reports_url() == "/de/maengelmelder/meldungen/"
    page = response.content.decode()
    assert response.status_code == 200
    assert report.reference in page
    assert unreleased.reference not in page
    assert f'href="/de/maengelmelder/meldungen/{report.reference}/"' in page
    for demo in DefectReport.objects.filter(released=False):
        assert demo.reference not in page


def test_the_list_filters_by_category_and_status(client, pothole_de, light_de):
    pothole = released(pothole_de)
    light = released(light_de)
    resolved = released(pothole_de)
    resolved.set_status(DefectReport.Status.RESOLVED, public_answer="Erledigt.")

    by_category = client.get("/de/maengelmelder/meldungen/", {"category": "strassenbeleuchtung"})
    page = by_category.content.decode()
    assert light.reference in page
    assert pothole.reference not in page and resolved.reference not in page
    assert '<option value="strassenbeleuchtung" selected>' in page

    closed = client.get("/de/maengelmelder/meldungen/", {"status": "closed"}).content.decode()
    assert resolved.reference in closed
    assert pothole.reference not in closed and light.reference not in closed

    open_potholes = client.get(
        "/de/maengelmelder/meldungen/", {"category": "schlagloch", "status": "open"}
    ).content.decode()
    assert pothole.reference in open_potholes
    assert resolved.reference not in open_potholes and light.reference not in open_potholes


def test_the_list_has_20_reports_per_page(client):
    count = DefectReport.objects.filter(released=True).count()
    assert count > 40
    first = client.get("/de/maengelmelder/meldungen/")
    second = client.get("/de/maengelmelder/meldungen/", {"page": 2})
    assert list_items(first) == list_items(second) == 20
    assert f"{count} Meldungen" in first.content.decode()
    newest = DefectReport.objects.filter(released=True).order_by("-created_at")
    first_page, second_page = first.content.decode(), second.content.decode()
    for report in newest[:20]:
        assert report.reference in first_page and report.reference not in second_page
    for report in newest[20:40]:
        assert report.reference in second_page and report.reference not in first_page
    pages = (count + 19) // 20
    last = client.get("/de/maengelmelder/meldungen/", {"page": pages})
    assert list_items(last) == count - 20 * (pages - 1)


def test_the_pages_of_a_filtered_list_keep_the_filter(client):
    closed = DefectReport.objects.filter(released=True).exclude(
        status__in=DefectReport.OPEN_STATUSES
    )
    open_ = DefectReport.objects.filter(released=True, status__in=DefectReport.OPEN_STATUSES)
    assert open_.count() > 20
    first = client.get("/de/maengelmelder/meldungen/", {"status": "open"}).content.decode()
    assert 'href="?status=open&amp;page=2" rel="next"' in first
    second = client.get("/de/maengelmelder/meldungen/", {"status": "open", "page": 2})
    page = second.content.decode()
    assert list_items(second) == min(20, open_.count() - 20)
    assert not any(report.reference in page for report in closed)


def test_the_list_names_categories_in_the_pages_language(client, pothole_de, pothole_en):
    report = released(pothole_de)
    english = client.get("/en/report-a-defect/reports/", {"category": "schlagloch"})
    assert english.status_code == 200
    page = english.content.decode()
    assert report.reference in page
    assert f">{pothole_en.name}, Marktplatz 1</a>" in page
    assert pothole_de.name not in page
    german = client.get("/de/maengelmelder/meldungen/", {"category": "schlagloch"})
    assert f">{pothole_de.name}, Marktplatz 1</a>" in german.content.decode()


def test_the_list_never_shows_contact_data(client, pothole_de):
    report = released(pothole_de, **ERIKA)
    for url in ("/de/maengelmelder/meldungen/", "/en/report-a-defect/reports/"):
        response = client.get(url)
        assert report.reference in response.content.decode()
        for value in (*ERIKA.values(), report.token):
            assert value.encode() not in response.content


def test_the_list_needs_as_many_queries_for_40_reports_as_for_5(client, test_category):
    def add(count):
        for i in range(count):
            report = released(test_category, description=f"Prüfung {i}")
            DefectPhoto.objects.create(report=report, image=ContentFile(b"x", name="p.jpg"))

    url = "/de/maengelmelder/meldungen/"
    data = {"category": "pruefkategorie"}
    add(5)
    client.get(url, data)
    few = queries_for(client, url, data)
    assert list_items(client.get(url, data)) == 5
    add(35)
    many = queries_for(client, url, data)
    assert list_items(client.get(url, data)) == 20
    assert len(many) == len(few), "\n".join(many)


# --- A released report's public page ------------------------------------------------------


def detail_url(report, language="de"):
    if language == "de":
        return f"/de/maengelmelder/meldungen/{report.reference}/"
    return f"/en/report-a-defect/reports/{report.reference}/"


def test_a_released_report_shows_what_the_town_did_but_not_its_notes(client, pothole_de):
    report = released(pothole_de, address="Marktplatz 3", **ERIKA)
    report.set_status(
        DefectReport.Status.IN_PROGRESS,
        public_answer="Der Bauhof kommt am Montag.",
        internal_note="geheim: Herr Müller vom Bauhof ist krank",
    )
    response = client.get(detail_url(report))
    page = response.content.decode()
    assert response.status_code == 200
    assert report.reference in page
    assert pothole_de.name in page
    assert "Marktplatz 3" in page
    assert "In Bearbeitung" in page
    assert "Der Bauhof kommt am Montag." in page
    assert "geheim" not in page and "Herr Müller" not in page
    for value in (*ERIKA.values(), report.token):
        assert value not in page


def test_the_english_page_of_a_german_report(client, pothole_de, pothole_en):
    report = released(pothole_de)
    response = client.get(detail_url(report, "en"))
    page = response.content.decode()
    assert response.status_code == 200
    assert pothole_en.name in page and "Released" in page


def test_an_unreleased_or_unknown_report_has_no_public_page(client, pothole_de):
    report = DefectReport.objects.create(
        category=pothole_de, description="neu", latitude=MARKTPLATZ[0], longitude=MARKTPLATZ[1]
    )
    assert client.get(detail_url(report)).status_code == 404
    assert client.get(detail_url(report, "en")).status_code == 404
    assert client.get("/de/maengelmelder/meldungen/ZZZZ-ZZZZ/").status_code == 404
    report.release()
    assert client.get(detail_url(report)).status_code == 200


def stored_photo(report, is_public=True, order=0):
    return DefectPhoto.objects.create(
        report=report,
        image=ContentFile(photo(size=(400, 300)), name="photo.jpg"),
        is_public=is_public,
        sort_order=order,
    )


def test_public_photos_are_shown_and_hidden_ones_are_not_linked(client, pothole_de):
    report = released(pothole_de)
    shown = stored_photo(report)
    hidden = stored_photo(report, is_public=False, order=1)
    page = client.get(detail_url(report)).content.decode()
    assert f'src="/defect-photos/{shown.pk}/thumb/"' in page
    assert f'href="/defect-photos/{shown.pk}/"' in page
    assert f"/defect-photos/{hidden.pk}/" not in page
    assert client.get(f"/defect-photos/{shown.pk}/thumb/").status_code == 200
    assert client.get(f"/defect-photos/{hidden.pk}/", follow=True).status_code == 404


def test_a_report_page_needs_as_many_queries_for_a_long_history(client, pothole_de):
    short = released(pothole_de)
    stored_photo(short)
    long = released(pothole_de)
    for order in range(4):
        stored_photo(long, order=order)
    for status in ("in_progress", "in_progress", "forwarded", "in_progress", "resolved"):
        long.set_status(status, public_answer=f"Schritt {status}", internal_note="intern")
    client.get(detail_url(short))
    few = queries_for(client, detail_url(short))
    many = queries_for(client, detail_url(long))
    assert client.get(detail_url(long)).content.decode().count("defect-answer__from") == 5
    assert len(many) == len(few), "\n".join(many)


# --- Address and place APIs ---------------------------------------------------------------


def test_the_address_api_suggests_addresses_with_their_place(client):
    response = client.get("/api/defects/addresses", {"q": "Marktpl"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results
    assert results[0]["street"] == "Marktplatz"
    for result in results:
        assert isinstance(result["lat"], float) and isinstance(result["lon"], float)
        assert places.inside_town(result["lat"], result["lon"])
    exact = client.get("/api/defects/addresses", {"q": "Marktplatz 1"}).json()["results"]
    assert (exact[0]["lat"], exact[0]["lon"]) == MARKTPLATZ


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lat": "51.05"},
        {"lat": "abc", "lon": "12.55"},
        {"lat": "51.05", "lon": ""},
        {"lat": "91", "lon": "12.55"},
        {"lat": "51.05", "lon": "181"},
        {"lat": "nan", "lon": "12.55"},
        {"lat": "51.05", "lon": "inf"},
    ],
)
def test_the_place_api_refuses_what_are_not_coordinates(client, params):
    response = client.get("/api/defects/place", params)
    assert response.status_code == 400
    assert response.json()["error"]


# --- Sitemap and robots.txt ---------------------------------------------------------------


def test_the_sitemap_lists_the_public_lists_in_both_languages(client):
    response = client.get("/sitemap.xml")
    sitemap = response.content.decode()
    assert response.status_code == 200
    assert "/de/maengelmelder/meldungen/</loc>" in sitemap
    assert "/en/report-a-defect/reports/</loc>" in sitemap
    assert "/de/maengelmelder/</loc>" in sitemap


def test_robots_txt_keeps_crawlers_off_draft_photos(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Disallow: /defect-photos/draft/" in lines
