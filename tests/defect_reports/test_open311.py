"""Open311 GeoReport v2 at /open311/v2/, used as another program would use it: every endpoint
in JSON and XML (element names as the specification shows them), the filters and extensions
of GET requests, the error format, creating reports with an API key (place by coordinates or
address, photos uploaded or fetched from a real HTTP server), and keys in the admin."""

import io
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from defect_reports.models import ApiKey, DefectCategory, DefectPhoto, DefectReport, StreetAddress
from defect_reports.open311 import openapi

from .conftest import upload
from .photo_files import MARKTPLATZ, photo

pytestmark = pytest.mark.django_db

API = "/open311/v2/"
OUTSIDE = (51.1010, 12.5560)  # 5 km north of Musterstadt
# Around the Rathaus no demo report lies closer than 70 m: a box that holds only this test's.
HERE = ",".join(
    str(value)
    for value in (
        MARKTPLATZ[1] - 0.0004,
        MARKTPLATZ[0] - 0.0003,
        MARKTPLATZ[1] + 0.0004,
        MARKTPLATZ[0] + 0.0003,
    )
)
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
QUESTIONS = [
    {
        "code": "mast",
        "label": "Nummer am Mast",
        "datatype": "string",
        "required": True,
        "datatype_description": "z. B. 14-027",
    },
    {
        "code": "zustand",
        "label": "Was ist los?",
        "datatype": "singlevaluelist",
        "required": True,
        "values": [
            {"key": "aus", "name": "Leuchtet nicht"},
            {"key": "flackert", "name": "Flackert"},
        ],
    },
    {
        "code": "tageszeit",
        "label": "Wann?",
        "datatype": "multivaluelist",
        "required": False,
        "values": [{"key": "tag", "name": "Tagsüber"}, {"key": "nacht", "name": "Nachts"}],
    },
    {"code": "anzahl", "label": "Wie viele Lampen?", "datatype": "number", "required": False},
]


# --- Helpers and fixtures -----------------------------------------------------------------


def get(client, path, **params):
    return client.get(API + path, params)


def as_json(response, status=200):
    assert response.status_code == status, response.content.decode()[:1000]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def as_xml(response, status=200):
    assert response.status_code == status, response.content.decode()[:1000]
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def children(element):
    return [child.tag for child in element]


def assert_errors(response, status, fmt="json", containing=""):
    """The specification's error format: a list of {code, description}."""
    if fmt == "json":
        errors = as_json(response, status)
        assert errors and all(set(error) == {"code", "description"} for error in errors)
        assert errors[0]["code"] == status
        text = " ".join(error["description"] for error in errors)
    else:
        root = as_xml(response, status)
        assert root.tag == "errors"
        assert all(children(error) == ["code", "description"] for error in root)
        assert root.find("error/code").text == str(status)
        text = " ".join(error.findtext("description") for error in root)
    assert containing in text, text
    return text


def make_report(category, *, released=True, at=MARKTPLATZ, days_ago=0, **fields):
    """A report with contact data (which the API must never show)."""
    defaults = {
        "description": "Open311-Testmeldung: Loch am Rathaus.",
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "phone": "03433 987654",
    }
    report = DefectReport.objects.create(
        category=category,
        latitude=at[0],
        longitude=at[1],
        address="Marktplatz 1",
        created_at=timezone.now() - timedelta(days=days_ago),
        **{**defaults, **fields},
    )
    report.status_changes.create(status=report.status, internal_note="Intern: Bauhof fragen")
    if released:
        report.release(answer="Danke, wir kümmern uns.")
    return report


@pytest.fixture
def key():
    """An active API key and its secret."""
    api_key = ApiKey(name="Landesportal", requests_per_hour=50)
    secret = api_key.set_new_key()
    api_key.save()
    return api_key, secret


@pytest.fixture
def lantern_de(de, en):
    """The street-light category, with extra questions in both languages."""
    category = DefectCategory.objects.get(locale=de, code="strassenbeleuchtung")
    category.questions = QUESTIONS
    category.save()
    english = DefectCategory.objects.get(locale=en, code="strassenbeleuchtung")
    english.questions = [{**question, "label": f"EN {question['label']}"} for question in QUESTIONS]
    english.save()
    return category


