"""Views of the defect reporter that are not the page itself: the private tracking page, the
email confirmation, the photos (checked before they are served), and the small JSON APIs the
reporter's map and the public map use."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Avg, Count, FloatField, Max, Min
from django.db.models.functions import Cast, Floor
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Site

from . import geo, js_strings, places, reporting
from .models import DefectCategory, DefectPhoto, DefectReport, DefectReportPage, DraftPhoto
from .photos import PhotoError

PUBLIC_LIST_PAGE_SIZE = 20


# --- Shared helpers -----------------------------------------------------------------------


def _activate_language(request) -> str:
    """The APIs live outside the language prefix; ``lang`` says which language to answer in."""
    languages = dict(settings.LANGUAGES)
    language = request.GET.get("lang") or request.POST.get("lang") or ""
    if language not in languages:
        # The page that asks (same origin, so the browser sends its address) has the prefix.
        referer = urlsplit(request.META.get("HTTP_REFERER", "")).path.lstrip("/")
        language = referer.split("/", 1)[0]
    if language not in languages:
        language = translation.get_language_from_request(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def category_names(language: str) -> dict:
    """translation_key → the category's name in ``language`` (falling back to German)."""
    names = {}
    for translation_key, locale_code, name in DefectCategory.objects.values_list(
        "translation_key", "locale__language_code", "name"
    ):
        if locale_code == language or translation_key not in names:
            names[translation_key] = name
    return names


def reporter_page(language: str | None = None) -> DefectReportPage | None:
    """The live reporter page in the language (or the default one), for links to reports."""
    language = language or translation.get_language()
    pages = DefectReportPage.objects.live()
    return (
        pages.filter(locale__language_code=language).first()
        or pages.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    )


def public_reports(category_code: str = "", status: str = ""):
    """Released reports, optionally of one category (by code) and open/closed or a status."""
    reports = DefectReport.objects.filter(released=True)
    if category_code:
        reports = reports.filter(category__code=category_code)
    if status == "open":
        reports = reports.filter(status__in=DefectReport.OPEN_STATUSES)
    elif status == "closed":
        reports = reports.exclude(status__in=DefectReport.OPEN_STATUSES)
    elif status in DefectReport.Status.values:
        reports = reports.filter(status=status)
    return reports


def public_report_context(request, reports, page_number):
    """The public list: a page of released reports with their category in the reader's
    language and their public photos; a constant number of queries."""
    paginator = Paginator(
        reports.select_related("category").prefetch_related("photos").order_by("-created_at"),
        PUBLIC_LIST_PAGE_SIZE,
    )
    page_obj = paginator.get_page(page_number)
    names = category_names(translation.get_language())
    for report in page_obj.object_list:
        report.category_name = names.get(report.category.translation_key, report.category.name)
    return page_obj


def map_config(request, kind: str = "map", **extra) -> dict:
    """What the maps' scripts need, as a JSON data block (no inline script)."""
    boundary = places.town_boundary(Site.find_for_request(request))
    if boundary is not None:
        west, south, east, north = boundary.bounds
        center = [(south + north) / 2, (west + east) / 2]
    else:
        center = settings.DEFECT_REPORTS.get("MAP_CENTER", [51.056, 12.556])
    language = translation.get_language()
    return {
        "tiles": settings.TILE_SERVER_URL,
        "attribution": settings.TILE_ATTRIBUTION,
        "center": center,
        "zoom": 15,
        "boundary": boundary.as_geojson() if boundary is not None else None,
        "lang": language,
        "placeUrl": reverse("defects_api_place"),
        "addressesUrl": reverse("defects_api_addresses"),
        "draftsUrl": reverse("defects_api_drafts"),
        "reportsUrl": reverse("defects_api_reports"),
        "maxPhotos": settings.DEFECT_REPORTS["MAX_PHOTOS"],
        "maxPhotoBytes": settings.DEFECT_REPORTS["MAX_PHOTO_BYTES"],
        "iconSprite": static("img/defect-categories.svg"),
        "strings": js_strings.strings(kind),
        **extra,
    }


def _private(response):
    """Pages whose address is a key: no caching, no referrer, not indexed."""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- Tracking and confirmation ------------------------------------------------------------


def tracking(request, token):
    """The reporter's private page: status, history and the town's public answers."""
    report = get_object_or_404(DefectReport.objects.select_related("category"), token=token[:40])
    history = report.public_history()
    names = category_names(translation.get_language())
    public_page = None
    if report.released:
        page = reporter_page()
        if page is not None:
            public_page = page.report_url(report)
    response = render(
        request,
        "defect_reports/tracking.html",
        {
            "report": report,
            "category_name": names.get(report.category.translation_key, report.category.name),
            "history": history,
            "photo_count": report.photos.count(),
            "just_sent": request.GET.get("sent") == "1",
            "public_url": public_page,
            "reporter": reporter_page(),
        },
    )
    return _private(response)


