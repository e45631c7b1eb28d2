"""What Open311 reads and writes, apart from HTTP: the categories offered as services, their
extra questions as service definitions, released reports as service requests (never with
personal data), and taking a new report in from a client.

The views in ``views.py`` only read parameters and write answers; the rules live here.
"""

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from wagtail.models import Site

from home.models import TownSettings

from .. import geo, places, reporting
from ..forms import CONTROL_CHARACTERS, PHONE
from ..models import ApiKey, DefectCategory, DefectPhoto, DefectReport
from ..questions import questions

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
DESCRIPTION_MAX = 4000
# GET requests: the specification's default span, and the page/page_size extension.
DEFAULT_SPAN = timedelta(days=90)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


class Open311Error(Exception):
    """A request that cannot be answered: an HTTP status and one or more descriptions for the
    client, written in the specification's error format by the view."""

    def __init__(self, status: int, *descriptions: str, headers: dict | None = None):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = [str(text) for text in descriptions]
        self.headers = headers or {}


# --- Services -----------------------------------------------------------------------------


def categories_by_key(language: str) -> dict:
    """translation_key → the category in ``language``, else in the site's main language,
    else in any language: every category a report may point to, active or not."""

    def rank(category):
        code = category.locale.language_code
        if code == language:
            return 0
        return 1 if code == settings.LANGUAGE_CODE else 2

    chosen = {}
    for category in DefectCategory.objects.select_related("locale"):
        current = chosen.get(category.translation_key)
        if current is None or rank(category) < rank(current):
            chosen[category.translation_key] = category
    return chosen


def offered_categories(language: str) -> list[DefectCategory]:
    """The services: active categories the town itself handles, in the client's language,
    ordered as on the web form. Categories handled elsewhere are never offered."""
    categories = [
        category
        for category in categories_by_key(language).values()
        if category.active and category.kind == DefectCategory.Kind.REPORT
    ]
    categories.sort(key=lambda category: (category.sort_order, category.name))
    offered, codes = [], set()
    for category in categories:
        if category.code not in codes:
            codes.add(category.code)
            offered.append(category)
    return offered


def find_service(code: str, language: str) -> DefectCategory:
    """The offered category with this service code; raise a 404 Open311Error otherwise
    (saying where to go for a category the town does not handle)."""
    for category in offered_categories(language):
        if category.code == code:
            return category
    if not comparable(code):
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})
    elsewhere = DefectCategory.objects.filter(
        code=code, kind=DefectCategory.Kind.ELSEWHERE, active=True
    ).first()
    if elsewhere is not None:
        raise Open311Error(
            404,
            _(
                "service_code %(code)s was not found: the town is not responsible for this. "
                "Please contact %(authority)s instead."
            )
            % {"code": code, "authority": elsewhere.elsewhere_name or elsewhere.name},
        )
    raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})


def service(category: DefectCategory) -> dict:
    """One entry of GET services."""
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(questions(category)),
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


def service_definition(category: DefectCategory) -> dict:
    """GET services/{service_code}: the category's questions as attributes."""
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": question["code"],
                "datatype": question["datatype"],
                "required": question["required"],
                "datatype_description": question["datatype_description"],
                "order": order,
                "description": question["label"],
                "values": question["values"],
            }
            for order, question in enumerate(questions(category), start=1)
        ],
    }