def post(client, secret, fmt="json", **data):
    payload = {
        "api_key": secret,
        "jurisdiction_id": "musterstadt.de",
        "service_code": "schlagloch",
        "lat": str(MARKTPLATZ[0]),
        "long": str(MARKTPLATZ[1]),
        "description": "Open311-Testmeldung: tiefes Loch vor dem Rathaus.",
        **data,
    }
    payload = {name: value for name, value in payload.items() if value is not None}
    return client.post(f"{API}requests.{fmt}", payload)


def created_report(response):
    answer = as_json(response, 201)
    assert len(answer) == 1
    return DefectReport.objects.get(reference=answer[0]["service_request_id"]), answer[0]


@pytest.fixture
def photo_server():
    """A small HTTP server on 127.0.0.1 that serves what a test puts into ``files``."""
    files = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the HTTP method's name
            if self.path not in files:
                self.send_response(404)
                self.end_headers()
                return
            content_type, body = files[self.path]
            if content_type == "slow":
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.end_headers()
                for byte in body:  # a byte at a time, as slowly as a stuck server
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)
                return
            if content_type == "redirect":
                self.send_response(302)
                self.send_header("Location", body.decode())
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.files = files
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


# --- Discovery ----------------------------------------------------------------------------


def test_discovery_in_json_and_xml(client, settings):
    data = as_json(get(client, "discovery.json"))
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert "Musterstadt" in data["contact"]
    assert as_json(client.get(API)) == data  # the API's root shows where everything is

    root = as_xml(get(client, "discovery.xml"))
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_discovery_changeset_moves_when_services_change(client, pothole_de):
    first = as_json(get(client, "discovery.json"))["changeset"]
    assert as_json(get(client, "discovery.json"))["changeset"] == first
    pothole_de.name = "Schlagloch (neu)"
    pothole_de.save()
    assert as_json(get(client, "discovery.json"))["changeset"] >= first


# --- Services -----------------------------------------------------------------------------


def test_service_list_in_json(client, pothole_de):
    services = as_json(get(client, "services.json", jurisdiction_id="musterstadt.de"))
    by_code = {service["service_code"]: service for service in services}
    assert all(list(service) == SERVICE_FIELDS for service in services)
    pothole = by_code["schlagloch"]
    assert pothole == {
        "service_code": "schlagloch",
        "service_name": pothole_de.name,
        "description": pothole_de.description,
        "metadata": False,
        "type": "realtime",
        "keywords": pothole_de.keywords,
        "group": pothole_de.group,
    }
    # Categories handled elsewhere (the motorway, the railway) are not offered.
    elsewhere = DefectCategory.objects.filter(kind=DefectCategory.Kind.ELSEWHERE)
    assert elsewhere.exists()
    assert not set(elsewhere.values_list("code", flat=True)) & set(by_code)
    assert len(by_code) == len(services)


def test_service_list_in_xml_and_english(client, en):
    root = as_xml(get(client, "services.xml", lang="en"))
    assert root.tag == "services"
    assert {child.tag for child in root} == {"service"}
    first = root.find("service")
    assert children(first) == SERVICE_FIELDS
    names = {s.findtext("service_code"): s.findtext("service_name") for s in root}
    english = DefectCategory.objects.get(locale=en, code="schlagloch")
    assert names["schlagloch"] == english.name == "Pothole or road damage"
    assert root.find("service/metadata").text in ("true", "false")


def test_inactive_categories_are_not_offered(client, pothole_de):
    pothole_de.active = False
    pothole_de.save()
    codes = [s["service_code"] for s in as_json(get(client, "services.json"))]
    assert "schlagloch" not in codes