def confirm_email(request, code):
    """The link of the confirmation email: confirms the reporter's address."""
    report = reporting.confirm_email(code)
    response = render(
        request,
        "defect_reports/email_confirmed.html",
        {"report": report, "confirmed": report is not None},
        status=200 if report is not None else 400,
    )
    return _private(response)


# --- Photos -------------------------------------------------------------------------------


def photo(request, pk, size="full"):
    """A report's photo: only when it is released and shown, or for staff who process reports.
    Everything else, including photos that do not exist, is a 404.

    The public only ever gets the blacked-out copy of a photo with blacked-out areas (and the
    thumbnail, which is made from it). Staff get the original, or with ``?redacted=1`` what the
    public sees; their answers are never stored by shared caches."""
    from .permissions import can_see_report

    item = DefectPhoto.objects.select_related("report__category").filter(pk=pk).first()
    if item is None or not item.can_be_seen_by(request.user):
        raise Http404
    staff = can_see_report(request.user, item.report)
    public_version = not staff or request.GET.get("redacted") == "1"
    if size == "thumb" and item.thumbnail:
        file = item.thumbnail
    elif not public_version:
        file = item.image
    elif item.redactions:
        if not item.redacted:
            raise Http404  # never the original in its place
        file = item.redacted
    else:
        file = item.image
    try:
        response = FileResponse(file.open("rb"), content_type="image/jpeg")
    except FileNotFoundError:
        raise Http404 from None
    if item.is_public and item.report.released and not staff:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_store=True)
    response["Content-Disposition"] = "inline"
    return response


@never_cache
def draft_photo(request, token, pk):
    """A photo in a draft, for the citizen writing it (the draft's token is the key)."""
    item = get_object_or_404(DraftPhoto, pk=pk, draft__token=token[:40])
    response = FileResponse(item.image.open("rb"), content_type="image/jpeg")
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- JSON APIs ----------------------------------------------------------------------------


@require_GET
def api_addresses(request):
    """Address suggestions from the town's street directory."""
    _activate_language(request)
    results = places.search_addresses(request.GET.get("q", "")[:100], limit=10)
    return JsonResponse(
        {
            "results": [
                {
                    "label": address.label,
                    "street": address.street,
                    "house_number": address.house_number,
                    "postcode": address.postcode,
                    "lat": address.latitude,
                    "lon": address.longitude,
                }
                for address in results
            ]
        }
    )


@require_GET
def api_place(request):
    """About a picked point: inside the town? its nearest address, and open reports of the
    chosen category close by (the duplicate check)."""
    language = _activate_language(request)
    try:
        lat = float(request.GET["lat"])
        lon = float(request.GET["lon"])
    except (KeyError, ValueError):
        return JsonResponse({"error": _("lat and lon must be numbers.")}, status=400)
    if not geo.valid_point(lat, lon):
        return JsonResponse({"error": _("These coordinates are not a place on Earth.")}, status=400)
    inside = places.inside_town(lat, lon, Site.find_for_request(request))
    answer = {
        "inside": inside,
        "message": None
        if inside
        else _(
            "This place is outside the town, so we cannot take care of it. Please check the "
            "place, or contact the authority responsible there."
        ),
        "address": places.describe_place(lat, lon) if inside else "",
        "nearby": [],
    }
    category = None
    if request.GET.get("category", "").isdigit():
        category = DefectCategory.objects.filter(pk=int(request.GET["category"])).first()
    if inside and category is not None:
        names = category_names(language)
        page = reporter_page(language)
        answer["nearby"] = [
            {
                "reference": item.report.reference,
                "category": names.get(category.translation_key, category.name),
                "status": item.report.get_status_display(),
                "distance": round(item.distance),
                "created": date_format(item.report.created_at, "SHORT_DATE_FORMAT"),
                "url": page.report_url(item.report)
                if page is not None and item.report.released
                else None,
            }
            for item in places.nearby_open_reports(category, lat, lon)
        ]
    return JsonResponse(answer)


@require_POST
def api_create_draft(request):
    """A new, empty draft, when the reporter's script uploads the first photo."""
    _activate_language(request)
    if reporting.over_limit(request, "draft", settings.DEFECT_REPORTS["UPLOADS_PER_HOUR"]):
        return JsonResponse({"error": rate_limit_message()}, status=429)
    draft = reporting.DefectReportDraft.objects.create(language=translation.get_language())
    return JsonResponse({"token": draft.token}, status=201)


