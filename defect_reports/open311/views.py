"""Open311 GeoReport v2 endpoints under /open311/v2/: discovery, services, service
definitions, service requests (read and create) and tokens, each as .json and .xml.

Reading needs no key and is open to every origin (CORS); creating needs an API key from the
town's admin, is limited per key and hour, and is exempt from CSRF (there is no cookie).
"""

import functools

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ..models import DefectReport
from . import formats, openapi, services
from .services import Open311Error

READ_METHODS = ("GET", "HEAD")


def request_language(request) -> str:
    """``lang`` (de or en) in the query string or a POST's body; German otherwise."""
    languages = dict(settings.LANGUAGES)
    language = request.GET.get("lang", "")
    if language not in languages and request.method == "POST":
        language = request.POST.get("lang", "")
    return language if language in languages else settings.LANGUAGE_CODE


def endpoint(*methods, cache_seconds: int | None = 60):
    """Wrap an Open311 view: methods it answers (405 otherwise), the client's language, the
    specification's error format for every refusal, CORS and caching for reads."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, fmt="json", **kwargs):
            response = _answer(view, request, allowed, args, fmt, kwargs)
            if request.method in READ_METHODS or request.method == "OPTIONS":
                response["Access-Control-Allow-Origin"] = "*"
                if response.status_code == 200 and cache_seconds:
                    patch_cache_control(response, public=True, max_age=cache_seconds)
                else:
                    add_never_cache_headers(response)
            else:
                add_never_cache_headers(response)
            return response

        return wrapper

    return decorate


def _answer(view, request, allowed, args, fmt, kwargs):
    try:
        language = request_language(request)
    except (SuspiciousOperation, MultiPartParserError, BadRequest, OSError):
        return formats.errors(fmt, 400, _("The request's body cannot be read."))
    with translation.override(language):
        if request.method == "OPTIONS" and "GET" in allowed:
            # A browser's CORS preflight: reading is open to every origin, writing is not.
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(sorted(allowed | {"OPTIONS"}))
            response["Access-Control-Allow-Methods"] = "GET, HEAD"
            return response
        if request.method not in allowed:
            response = formats.errors(
                fmt,
                405,
                _("The method %(method)s is not allowed here.") % {"method": request.method},
            )
            response["Allow"] = ", ".join(sorted(allowed))
            return response
        try:
            return view(request, *args, fmt=fmt, language=language, **kwargs)
        except Open311Error as error:
            response = formats.errors(fmt, error.status, *error.descriptions)
            for name, value in error.headers.items():
                response[name] = value
            return response
        except (SuspiciousOperation, MultiPartParserError, BadRequest) as error:
            return formats.errors(
                fmt, 400, _("The request is invalid: %(error)s") % {"error": error}
            )


# --- Discovery and services ---------------------------------------------------------------


@endpoint("GET", cache_seconds=300)
def discovery(request, fmt, language):
    """Where the API lives, what it speaks and how to get a key."""
    url = services.absolute_url(reverse("open311_root")).rstrip("/")
    return formats.render(services.discovery(url), fmt, "discovery")


@endpoint("GET", cache_seconds=300)
def service_list(request, fmt, language):
    """GET services: the categories a client may report, in the client's language."""
    data = [services.service(category) for category in services.offered_categories(language)]
    return formats.render(data, fmt, "services")


@endpoint("GET", cache_seconds=300)
def service_definition(request, service_code, fmt, language):
    """GET services/{service_code}: the category's extra questions (only categories with
    questions have a definition, as their metadata says)."""
    category = services.find_service(service_code, language)
    if not services.questions(category):
        raise Open311Error(
            404,
            _("service_code %(code)s has no service definition: it asks no extra questions.")
            % {"code": service_code},
        )
    return formats.render(services.service_definition(category), fmt, "service_definition")


# --- Service requests ---------------------------------------------------------------------


@endpoint("GET", "POST")
def service_requests(request, fmt, language):
    """GET requests (released reports, filtered and paged) or POST requests (a new report)."""
    if request.method == "POST":
        return create_request(request, fmt, language)
    reports = services.filter_requests(services.public_requests(), request.GET)
    page, page_size = services.page_bounds(request.GET)
    offset = (page - 1) * page_size
    reports = reports.order_by("-created_at", "-pk")[offset : offset + page_size]
    categories = services.categories_by_key(language)
    data = [services.service_request(report, categories) for report in reports]
    return formats.render(data, fmt, "service_requests")


def create_request(request, fmt, language):
    """POST requests: the API key first, then every check of the web form; the answer holds
    the new report's reference (its service_request_id)."""
    key = services.api_key(request.POST.get("api_key") or request.GET.get("api_key") or "")
    new = services.read_new_request(request.POST, request.FILES, language)
    report = services.create_report(new, key, language)
    return formats.render([services.created(report)], fmt, "service_requests", status=201)


@endpoint("GET")
def service_request(request, service_request_id, fmt, language):
    """GET requests/{service_request_id}: one released report."""
    reference = service_request_id.upper()
    report = None
    if services.comparable(reference):
        report = services.public_requests().filter(reference=reference).first()
    if report is None:
        raise Open311Error(
            404,
            _("service_request_id %(id)s was not found.") % {"id": service_request_id},
        )
    data = [services.service_request(report, services.categories_by_key(language))]
    return formats.render(data, fmt, "service_requests")


@endpoint("GET", cache_seconds=None)
def token(request, token, fmt, language):
    """GET tokens/{token}: the service_request_id a POST's token stands for."""
    token = token[:100]
    reference = services.reference_for_token(token) if services.comparable(token) else None
    report = DefectReport.objects.filter(reference=reference).only("reference").first()
    if report is None:
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token})
    data = [{"service_request_id": report.reference, "token": token}]
    response = formats.render(data, fmt, "service_requests")
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- The API's description and everything else --------------------------------------------


@endpoint("GET", cache_seconds=300)
def openapi_document(request, fmt, language):
    """The OpenAPI 3 description of this API."""
    return JsonResponse(
        openapi.document(services.absolute_url(reverse("open311_root")).rstrip("/")),
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE", cache_seconds=None)
def not_found(request, fmt, language, path=""):
    """Anything else under /open311/v2/: a 404 in the specification's format."""
    raise Open311Error(404, _("There is no such resource: /open311/v2/%(path)s") % {"path": path})


def root(request):
    """/open311/v2/ itself: the discovery document."""
    return discovery(request, fmt="json")