def test_service_definition_in_json_and_xml(client, lantern_de):
    services = as_json(get(client, "services.json"))
    assert {s["service_code"]: s["metadata"] for s in services}["strassenbeleuchtung"] is True

    definition = as_json(get(client, "services/strassenbeleuchtung.json"))
    assert definition["service_code"] == "strassenbeleuchtung"
    first, second, third, fourth = definition["attributes"]
    assert first == {
        "variable": True,
        "code": "mast",
        "datatype": "string",
        "required": True,
        "datatype_description": "z. B. 14-027",
        "order": 1,
        "description": "Nummer am Mast",
        "values": [],
    }
    assert second["values"] == [
        {"key": "aus", "name": "Leuchtet nicht"},
        {"key": "flackert", "name": "Flackert"},
    ]
    assert (third["datatype"], third["required"], fourth["datatype"]) == (
        "multivaluelist",
        False,
        "number",
    )
    english = as_json(get(client, "services/strassenbeleuchtung.json", lang="en"))
    assert english["attributes"][0]["description"] == "EN Nummer am Mast"

    root = as_xml(get(client, "services/strassenbeleuchtung.xml"))
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    attribute = root.findall("attributes/attribute")[1]
    assert children(attribute) == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert attribute.findtext("variable") == "true"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["aus", "flackert"]
    assert children(attribute.find("values/value")) == ["key", "name"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_errors(client, fmt):
    # No extra questions: no definition (metadata is false).
    assert_errors(get(client, f"services/schlagloch.{fmt}"), 404, fmt, "schlagloch")
    assert_errors(get(client, f"services/gibtsnicht.{fmt}"), 404, fmt, "gibtsnicht")
    # Handled elsewhere: not a service here, and the answer says where to go.
    text = assert_errors(get(client, f"services/autobahn.{fmt}"), 404, fmt, "autobahn")
    motorway = DefectCategory.objects.filter(code="autobahn", locale__language_code="de").get()
    assert motorway.elsewhere_name in text


# --- GET requests -------------------------------------------------------------------------


def test_requests_show_released_reports_without_personal_data(client, pothole_de):
    released = make_report(pothole_de)
    released.set_status("resolved", public_answer="Das Loch ist geflickt.")
    hidden = make_report(pothole_de, released=False, description="Noch nicht geprüft.")

    response = get(client, "requests.json", bbox=HERE)
    body = response.content.decode()
    data = as_json(response)
    assert [item["service_request_id"] for item in data] == [released.reference]
    (item,) = data
    assert list(item) == REQUEST_FIELDS
    released.refresh_from_db()
    assert item["status"] == "closed"
    assert item["status_notes"] == "Das Loch ist geflickt."
    assert item["service_name"] == pothole_de.name
    assert item["service_code"] == "schlagloch"
    assert item["description"] == released.description
    assert item["agency_responsible"] == pothole_de.department
    assert item["address"] == "Marktplatz 1"
    assert (item["lat"], item["long"]) == MARKTPLATZ
    assert item["requested_datetime"] == timezone.localtime(released.created_at).isoformat(
        timespec="seconds"
    )
    assert item["requested_datetime"][-6:] in ("+01:00", "+02:00")
    # For closed requests, updated_datetime is when they were closed.
    assert item["updated_datetime"] == timezone.localtime(released.closed_at).isoformat(
        timespec="seconds"
    )
    assert item["media_url"] is None
    for private in ("Erika", "erika@example.org", "987654", "Intern", hidden.reference):
        assert private not in body
    assert_errors(get(client, f"requests/{hidden.reference}.json"), 404)


def test_requests_in_xml(client, pothole_de):
    report = make_report(pothole_de)
    root = as_xml(get(client, "requests.xml", bbox=HERE, jurisdiction_id="musterstadt.de"))
    assert root.tag == "service_requests"
    (request,) = root
    assert request.tag == "request"
    assert children(request) == REQUEST_FIELDS
    assert request.findtext("service_request_id") == report.reference
    assert request.findtext("status") == "open"
    assert request.findtext("status_notes") == "Danke, wir kümmern uns."
    assert float(request.findtext("lat")) == MARKTPLATZ[0]
    assert request.find("media_url").text is None  # an empty element
    assert "erika" not in ElementTree.tostring(root, encoding="unicode").lower()


def test_one_request_in_json_and_xml(client, pothole_de):
    report = make_report(pothole_de)
    (item,) = as_json(get(client, f"requests/{report.reference}.json"))
    assert item["service_request_id"] == report.reference
    root = as_xml(get(client, f"requests/{report.reference.lower()}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == report.reference
    assert_errors(get(client, "requests/ZZZZ-ZZZZ.xml"), 404, "xml", "ZZZZ-ZZZZ")
    assert_errors(get(client, "requests/ZZZZ-ZZZZ.json"), 404, "json", "ZZZZ-ZZZZ")


def test_forwarded_and_duplicate_reports_say_so(client, pothole_de):
    forwarded = make_report(pothole_de)
    forwarded.forwarded_to = "Landratsamt, Straßenbauamt"
    forwarded.save()
    forwarded.set_status("forwarded", public_answer="Zuständig ist der Landkreis.")
    original = make_report(pothole_de, at=(MARKTPLATZ[0] + 0.0001, MARKTPLATZ[1]))
    duplicate = make_report(pothole_de, duplicate_of=original)
    duplicate.set_status("duplicate")
    data = {
        item["service_request_id"]: item
        for item in as_json(get(client, "requests.json", bbox=HERE, lang="en"))
    }
    assert data[forwarded.reference]["status"] == "closed"
    assert data[forwarded.reference]["service_notice"] == "Forwarded to Landratsamt, Straßenbauamt."
    assert data[duplicate.reference]["service_notice"] == (
        f"Duplicate of report {original.reference}."
    )
    # The latest public answer is the status note; a change without an answer keeps it.
    assert data[duplicate.reference]["status_notes"] == "Danke, wir kümmern uns."
    assert data[original.reference]["service_notice"] is None


def test_filters_by_id_code_and_status(client, pothole_de, de):
    light = DefectCategory.objects.get(locale=de, code="strassenbeleuchtung")
    hole = make_report(pothole_de)
    lamp = make_report(light)
    done = make_report(pothole_de)
    done.set_status("resolved", public_answer="Erledigt.")

    def ids(**params):
        return {
            item["service_request_id"] for item in as_json(get(client, "requests.json", **params))
        }

    assert ids(bbox=HERE) == {hole.reference, lamp.reference, done.reference}
    assert ids(bbox=HERE, service_code="strassenbeleuchtung") == {lamp.reference}
    assert ids(bbox=HERE, service_code="strassenbeleuchtung,schlagloch") == {
        hole.reference,
        lamp.reference,
        done.reference,
    }
    assert ids(bbox=HERE, status="open") == {hole.reference, lamp.reference}
    assert ids(bbox=HERE, status="closed") == {done.reference}
    assert ids(bbox=HERE, status="open,closed") == {hole.reference, lamp.reference, done.reference}
    # service_request_id overrides every other filter.
    assert ids(service_request_id=f"{hole.reference},{done.reference}", status="closed") == {
        hole.reference,
        done.reference,
    }
    assert_errors(get(client, "requests.json", status="erledigt"), 400, containing="status")


def test_date_range_defaults_to_the_latest_90_days(client, pothole_de):
    recent = make_report(pothole_de, days_ago=10)
    old = make_report(pothole_de, days_ago=120)

    def ids(**params):
        return {
            item["service_request_id"] for item in as_json(get(client, "requests.json", **params))
        }

    assert ids(bbox=HERE) == {recent.reference}
    start = (timezone.now() - timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(bbox=HERE, start_date=start) == {old.reference}
    end = (timezone.now() - timedelta(days=100)).isoformat(timespec="seconds")
    assert ids(bbox=HERE, end_date=end) == {old.reference}
    assert ids(bbox=HERE, start_date=start, end_date=end) == {old.reference}
    # A "+" that was not encoded arrives as a space: still understood.
    local = timezone.localtime(timezone.now() - timedelta(days=11)).isoformat(timespec="seconds")
    assert ids(bbox=HERE, start_date=local.replace("+", " ")) == {recent.reference}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "params, message",
    [
        ({"start_date": "gestern"}, "start_date"),
        ({"end_date": "2024-13-45T00:00:00Z"}, "end_date"),
        ({"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"}, "90 days"),
        ({"start_date": "2024-06-01T00:00:00Z", "end_date": "2024-01-01T00:00:00Z"}, "end_date"),
        ({"start_date": "9999-12-31T00:00:00Z"}, "range"),
        ({"bbox": "12.5,51.0,12.6"}, "bbox"),
        ({"bbox": "12.6,51.0,12.5,51.1"}, "bbox"),
        ({"page": "0"}, "page"),
        ({"page_size": "5000"}, "page_size"),
        ({"page_size": "viele"}, "page_size"),
    ],
)
def test_invalid_filters_are_400_in_the_error_format(client, fmt, params, message):
    assert_errors(get(client, f"requests.{fmt}", lang="en", **params), 400, fmt, message)


def test_pages_newest_first(client, pothole_de):
    reports = [make_report(pothole_de, days_ago=day) for day in range(5)]
    newest_first = [report.reference for report in reports]

    def page(number):
        return [
            item["service_request_id"]
            for item in as_json(get(client, "requests.json", bbox=HERE, page=number, page_size=2))
        ]

    assert page(1) + page(2) + page(3) == newest_first
    assert page(4) == []


def test_bbox_limits_requests(client, pothole_de):
    inside = make_report(pothole_de)
    elsewhere = make_report(pothole_de, at=(51.0600, 12.5600))
    found = {
        item["service_request_id"] for item in as_json(get(client, "requests.json", bbox=HERE))
    }
    assert inside.reference in found and elsewhere.reference not in found


def test_media_url_is_the_first_public_photo(client, pothole_de, settings):
    report = make_report(pothole_de)
    hidden = DefectPhoto.objects.create(
        report=report, image=upload(), is_public=False, sort_order=0
    )
    shown = DefectPhoto.objects.create(report=report, image=upload(), sort_order=1)
    (item,) = as_json(get(client, f"requests/{report.reference}.json"))
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    assert item["media_url"] == f"{base}/defect-photos/{shown.pk}/"
    assert str(hidden.pk) not in item["media_url"]
    response = client.get(item["media_url"].removeprefix(base))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_reading_is_open_to_every_origin(client, key):
    for path in ("discovery.json", "services.xml", "requests.json", "requests/ZZZZ-ZZZZ.json"):
        assert get(client, path)["Access-Control-Allow-Origin"] == "*"
    response = post(client, key[1])
    assert response.status_code == 201
    assert "Access-Control-Allow-Origin" not in response
    assert "no-cache" in response["Cache-Control"]


def test_unknown_resources_and_methods(client):
    assert_errors(get(client, "requests.csv"), 404, "json")
    assert_errors(get(client, "gibtsnicht.xml"), 404, "xml")
    response = client.delete(API + "services.json")
    assert_errors(response, 405, "json")
    assert "GET" in response["Allow"]


def test_nul_characters_are_answered_not_passed_to_the_database(client, key):
    # PostgreSQL refuses NUL in any comparison: they must never reach a query.
    assert_errors(client.get(API + "services/schlag%00loch.json"), 404)
    assert_errors(client.get(API + "requests/AB%00CD.xml"), 404, "xml")
    assert_errors(client.get(API + "tokens/ab%00cd.json"), 404)
    assert as_json(get(client, "requests.json", service_request_id="\x00")) == []
    assert as_json(get(client, "requests.json", service_code="schlag\x00loch")) == []
    assert_errors(post(client, key[1], service_code="schlag\x00loch"), 404)
    report, _ = created_report(post(client, key[1], description="Loch\x00 am Markt"))
    assert report.description == "Loch am Markt"


def test_control_characters_do_not_break_the_xml(client, pothole_de):
    make_report(pothole_de, description="Loch\x0b mit\x1f Steuerzeichen")
    root = as_xml(get(client, "requests.xml", bbox=HERE))
    assert root.findtext("request/description") == "Loch mit Steuerzeichen"


# --- POST requests ------------------------------------------------------------------------


def test_post_creates_a_report_and_its_token_finds_it(
    client, key, pothole_de, django_capture_on_commit_callbacks
):
    api_key, secret = key
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            secret,
            email="melder@example.org",
            first_name="Max",
            last_name="Muster",
            phone="03433 1234567",
            device_id="telefon-1",
        )
    report, answer = created_report(response)
    assert list(answer) == ["service_request_id", "token", "service_notice", "account_id"]
    assert answer["account_id"] is None
    assert pothole_de.department in answer["service_notice"]
    assert report.category == pothole_de
    assert (report.latitude, report.longitude) == MARKTPLATZ
    assert report.address  # the nearest address of the street directory
    assert (report.source, report.api_key, report.language) == ("open311", api_key, "de")
    assert (report.name, report.email, report.phone) == (
        "Max Muster",
        "melder@example.org",
        "03433 1234567",
    )
    assert report.status == "new" and not report.released
    assert report.status_changes.count() == 1
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None
    # The reporter is asked to confirm the address, as after the web form.
    assert ["melder@example.org"] in [message.to for message in mail.outbox]

    # The token is not the citizen's private key to the tracking page.
    assert answer["token"] != report.token and report.token not in answer["token"]
    # Not public until the town released it; the token gives the reference back.
    assert_errors(get(client, f"requests/{report.reference}.json"), 404)
    assert as_json(get(client, f"tokens/{answer['token']}.json")) == [
        {"service_request_id": report.reference, "token": answer["token"]}
    ]
    root = as_xml(get(client, f"tokens/{answer['token']}.xml"))
    assert root.tag == "service_requests"
    assert children(root.find("request")) == ["service_request_id", "token"]
    assert_errors(get(client, "tokens/gibtsnicht.xml"), 404, "xml")

    # Once released: public, without the contact data.
    report.release()
    response = get(client, f"requests/{report.reference}.json")
    assert as_json(response)[0]["service_request_id"] == report.reference
    for private in ("Max", "Muster", "melder@", "1234567"):
        assert private not in response.content.decode()


def test_post_answers_in_xml(client, key):
    root = as_xml(post(client, key[1], fmt="xml"), 201)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert children(request) == ["service_request_id", "token", "service_notice", "account_id"]
    assert DefectReport.objects.filter(reference=request.findtext("service_request_id")).exists()
    assert request.find("account_id").text is None


def test_post_in_english(client, key, en):
    report, answer = created_report(post(client, key[1], lang="en"))
    assert report.language == "en"
    assert report.category == DefectCategory.objects.get(locale=en, code="schlagloch")
    assert answer["service_notice"].startswith("Thank you")


def test_post_with_an_address(client, key):
    report, _ = created_report(
        post(client, key[1], lat=None, long=None, address_string="Marktplatz 1")
    )
    directory = StreetAddress.objects.filter(street="Marktplatz", house_number="1").first()
    assert (report.latitude, report.longitude) == (
        round(directory.latitude, 6),
        round(directory.longitude, 6),
    )
    assert report.address == "Marktplatz 1"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "data, status, message",
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "gibtsnicht"}, 404, "gibtsnicht"),
        ({"service_code": "autobahn"}, 404, "autobahn"),
        ({"lat": None, "long": None}, 400, "lat and long"),
        ({"long": None}, 400, "lat and long"),
        ({"lat": "north"}, 400, "lat and long"),
        ({"lat": "91"}, 400, "Earth"),
        ({"lat": str(OUTSIDE[0]), "long": str(OUTSIDE[1])}, 400, "outside the town"),
        ({"lat": None, "long": None, "address_string": "Nirgendwostraße 99"}, 400, "address"),
        ({"lat": None, "long": None, "address_id": "4711"}, 400, "address_id"),
        ({"description": None}, 400, "description"),
        ({"description": "x" * 4001}, 400, "4,000"),
        ({"email": "keine-adresse"}, 400, "email"),
        ({"phone": "ruf mich an"}, 400, "phone"),
    ],
)
def test_post_refusals(client, key, fmt, data, status, message):
    """Each refusal names its problem (asked in English: the messages' source language)."""
    before = DefectReport.objects.count()
    assert_errors(post(client, key[1], fmt=fmt, lang="en", **data), status, fmt, message)
    assert DefectReport.objects.count() == before