@require_POST
def api_draft_photo(request, token):
    """Upload one photo into a draft: cleaned at once; answers its thumbnail and place."""
    _activate_language(request)
    draft = reporting.get_draft(token)
    if draft is None:
        return JsonResponse({"error": _("This report form has expired. Please reload.")}, 404)
    if reporting.over_limit(request, "upload", settings.DEFECT_REPORTS["UPLOADS_PER_HOUR"]):
        return JsonResponse({"error": rate_limit_message()}, status=429)
    upload = request.FILES.get("photo")
    if upload is None:
        return JsonResponse({"error": _("Please choose a photo.")}, status=400)
    try:
        item = reporting.add_draft_photo(draft, upload)
    except PhotoError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(draft_photo_json(item), status=201)


@require_POST
def api_delete_draft_photo(request, token, pk):
    draft = reporting.get_draft(token)
    if draft is None:
        raise Http404
    reporting.remove_draft_photo(draft, pk)
    return JsonResponse({"deleted": pk})


def draft_photo_json(item: DraftPhoto) -> dict:
    return {
        "id": item.pk,
        "thumbnail_url": reverse("defect_draft_photo", args=[item.draft.token, item.pk]),
        "name": item.original_name,
        "latitude": item.latitude,
        "longitude": item.longitude,
    }


def rate_limit_message() -> str:
    return _(
        "You have sent a lot in a short time. Please try again in an hour; what you entered "
        "is kept until then. In urgent cases please call the town hall."
    )


@require_GET
def api_reports(request):
    """Released reports as GeoJSON, limited to a bounding box (``bbox=west,south,east,north``);
    grid clusters instead of points when the box holds many."""
    language = _activate_language(request)
    try:
        west, south, east, north = geo.parse_bbox(request.GET.get("bbox", ""))
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)
    reports = public_reports(request.GET.get("category", ""), request.GET.get("status", ""))
    reports = reports.filter(latitude__range=(south, north), longitude__range=(west, east))
    total = reports.count()
    if total > settings.DEFECT_REPORTS["CLUSTER_ABOVE"]:
        features = _clusters(reports, west, south, east, north)
    else:
        features = _points(reports, language)
    response = JsonResponse(
        {"type": "FeatureCollection", "total": total, "features": features},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Type"] = "application/geo+json"
    if "lang" in request.GET:
        patch_cache_control(response, public=True, max_age=60)
    else:
        # The language came from the asking page or the browser: no shared cache may keep it.
        patch_cache_control(response, private=True, max_age=60)
        patch_vary_headers(response, ["Referer", "Accept-Language"])
    return response


def _points(reports, language):
    names = category_names(language)
    page = reporter_page(language)
    # The page's address once; each report adds only its reference.
    base = page.report_url(DefectReport(reference="-")).removesuffix("-/") if page else None
    features = []
    for report in reports.select_related("category").only(
        "reference",
        "latitude",
        "longitude",
        "address",
        "status",
        "created_at",
        "category__translation_key",
        "category__name",
        "category__icon",
        "category__code",
    ):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [report.longitude, report.latitude]},
                "properties": {
                    "reference": report.reference,
                    "category": names.get(report.category.translation_key, report.category.name),
                    "category_code": report.category.code,
                    "icon": report.category.icon,
                    "status": report.status,
                    "status_label": str(report.get_status_display()),
                    "open": report.is_open,
                    "created": report.created_at.date().isoformat(),
                    "address": report.address,
                    "url": f"{base}{report.reference}/" if base else None,
                },
            }
        )
    return features


GRID = 12


def _clusters(reports, west, south, east, north):
    """Count the reports in a 12 × 12 grid over the box, in the database."""
    cell_lon = max((east - west) / GRID, 1e-9)
    cell_lat = max((north - south) / GRID, 1e-9)
    cells = (
        reports.annotate(
            cell_x=Floor(Cast((Cast("longitude", FloatField()) - west) / cell_lon, FloatField())),
            cell_y=Floor(Cast((Cast("latitude", FloatField()) - south) / cell_lat, FloatField())),
        )
        .values("cell_x", "cell_y")
        .annotate(
            count=Count("pk"),
            lat=Avg("latitude"),
            lon=Avg("longitude"),
            min_lat=Min("latitude"),
            max_lat=Max("latitude"),
            min_lon=Min("longitude"),
            max_lon=Max("longitude"),
        )
        .order_by()
    )
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [cell["lon"], cell["lat"]]},
            "properties": {
                "cluster": True,
                "count": cell["count"],
                "bbox": [cell["min_lon"], cell["min_lat"], cell["max_lon"], cell["max_lat"]],
            },
        }
        for cell in cells
    ]