def discovery(endpoint_url: str) -> dict:
    """The discovery document: this one endpoint, its formats, and whom to ask for a key
    (the town's contact from its site settings)."""
    site = Site.objects.filter(is_default_site=True).first()
    town = TownSettings.for_site(site) if site is not None else None
    reachable = ", ".join(part for part in (town.email, town.phone) if part) if town else ""
    contact = town.town_name if town else ""
    if reachable:
        contact = f"{contact}: {reachable}" if contact else reachable
    stamp = changeset()
    return {
        "changeset": stamp,
        "contact": contact or absolute_url("/"),
        "key_service": _(
            "API keys for creating service requests are issued by the town hall on request "
            "(%(contact)s). Reading needs no key."
        )
        % {"contact": reachable or absolute_url("/")},
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": stamp,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def changeset() -> str:
    """When the services or their definitions last changed, as discovery's sortable
    changeset. Categories keep no timestamp, so a fingerprint of what clients see is
    remembered with the time it was first seen."""
    rows = list(
        DefectCategory.objects.order_by("pk").values_list(
            "pk", "locale_id", "code", "name", "description", "group", "keywords", "kind"
        )
    ) + list(DefectCategory.objects.order_by("pk").values_list("active", "questions"))
    digest = hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()[:20]
    key = f"open311:changeset:{digest}"
    stamp = cache.get(key)
    if stamp is None:
        stamp = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        cache.set(key, stamp, timeout=None)
    return stamp


# --- Service requests (read) --------------------------------------------------------------


def public_requests():
    """Released reports only: GET never shows a report the town has not checked."""
    return (
        DefectReport.objects.filter(released=True)
        .select_related("category", "duplicate_of")
        .prefetch_related("photos", "status_changes")
    )


def comparable(text: str) -> bool:
    """Whether the database can compare with this text: no column holds a NUL character, and
    PostgreSQL refuses even to compare with one. Such a value matches nothing."""
    return "\x00" not in text


def list_values(params, name: str) -> list[str]:
    """A parameter that may be given several times and as a comma-separated list."""
    return [
        part.strip() for value in params.getlist(name) for part in value.split(",") if part.strip()
    ]


def filter_requests(reports, params):
    """GET requests' filters: service_request_id (which overrides the others), service_code,
    status, start_date/end_date (90 days at most, the latest 90 by default) and the bbox
    extension (west,south,east,north)."""
    ids = list_values(params, "service_request_id")
    if ids:
        if len(ids) > MAX_PAGE_SIZE:
            raise Open311Error(
                400,
                _("At most %(count)d service_request_id values can be asked for at once.")
                % {"count": MAX_PAGE_SIZE},
            )
        return reports.filter(reference__in=[value.upper() for value in ids if comparable(value)])
    codes = list_values(params, "service_code")
    if codes:
        reports = reports.filter(category__code__in=[code for code in codes if comparable(code)])
    statuses = set(list_values(params, "status"))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open, closed or both (comma-separated)."))
    if statuses == {"open"}:
        reports = reports.filter(status__in=DefectReport.OPEN_STATUSES)
    elif statuses == {"closed"}:
        reports = reports.exclude(status__in=DefectReport.OPEN_STATUSES)
    start, end = date_range(params.get("start_date", ""), params.get("end_date", ""))
    reports = reports.filter(created_at__gte=start, created_at__lte=end)
    if params.get("bbox", "").strip():
        try:
            west, south, east, north = geo.parse_bbox(params["bbox"])
        except ValueError as error:
            raise Open311Error(400, str(error)) from error
        reports = reports.filter(latitude__range=(south, north), longitude__range=(west, east))
    return reports


def date_range(start_text: str, end_text: str):
    """start_date and end_date as aware datetimes; a missing one is 90 days from the other,
    both missing are the latest 90 days. A range longer than 90 days is refused."""
    start = parse_w3c(start_text, "start_date")
    end = parse_w3c(end_text, "end_date", end_of_day=True)
    try:
        if start is None and end is None:
            end = timezone.now()
            start = end - DEFAULT_SPAN
        elif start is None:
            start = end - DEFAULT_SPAN
        elif end is None:
            end = start + DEFAULT_SPAN
        # The database compares in UTC; a date at the end of the calendar cannot be moved.
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    except OverflowError as error:
        raise Open311Error(400, _("start_date or end_date is out of range.")) from error
    if end < start:
        raise Open311Error(400, _("end_date must not be before start_date."))
    if end - start > DEFAULT_SPAN:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    return start, end


def parse_w3c(text: str, name: str, end_of_day: bool = False):
    """A W3C date-time such as 2010-01-01T00:00:00Z (or a date); None when empty."""
    text = text.strip()
    if not text:
        return None
    # An unencoded "+01:00" arrives as " 01:00".
    if len(text) > 6 and text[-6] == " " and text[-5:-3].isdigit():
        text = text[:-6] + "+" + text[-5:]
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is not None:
                moment = datetime.combine(day, datetime.min.time())
                if end_of_day:
                    moment += timedelta(days=1, microseconds=-1)
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        raise Open311Error(
            400,
            _("%(name)s must be a date and time in W3C format, e.g. 2010-01-01T00:00:00Z.")
            % {"name": name},
        )
    return moment


def page_bounds(params) -> tuple[int, int]:
    """The page/page_size extension: page from 1, page_size up to 1,000 (default 50)."""
    try:
        page = int(params.get("page") or 1)
        page_size = int(params.get("page_size") or DEFAULT_PAGE_SIZE)
    except ValueError as error:
        raise Open311Error(400, _("page and page_size must be whole numbers.")) from error
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise Open311Error(
            400,
            _("page must be at least 1 and page_size between 1 and %(max)d.")
            % {"max": MAX_PAGE_SIZE},
        )
    if page * page_size > 10**9:
        raise Open311Error(400, _("page is out of range."))
    return page, page_size


def datetime_w3c(moment) -> str | None:
    """An ISO 8601 date-time with the town's UTC offset, e.g. 2025-05-01T09:30:00+02:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def service_request(report: DefectReport, categories: dict) -> dict:
    """One released report as a service request: what, where, when and the town's latest
    public answer. Never the reporter's name, email or phone, nor internal notes."""
    category = categories.get(report.category.translation_key, report.category)
    answers = [change.public_answer for change in report.status_changes.all()]
    answers = [answer for answer in answers if answer.strip()]
    photo = next(iter(report.public_photos()), None)
    updated = report.updated_at
    if not report.is_open and report.closed_at:
        updated = report.closed_at
    return {
        "service_request_id": report.reference,
        "status": "open" if report.is_open else "closed",
        "status_notes": answers[-1] if answers else None,
        "service_name": category.name,
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": category.department or None,
        "service_notice": status_notice(report),
        "requested_datetime": datetime_w3c(report.created_at),
        "updated_datetime": datetime_w3c(updated),
        "expected_datetime": None,
        "address": report.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": absolute_url(reverse("defect_photo", args=[photo.pk])) if photo else None,
    }


def status_notice(report: DefectReport) -> str | None:
    """What happened instead of a repair: forwarded to another authority, or a duplicate."""
    if report.status == DefectReport.Status.FORWARDED:
        if report.forwarded_to:
            return _("Forwarded to %(authority)s.") % {"authority": report.forwarded_to}
        return _("Forwarded to the authority responsible.")
    if report.status == DefectReport.Status.DUPLICATE:
        original = report.duplicate_of
        if original is not None and original.released:
            return _("Duplicate of report %(reference)s.") % {"reference": original.reference}
        return _("Duplicate of another report.")
    return None


# --- API keys -----------------------------------------------------------------------------


def api_key(key_text: str) -> ApiKey:
    """The active key with this secret, counted against its hourly limit; raise 403 for a
    missing, wrong or inactive key and 429 when the key has used up its hour."""
    key = ApiKey.find(key_text.strip())
    if key is None:
        raise Open311Error(403, _("Invalid api_key received -- can't proceed with create_request."))
    now = timezone.now()
    count = reporting.count_this_hour(f"open311:rate:{key.pk}")
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    if count > key.requests_per_hour:
        next_hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        raise Open311Error(
            429,
            _("This api_key has sent %(limit)d requests this hour. Please try again later.")
            % {"limit": key.requests_per_hour},
            headers={"Retry-After": str(max(1, int((next_hour - now).total_seconds())))},
        )
    return key


# --- Service requests (create) ------------------------------------------------------------


@dataclass
class NewRequest:
    """A POST requests after its checks: everything the report is made of."""

    category: DefectCategory
    latitude: float
    longitude: float
    address: str
    description: str
    name: str = ""
    email: str = ""
    phone: str = ""
    answers: dict = field(default_factory=dict)
    photos: list = field(default_factory=list)


def read_new_request(data, files, language: str) -> NewRequest:
    """Check a POST requests the way the web form checks a report; raise Open311Error with
    every problem found (404 for an unknown service_code)."""
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = find_service(code, language)
    problems = []
    place = _read_place(data, problems)
    description = _clean_text(data.get("description", ""))
    if not description:
        problems.append(_("description was not provided: please describe the defect."))
    elif len(description) > DESCRIPTION_MAX:
        problems.append(_("description may be at most 4,000 characters long."))
    name = " ".join(
        part for part in (_clean_text(data.get(key, "")) for key in ("first_name", "last_name"))
    ).strip()
    if len(name) > 150:
        problems.append(_("first_name and last_name together may be at most 150 characters."))
    email = data.get("email", "").strip()
    if email:
        try:
            validate_email(email)
            if len(email) > 254:
                raise ValidationError("too long")
        except ValidationError:
            problems.append(_("email is not a valid email address."))
    phone = data.get("phone", "").strip()
    if phone and not PHONE.match(phone):
        problems.append(_("phone is not a phone number, e.g. 03433 1234567."))
    answers = read_answers(category, data, problems)
    new = NewRequest(
        category=category,
        latitude=place[0] if place else 0.0,
        longitude=place[1] if place else 0.0,
        address=place[2] if place else "",
        description=description,
        name=name,
        email=email,
        phone=phone,
        answers=answers,
    )
    if not problems:
        new.photos = _read_photos(data, files, problems)
    if problems:
        raise Open311Error(400, *problems)
    return new


def _clean_text(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n")).strip()


def _read_place(data, problems):
    """(lat, long, address) from lat/long or address_string, inside the town."""
    lat_text, lon_text = data.get("lat", "").strip(), data.get("long", "").strip()
    address_text = _clean_text(data.get("address_string", ""))[:200]
    if lat_text or lon_text:
        try:
            lat, lon = float(lat_text), float(lon_text)
        except ValueError:
            problems.append(_("lat and long must both be given, as decimal numbers."))
            return None
        if not geo.valid_point(lat, lon):
            problems.append(_("lat and long are not a place on Earth."))
            return None
        address = places.describe_place(lat, lon) or address_text
    elif address_text:
        found, suggestions = places.resolve_address(address_text)
        if found is None:
            if suggestions:
                problems.append(
                    _("address_string was not found exactly. Did you mean: %(list)s?")
                    % {"list": "; ".join(address.label for address in suggestions)}
                )
            else:
                problems.append(_("address_string was not found in the town's street directory."))
            return None
        lat, lon, address = found.latitude, found.longitude, found.label
    elif data.get("address_id", "").strip():
        problems.append(
            _("address_id is not supported: please send lat and long, or address_string.")
        )
        return None
    else:
        problems.append(_("A location is required: lat and long, or address_string."))
        return None
    if not places.inside_town(lat, lon):
        problems.append(
            _(
                "This place is outside the town, so we cannot take care of it. Please "
                "contact the authority responsible there."
            )
        )
        return None
    return round(lat, 6), round(lon, 6), address


def read_answers(category: DefectCategory, data, problems) -> dict:
    """attribute[code]=value (attribute[code][]=value for several) checked against the
    category's questions: required ones present, list values among the offered keys."""
    given = {}
    for key in data.keys():
        if key.startswith("attribute[") and key.endswith("]"):
            code = key[len("attribute[") :].removesuffix("[]").removesuffix("]")
            values = [value.strip() for value in data.getlist(key) if value.strip()]
            given.setdefault(code, []).extend(values)
    known = {question["code"]: question for question in questions(category)}
    for code in given:
        if code not in known:
            problems.append(
                _("attribute[%(code)s] is not a question of service %(service)s.")
                % {"code": code, "service": category.code}
            )
    answers = {}
    for code, question in known.items():
        values = given.get(code, [])
        if not values:
            if question["required"]:
                problems.append(
                    _("attribute[%(code)s] is required: %(question)s")
                    % {"code": code, "question": question["label"]}
                )
            continue
        answer = _answer(question, values)
        if answer is None:
            problems.append(
                _("attribute[%(code)s] is not a valid answer to: %(question)s")
                % {"code": code, "question": question["label"]}
            )
        else:
            answers[code] = answer
    return answers


def _answer(question: dict, values: list[str]):
    """The stored answer, or None when the values do not fit the question's datatype."""
    datatype = question["datatype"]
    if datatype == "multivaluelist":
        keys = {value["key"] for value in question["values"]}
        return list(dict.fromkeys(values)) if all(value in keys for value in values) else None
    if len(values) != 1:
        return None
    value = _clean_text(values[0])
    if datatype == "singlevaluelist":
        return value if value in {item["key"] for item in question["values"]} else None
    if datatype == "number":
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    if datatype == "datetime":
        try:
            moment = parse_datetime(value)
        except ValueError:
            return None
        return moment.isoformat() if moment is not None else None
    if datatype == "string":
        return value[:500] if "\n" not in value else None
    return value[:DESCRIPTION_MAX]


def _read_photos(data, files, problems) -> list:
    """Uploads in ``media`` and the photo at ``media_url``, cleaned like the web form's."""
    from .. import photos
    from . import media

    uploads = files.getlist("media") if files else []
    url = data.get("media_url", "").strip()
    if len(uploads) + (1 if url else 0) > settings.DEFECT_REPORTS["MAX_PHOTOS"]:
        problems.append(reporting.too_many_photos_message())
        return []
    cleaned = []
    for upload in uploads:
        try:
            cleaned.append(photos.clean_photo(upload))
        except photos.PhotoError as error:
            problems.append(str(error))
    if url and not problems:
        try:
            cleaned.append(media.fetch_photo(url))
        except (media.MediaError, photos.PhotoError) as error:
            problems.append(str(error))
    return cleaned


def create_report(new: NewRequest, key: ApiKey, language: str) -> DefectReport:
    """Save the report with its photos in one transaction; thumbnails and the reporter's
    confirmation email are queued once it committed, as for the web form."""
    with transaction.atomic():
        report = DefectReport.objects.create(
            category=new.category,
            description=new.description,
            latitude=new.latitude,
            longitude=new.longitude,
            address=new.address[:200],
            language=language,
            name=new.name,
            email=new.email,
            phone=new.phone,
            answers=new.answers,
            source="open311",
            api_key=key,
        )
        report.status_changes.create(status=report.status)
        for order, photo in enumerate(new.photos):
            DefectPhoto.objects.create(
                report=report,
                image=photo.as_file(),
                width=photo.width,
                height=photo.height,
                sort_order=order,
                is_public=False,  # like the web form's: public only once staff released it
            )
        report_id = report.pk
        transaction.on_commit(lambda: reporting._after_sending(report_id))
    return report


_token_signer = signing.Signer(salt="defect_reports.open311.token", sep="~")


def api_token(report: DefectReport) -> str:
    """POST's token: the reference, signed. It is not the citizen's private tracking key."""
    return _token_signer.sign(report.reference)


def reference_for_token(token: str) -> str | None:
    try:
        return _token_signer.unsign(token)
    except signing.BadSignature:
        return None


def created(report: DefectReport) -> dict:
    """POST requests' answer. The reference is known at once, so it is returned, and the
    token too: GET tokens/{token} gives the reference back."""
    department = report.category.department
    if department:
        notice = _(
            "Thank you. %(department)s takes care of the report. It appears in the public "
            "list once the town has checked it."
        ) % {"department": department}
    else:
        notice = _("Thank you. The report appears in the public list once the town has checked it.")
    return {
        "service_request_id": report.reference,
        "token": api_token(report),
        "service_notice": notice,
        "account_id": None,
    }