def test_post_lists_every_problem_at_once(client, key):
    errors = as_json(post(client, key[1], description="", email="x", phone="?"), 400)
    assert len(errors) == 3 and {error["code"] for error in errors} == {400}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_needs_a_valid_active_key(client, key, fmt):
    api_key, secret = key
    assert_errors(post(client, None, fmt=fmt), 403, fmt, "api_key")
    assert_errors(post(client, "falsch", fmt=fmt), 403, fmt, "api_key")
    api_key.active = False
    api_key.save()
    assert_errors(post(client, secret, fmt=fmt), 403, fmt, "api_key")
    assert not DefectReport.objects.filter(source="open311").exists()


def test_post_is_rate_limited_per_key(client, key):
    api_key, secret = key
    api_key.requests_per_hour = 2
    api_key.save()
    other = ApiKey(name="Andere App")
    other_secret = other.set_new_key()
    other.save()
    assert post(client, secret).status_code == 201
    assert post(client, secret, description="").status_code == 400  # counts too
    response = post(client, secret)
    assert_errors(response, 429, containing="2")
    assert 0 < int(response["Retry-After"]) <= 3600
    assert post(client, other_secret).status_code == 201  # each key has its own limit
    assert DefectReport.objects.filter(source="open311").count() == 2


def test_post_needs_no_csrf_token(key):
    response = post(Client(enforce_csrf_checks=True), key[1])
    assert response.status_code == 201


