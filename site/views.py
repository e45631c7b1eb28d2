"""Site-wide views without models of their own: search, health check, robots.txt, errors."""

import logging
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from wagtail.models import Locale

from home.search_log import log_search, promotions_for

from .search import clean_query, search_pages, specific_in_order

logger = logging.getLogger(__name__)

RESULTS_PER_PAGE = 10


@require_GET
def search(request):
    """The site-wide search page: every page type, in the current language only."""
    query = clean_query(request.GET.get("q"))
    page_number = request.GET.get("page", 1)
    results_page = None
    promotions = []
    if query:
        locale = Locale.get_active()
        results = search_pages(query, locale)
        paginator = Paginator(results, RESULTS_PER_PAGE)
        try:
            results_page = paginator.page(page_number)
        except PageNotAnInteger:
            results_page = paginator.page(1)
        except EmptyPage:
            results_page = paginator.page(paginator.num_pages)
        results_page.object_list = specific_in_order(results_page.object_list)
        promotions = promotions_for(query, locale)
        if results_page.number == 1:
            log_search(query, area="site", result_count=paginator.count)
    return render(
        request,
        "rathaus/search.html",
        {
            "search_query": query,
            "results": results_page,
            "promotions": promotions,
            "query_prefix": urlencode({"q": query}) + "&",
        },
    )


def _check(name, probe):
    try:
        detail = probe()
        return {"status": "ok", **({"detail": detail} if detail else {})}
    except Exception as exc:  # noqa: BLE001 - any failure means "does not answer"
        # The reason goes to the log only: it may name internal hosts.
        logger.warning("Health check %s failed: %s", name, exc)
        return {"status": "error"}


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _check_cache():
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return the value just stored")
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def _check_search():
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend("default")
    client = getattr(backend, "es", None)
    if client is not None:
        if not client.ping():
            raise RuntimeError("Elasticsearch does not answer")
        return "elasticsearch"
    from wagtail.models import Page

    # A real query against the index, limited to the root pages.
    backend.search("healthz", Page.objects.filter(depth__lte=2)).count()
    return "database"


#: The queue counts as stalled when no worker has run the publishing schedule for this long.
WORKER_SILENCE_LIMIT = timedelta(minutes=20)


def _check_queue():
    from django_q.brokers import get_broker
    from django_q.models import Schedule

    broker = get_broker()
    if not broker.ping():
        raise RuntimeError("the task broker does not answer")
    # The broker answering says nothing about workers. The worker's scheduler moves the
    # publishing schedule's next run forward every few minutes; if it lies far in the past,
    # no worker is running and nothing gets indexed or published.
    schedule = Schedule.objects.filter(name="publish_scheduled").first()
    if schedule is not None and schedule.next_run < timezone.now() - WORKER_SILENCE_LIMIT:
        raise RuntimeError(f"no worker has run the schedule since {schedule.next_run}")
    return {"broker": type(broker).__name__, "queued": broker.queue_size()}


@never_cache
@require_safe
def healthz(request):
    """JSON status of database, cache, search and task queue: 200 if all answer, else 503."""
    checks = {
        "database": _check("database", _check_database),
        "cache": _check("cache", _check_cache),
        "search": _check("search", _check_search),
        "queue": _check("queue", _check_queue),
    }
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )


@require_GET
def robots_txt(request):
    """robots.txt: everything public may be indexed, the admin may not; points at the sitemap.
    Crawlers stay off the counting "start online" redirect and the private status pages."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /start/",
        "Disallow: /api/",
        "Disallow: /defect-photos/draft/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _language_from_path(path: str) -> str:
    prefix = path.lstrip("/").split("/", 1)[0]
    codes = {code for code, _name in settings.LANGUAGES}
    return prefix if prefix in codes else settings.LANGUAGE_CODE


def page_not_found(request, exception=None):
    """404 in the language of the URL, with the site's own layout."""
    with translation.override(_language_from_path(request.path)):
        html = loader.render_to_string("404.html", {"error_page": True}, request)
        return HttpResponse(html, status=404)


def server_error(request):
    """500 in the language of the URL; renders a template that needs no database."""
    with translation.override(_language_from_path(request.path)):
        return HttpResponse(loader.render_to_string("500.html", {}), status=500)
