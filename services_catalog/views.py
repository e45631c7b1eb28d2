"""The service finder's page context, the search API, the counting "start online" redirect and
the status page of a form submission."""

from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from wagtail.models import Locale

from home.counters import counts_as_visit
from home.search_log import log_search
from rathaus.search import clean_query

from . import finder
from .models import (
    Department,
    LifeSituation,
    OnlineFormSubmission,
    OnlineStartCount,
    ServiceOnlineForm,
)
from .search import Filters, find_services, service_index

RESULTS_PER_PAGE = 20
API_DEFAULT_LIMIT = 10
API_MAX_LIMIT = 50


def finder_context(page, request) -> dict:
    """Everything the service finder page shows for the request's query and filters."""
    query = clean_query(request.GET.get("q"))
    locale = page.locale
    situations = list(LifeSituation.objects.filter(locale=locale))
    departments = list(Department.objects.filter(locale=locale))
    filters = Filters(
        situation=next((s for s in situations if s.slug == request.GET.get("situation")), None),
        department=next(
            (d for d in departments if str(d.pk) == request.GET.get("department")), None
        ),
        online_only=request.GET.get("online") == "1",
    )
    context = {
        "search_query": query,
        "situations": situations,
        "departments": departments,
        "filters": filters,
        "searching": bool(query or filters),
    }
    results = find_services(query, locale, filters)
    if context["searching"]:
        paginator = Paginator(results, RESULTS_PER_PAGE)
        try:
            results_page = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            results_page = paginator.page(1)
        except EmptyPage:
            results_page = paginator.page(paginator.num_pages)
        context["results"] = results_page
        context["query_prefix"] = query_prefix(query, filters)
        if query and results_page.number == 1:
            log_search(query, area="services", result_count=paginator.count)
        if not results and query:
            index = service_index(locale)
            context["did_you_mean"] = finder.suggestions(query, index)
    else:
        context["a_to_z"] = [
            (letter, list(entries))
            for letter, entries in groupby(results, key=lambda entry: finder.initial(entry.title))
        ]
    return context


def query_prefix(query, filters) -> str:
    """The finder's query string without the page number, for the pagination links."""
    params = {"q": query} if query else {}
    if filters.situation:
        params["situation"] = filters.situation.slug
    if filters.department:
        params["department"] = filters.department.pk
    if filters.online_only:
        params["online"] = "1"
    return urlencode(params) + "&" if params else ""


@require_GET
def api_search(request):
    """``GET /api/services/search?q=…&lang=de&limit=10``: the finder's results as JSON, in the
    finder's order. ``autocomplete=1`` marks keystrokes of the search box, which are not logged
    as searches."""
    language = request.GET.get("lang") or settings.LANGUAGE_CODE
    languages = dict(settings.LANGUAGES)
    if language not in languages:
        return JsonResponse(
            {
                "error": "unknown_language",
                "message": f"Unknown language {language[:20]!r}; use one of: "
                + ", ".join(languages),
            },
            status=400,
        )
    try:
        limit = int(request.GET.get("limit") or API_DEFAULT_LIMIT)
    except ValueError:
        return JsonResponse(
            {"error": "invalid_limit", "message": "limit must be a whole number."}, status=400
        )
    limit = max(1, min(limit, API_MAX_LIMIT))
    query = clean_query(request.GET.get("q"))
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return JsonResponse({"query": query, "count": 0, "results": []})
    with translation.override(language):
        results = find_services(query, locale)
        if query and request.GET.get("autocomplete") != "1":
            log_search(query, area="services", result_count=len(results))
    response = JsonResponse(
        {
            "query": query,
            "count": len(results),
            "results": [
                {
                    "key": entry.key,
                    "title": entry.title,
                    "url": request.build_absolute_uri(entry.url) if entry.url else "",
                    "summary": entry.summary,
                    "online": entry.online,
                }
                for entry in results[:limit]
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@never_cache
@require_safe
def start_online(request, pk):
    """Count a start of a service's online form, then go there. Only the addresses stored for
    the service can be reached: the link carries an id, never an address."""
    online_form = get_object_or_404(
        ServiceOnlineForm.objects.select_related("page", "form_page"), pk=pk, page__live=True
    )
    target = online_form.target_url()
    if not target:
        raise Http404(_("This online form is not available."))
    if counts_as_visit(request):
        OnlineStartCount.count_start(online_form.page)
    response = HttpResponseRedirect(target)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_safe
def submission_status(request, token):
    """The private status page of a form submission (its link is the only key)."""
    submission = get_object_or_404(
        OnlineFormSubmission.objects.select_related("page"), token=token[:40]
    )
    response = render(
        request,
        "services_catalog/submission_status.html",
        {
            "submission": submission,
            "form_page": submission.page.specific,
            "just_sent": request.GET.get("sent") == "1",
        },
    )
    # The address is the key: keep it out of other sites' logs and out of search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