def test_post_answers_extra_questions(client, key, lantern_de):
    base = {"service_code": "strassenbeleuchtung"}
    errors = as_json(post(client, key[1], **base), 400)
    text = " ".join(error["description"] for error in errors)
    assert "attribute[mast]" in text and "attribute[zustand]" in text
    refused = as_json(
        post(
            client,
            key[1],
            **base,
            **{"attribute[mast]": "14-027", "attribute[zustand]": "kaputt", "attribute[x]": "1"},
        ),
        400,
    )
    text = " ".join(error["description"] for error in refused)
    assert "attribute[zustand]" in text and "attribute[x]" in text

    report, _ = created_report(
        client.post(
            API + "requests.json",
            {
                "api_key": key[1],
                "service_code": "strassenbeleuchtung",
                "lat": MARKTPLATZ[0],
                "long": MARKTPLATZ[1],
                "description": "Laterne aus.",
                "attribute[mast]": "14-027",
                "attribute[zustand]": "aus",
                "attribute[tageszeit][]": ["tag", "nacht"],
                "attribute[anzahl]": "2",
            },
        )
    )
    assert report.category == lantern_de
    assert report.answers == {
        "mast": "14-027",
        "zustand": "aus",
        "tageszeit": ["tag", "nacht"],
        "anzahl": 2.0,
    }


