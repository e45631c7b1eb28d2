"""Plain geometry of the defect reporter (defect_reports.geo) and the town boundary: reading
GeoJSON, the demo boundary around Musterstadt, bounding boxes, distances, street names; and
``set_town_boundary`` storing a boundary for the site."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site

from defect_reports import geo, places
from defect_reports.demo import ADDRESSES, BOUNDARY
from defect_reports.models import DefectReportSettings

MARKTPLATZ = (51.0560, 12.5560)
# 5 km in degrees at Musterstadt's latitude, north-south and east-west.
FIVE_KM_LAT = 5000 / 111_195
FIVE_KM_LON = 5000 / 69_893


def square(west, south, east, north):
    """A closed GeoJSON ring, counter-clockwise."""
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


POLYGON = {"type": "Polygon", "coordinates": [square(12.0, 51.0, 13.0, 52.0)]}


# --- reading GeoJSON --------------------------------------------------------------------------


def test_a_polygon_contains_what_lies_inside_it():
    boundary = geo.Boundary.from_geojson(POLYGON)
    assert boundary.contains(51.5, 12.5)
    assert not boundary.contains(52.5, 12.5)
    assert not boundary.contains(51.5, 13.5)
    assert boundary.bounds == (12.0, 51.0, 13.0, 52.0)


def test_a_multipolygon_is_every_one_of_its_parts():
    boundary = geo.Boundary.from_geojson(
        {
            "type": "MultiPolygon",
            "coordinates": [[square(12.0, 51.0, 12.1, 51.1)], [square(12.5, 51.0, 12.6, 51.1)]],
        }
    )
    assert len(boundary.polygons) == 2
    assert boundary.contains(51.05, 12.05) and boundary.contains(51.05, 12.55)
    assert not boundary.contains(51.05, 12.3)  # between the two parts
    assert boundary.bounds == (12.0, 51.0, 12.6, 51.1)


def test_a_feature_and_a_feature_collection_hold_their_polygons():
    feature = {"type": "Feature", "properties": {"name": "Ort"}, "geometry": POLYGON}
    assert geo.Boundary.from_geojson(feature).contains(51.5, 12.5)
    other = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [square(14.0, 51.0, 14.5, 51.5)]},
    }
    collection = geo.Boundary.from_geojson(
        {"type": "FeatureCollection", "features": [feature, other]}
    )
    assert len(collection.polygons) == 2
    assert collection.contains(51.5, 12.5) and collection.contains(51.2, 14.2)
    assert not collection.contains(51.2, 13.5)


def test_holes_are_not_inside():
    # A town with an exclave of its neighbour in the middle.
    boundary = geo.Boundary.from_geojson(
        {
            "type": "Polygon",
            "coordinates": [square(12.0, 51.0, 13.0, 52.0), square(12.4, 51.4, 12.6, 51.6)],
        }
    )
    assert not boundary.contains(51.5, 12.5)
    assert boundary.contains(51.2, 12.2)
    assert boundary.contains(51.5, 12.7)


@pytest.mark.parametrize(
    "data",
    [
        {"type": "Point", "coordinates": [12.5, 51.0]},
        {"type": "LineString", "coordinates": [[12.5, 51.0], [12.6, 51.1]]},
        {"type": "FeatureCollection", "features": []},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
        {"type": "Polygon", "coordinates": []},
        {"type": "Polygon", "coordinates": [[[12.0, 51.0], [13.0, 51.0], [12.0, 51.0]]]},
        {"type": "Polygon", "coordinates": [[["west", 51.0]] * 4]},
        {"coordinates": [square(12.0, 51.0, 13.0, 52.0)]},
        [square(12.0, 51.0, 13.0, 52.0)],
        "Polygon",
        None,
    ],
    ids=[
        "point",
        "line",
        "empty-collection",
        "feature-with-point",
        "no-ring",
        "ring-of-three",
        "not-a-number",
        "no-type",
        "bare-list",
        "string",
        "none",
    ],
)
def test_what_is_not_a_polygon_raises_value_error(data):
    with pytest.raises(ValueError):
        geo.Boundary.from_geojson(data)


def test_as_geojson_reads_back_to_the_same_boundary():
    boundary = geo.Boundary.from_geojson(POLYGON)
    again = geo.Boundary.from_geojson(json.loads(json.dumps(boundary.as_geojson())))
    assert again == boundary


# --- the demo boundary ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_boundary():
    return geo.Boundary.from_geojson(json.loads(BOUNDARY.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def demo_addresses():
    with ADDRESSES.open(encoding="utf-8") as handle:
        return [(float(row["latitude"]), float(row["longitude"])) for row in csv.DictReader(handle)]


def test_the_demo_boundary_is_one_polygon_of_about_twenty_vertices(demo_boundary):
    data = json.loads(BOUNDARY.read_text(encoding="utf-8"))
    assert data["type"] == "Feature" and data["geometry"]["type"] == "Polygon"
    (polygon,) = demo_boundary.polygons
    (ring,) = polygon
    assert ring[0] == ring[-1]
    assert 16 <= len(ring) - 1 <= 24


def test_the_marktplatz_is_inside_and_5_km_away_is_outside(demo_boundary):
    assert demo_boundary.contains(*MARKTPLATZ)
    lat, lon = MARKTPLATZ
    for far in [
        (lat + FIVE_KM_LAT, lon),
        (lat - FIVE_KM_LAT, lon),
        (lat, lon + FIVE_KM_LON),
        (lat, lon - FIVE_KM_LON),
    ]:
        assert not demo_boundary.contains(*far), far
        assert 4990 < geo.distance_m(lat, lon, *far) < 5010


def test_the_demo_boundary_holds_every_address_with_a_margin(demo_boundary, demo_addresses):
    assert len(demo_addresses) > 1500
    step_lat, step_lon = 250 / 111_195, 250 / 69_893
    for lat, lon in demo_addresses:
        for point in [
            (lat, lon),
            (lat + step_lat, lon),
            (lat - step_lat, lon),
            (lat, lon + step_lon),
            (lat, lon - step_lon),
        ]:
            assert demo_boundary.contains(*point), (lat, lon)


def test_the_demo_boundary_is_smaller_than_a_5_km_box(demo_boundary):
    west, south, east, north = demo_boundary.bounds
    assert geo.distance_m(south, west, north, west) < 4000
    assert geo.distance_m(south, west, south, east) < 4500
    assert south < MARKTPLATZ[0] < north and west < MARKTPLATZ[1] < east


@pytest.mark.django_db
def test_the_demo_site_uses_the_demo_boundary(demo_boundary):
    assert places.town_boundary() == demo_boundary
    assert places.inside_town(*MARKTPLATZ)
    assert not places.inside_town(MARKTPLATZ[0] + FIVE_KM_LAT, MARKTPLATZ[1])


# --- set_town_boundary ------------------------------------------------------------------------


def set_boundary(tmp_path, text):
    path = tmp_path / "boundary.geojson"
    path.write_text(text, encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("set_town_boundary", str(path), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def stored_boundary():
    return DefectReportSettings.for_site(Site.objects.get(is_default_site=True)).boundary


@pytest.mark.django_db
def test_set_town_boundary_stores_a_valid_file(tmp_path):
    text = json.dumps({"type": "Polygon", "coordinates": [square(12.50, 51.03, 12.61, 51.08)]})
    output, warnings = set_boundary(tmp_path, text)
    assert "Town boundary stored" in output
    assert stored_boundary() == text
    assert warnings == ""
    assert places.inside_town(*MARKTPLATZ)
    assert not places.inside_town(51.02, 12.55)


@pytest.mark.django_db
def test_set_town_boundary_warns_when_addresses_lie_outside(tmp_path):
    # Latitude and longitude swapped: a valid polygon, but in the Indian Ocean.
    swapped = [[lat, lon] for lon, lat in square(12.50, 51.03, 12.61, 51.08)]
    output, warnings = set_boundary(
        tmp_path, json.dumps({"type": "Polygon", "coordinates": [swapped]})
    )
    assert "Town boundary stored" in output
    assert "addresses of the street directory lie outside this boundary" in warnings
    assert "swapped" in warnings


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "is not valid JSON (line 1"),
        ('{"type": "Point", "coordinates": [12.5, 51.0]}', "is not a GeoJSON polygon: expected"),
        ('{"type": "Feature"}', "is not a GeoJSON polygon: 'geometry' is missing"),
        ('{"type": "Polygon", "coordinates": [[[1, 2], [3, 4], [1, 2]]]}', "at least four"),
        (
            json.dumps({"type": "Polygon", "coordinates": [square(12.5, 51.0, 200.0, 52.0)]}),
            "outside the world",
        ),
    ],
)
def test_set_town_boundary_refuses_what_is_not_a_polygon(tmp_path, text, message):
    before = stored_boundary()
    with pytest.raises(CommandError, match="The boundary was not changed") as error:
        set_boundary(tmp_path, text)
    assert message in str(error.value)
    assert stored_boundary() == before


# --- bounding boxes, distances, street names --------------------------------------------------


def test_parse_bbox_reads_west_south_east_north():
    assert geo.parse_bbox("12.5,51.0,12.6,51.1") == (12.5, 51.0, 12.6, 51.1)
    assert geo.parse_bbox(" 12.5, 51.0 ,12.6,51.1") == (12.5, 51.0, 12.6, 51.1)


@pytest.mark.parametrize(
    "value, message",
    [
        ("12.5,51.0,12.6", "four numbers"),
        ("12.5,51.0,12.6,51.1,3", "four numbers"),
        ("", "four numbers"),
        ("a,b,c,d", "could not convert"),
        ("nan,51.0,12.6,51.1", "finite"),
        ("12.5,51.0,inf,51.1", "finite"),
        ("12.5,51.0,181,51.1", "outside the world"),
        ("12.5,-91,12.6,51.1", "outside the world"),
        ("12.6,51.0,12.5,51.1", "west ≤ east"),
        ("12.5,51.1,12.6,51.0", "south ≤ north"),
    ],
)
def test_parse_bbox_refuses_anything_else(value, message):
    with pytest.raises(ValueError, match=message):
        geo.parse_bbox(value)


def test_distance_m_matches_known_distances():
    # One degree along a meridian on a sphere of 6,371 km.
    assert geo.distance_m(0, 0, 1, 0) == pytest.approx(111_194.93, abs=0.01)
    # Brandenburg Gate, Berlin, to Marienplatz, Munich: about 504 km as the crow flies.
    berlin_munich = geo.distance_m(52.516275, 13.377704, 48.137154, 11.576124)
    assert 502_000 < berlin_munich < 505_000
    assert geo.distance_m(48.137154, 11.576124, 52.516275, 13.377704) == berlin_munich
    assert geo.distance_m(*MARKTPLATZ, *MARKTPLATZ) == 0


def test_box_around_holds_every_point_within_the_distance():
    south, west, north, east = geo.box_around(*MARKTPLATZ, 100)
    assert geo.distance_m(south, MARKTPLATZ[1], north, MARKTPLATZ[1]) == pytest.approx(200, abs=0.5)
    assert geo.distance_m(MARKTPLATZ[0], west, MARKTPLATZ[0], east) == pytest.approx(200, abs=0.5)


@pytest.mark.parametrize(
    "name, folded",
    [
        ("Goethestraße", "gothestrasse"),
        ("Goethestr.", "gothestrasse"),
        ("goethestr", "gothestrasse"),
        ("Schloßberg", "schlossberg"),
        ("Schlossberg", "schlossberg"),
        ("Käthe-Kollwitz-Straße", "kathe kollwitz strasse"),
        ("Straße des Friedens", "strasse des friedens"),
        ("  Am   Teich ", "am teich"),
        ("Töpfergasse", "topfergasse"),
        ("Strandweg", "strandweg"),
        ("Mühlgraben", "muhlgraben"),
        ("Muehlgraben", "muhlgraben"),
    ],
)
def test_fold_street(name, folded):
    assert geo.fold_street(name) == folded


@pytest.mark.parametrize(
    "text, parts",
    [
        ("Markt 3a", ("Markt", "3a")),
        ("Hauptstraße 19 A", ("Hauptstraße", "19a")),
        ("Goethestr.3", ("Goethestr.", "3")),
        ("Straße des Friedens 12, Musterstadt", ("Straße des Friedens", "12")),
        ("Straße des 17. Juni 4", ("Straße des 17. Juni", "4")),
        ("Lindenallee", ("Lindenallee", "")),
        ("", ("", "")),
    ],
)
def test_split_address(text, parts):
    assert geo.split_address(text) == parts