def _stored_bytes(report):
    (stored,) = report.photos.all()
    with stored.image.open("rb") as file:
        return file.read()


def test_post_with_uploaded_media_strips_metadata(client, key, django_capture_on_commit_callbacks):
    original = photo(latitude=MARKTPLATZ[0], longitude=MARKTPLATZ[1])
    assert b"Exif" in original and b"Geheimhausen" in original
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, key[1], media=upload(content=original))
    report, _ = created_report(response)
    content = _stored_bytes(report)
    assert b"Exif" not in content and b"Geheimhausen" not in content
    assert not Image.open(io.BytesIO(content)).getexif()
    assert report.photos.get().thumbnail  # made by the worker after the commit


def test_post_with_a_file_that_is_no_photo(client, key):
    response = post(client, key[1], media=upload("notiz.txt", b"kein Foto", "text/plain"))
    assert_errors(response, 400, containing="notiz.txt")
    assert not DefectReport.objects.filter(source="open311").exists()


def test_post_with_too_many_photos(client, key, settings):
    settings.DEFECT_REPORTS = {**settings.DEFECT_REPORTS, "MAX_PHOTOS": 1}
    response = post(client, key[1], media=[upload(), upload()], lang="en")
    assert_errors(response, 400, containing="at most 1 photo")


def test_post_with_media_url_fetches_and_cleans_the_photo(client, key, photo_server, settings):
    settings.OPEN311_MEDIA_URL_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    original = photo(latitude=MARKTPLATZ[0], longitude=MARKTPLATZ[1])
    photo_server.files["/fotos/loch.jpg"] = ("image/jpeg", original)
    report, _ = created_report(post(client, key[1], media_url=photo_server.url + "/fotos/loch.jpg"))
    content = _stored_bytes(report)
    assert b"Exif" not in content and content.startswith(b"\xff\xd8")

    photo_server.files["/seite.html"] = ("text/html", b"<html>kein Foto</html>")
    assert_errors(
        post(client, key[1], media_url=photo_server.url + "/seite.html"),
        400,
        containing="seite.html",
    )
    assert_errors(
        post(client, key[1], media_url=photo_server.url + "/fehlt.jpg"), 400, containing="404"
    )


def test_media_url_download_is_limited_in_time_and_size(client, key, photo_server, settings):
    settings.OPEN311_MEDIA_URL_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.OPEN311_MEDIA_URL_TIMEOUT = 1
    settings.DEFECT_REPORTS = {**settings.DEFECT_REPORTS, "MAX_PHOTO_BYTES": 1024 * 1024}
    photo_server.files["/langsam.jpg"] = ("slow", photo()[:40])
    started = time.monotonic()
    assert_errors(post(client, key[1], media_url=photo_server.url + "/langsam.jpg"), 400)
    assert time.monotonic() - started < 3
    photo_server.files["/riesig.jpg"] = ("image/jpeg", b"\xff" * (1024 * 1024 + 1))
    assert_errors(
        post(client, key[1], media_url=photo_server.url + "/riesig.jpg"), 400, "json", "1 MB"
    )


def test_media_url_redirects_are_checked_too(client, key, photo_server, settings):
    settings.OPEN311_MEDIA_URL_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    photo_server.files["/foto.jpg"] = ("image/jpeg", photo())
    photo_server.files["/weiter"] = ("redirect", b"/foto.jpg")
    photo_server.files["/intern"] = ("redirect", b"http://10.0.0.7/foto.jpg")
    created_report(post(client, key[1], media_url=photo_server.url + "/weiter"))
    assert_errors(post(client, key[1], media_url=photo_server.url + "/intern"), 400)


def test_media_url_on_private_addresses_is_refused_by_default(client, key, photo_server):
    photo_server.files["/loch.jpg"] = ("image/jpeg", photo())
    for url in (
        photo_server.url + "/loch.jpg",
        f"http://localhost:{photo_server.server_port}/loch.jpg",
        "http://10.1.2.3/loch.jpg",
        "http://[::1]/loch.jpg",
        "ftp://example.org/loch.jpg",
        "file:///etc/passwd",
    ):
        assert_errors(post(client, key[1], media_url=url), 400, containing="media_url")
    assert not DefectReport.objects.filter(source="open311").exists()


# --- The API's description ----------------------------------------------------------------


def test_openapi_description_is_published(client, settings):
    document = as_json_document(get(client, "openapi.json"))
    assert document["openapi"].startswith("3.")
    # What the fuzz test reads is what is published.
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/open311/v2"
    assert document == json.loads(json.dumps(openapi.document(base)))
    assert document["servers"] == [{"url": base}]
    for fmt in ("json", "xml"):
        for path in (
            "discovery",
            "services",
            "services/{service_code}",
            "requests",
            "requests/{service_request_id}",
            "tokens/{token}",
        ):
            assert f"/{path}.{fmt}" in document["paths"]
        assert "post" in document["paths"][f"/requests.{fmt}"]


def as_json_document(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


# --- API keys in the admin ----------------------------------------------------------------


def test_a_new_key_is_shown_once_and_only_its_hash_is_stored(admin_client):
    assert admin_client.get(reverse("defect_api_keys:add")).status_code == 200
    response = admin_client.post(
        reverse("defect_api_keys:add"),
        {
            "name": "Mängel-App",
            "contact": "app@example.org",
            "active": "on",
            "requests_per_hour": 20,
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    api_key = ApiKey.objects.get(name="Mängel-App")
    html = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    secret = html.split('id="api-key-secret"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert len(secret) >= 40 and secret.startswith(api_key.prefix)
    assert api_key.key_hash == ApiKey.hash(secret) and secret not in api_key.key_hash
    assert ApiKey.find(secret) == api_key
    assert api_key.requests_per_hour == 20

    listing = admin_client.get(reverse("defect_api_keys:index")).content.decode()
    edit = admin_client.get(reverse("defect_api_keys:edit", args=[api_key.pk])).content.decode()
    assert "Mängel-App" in listing and "Mängel-App" in edit
    assert secret not in listing and secret not in edit

    # API keys live in the Settings menu.
    assert reverse("defect_api_keys:index") in admin_client.get("/admin/").content.decode()
    # The key works at once.
    client = Client()
    assert post(client, secret).status_code == 201
