"""Site-wide search: every page type, only the current language, with a fallback backend.

With ELASTICSEARCH_URL set, Elasticsearch is the default backend and Wagtail's database backend
is kept up to date beside it; when Elasticsearch does not answer, searches are answered from
the database instead of failing.
"""

import logging
import re
import unicodedata

from django.conf import settings
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

logger = logging.getLogger(__name__)

#: Longer queries are cut: nobody types more, and the query log keeps 255 characters.
MAX_QUERY_LENGTH = 200


#: Anything but letters, digits and hyphens inside words is search syntax to some backend
#: (quotes, brackets, *, ^, :, ~) and carries no meaning for a citizen's query.
NON_WORD = re.compile(r"[^\w\s-]+|(?<!\w)-+|-+(?!\w)|_+")


def clean_query(raw: str | None) -> str:
    """Turn whatever was typed into a query that every backend accepts (or "" for none)."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFC", raw[: MAX_QUERY_LENGTH * 4])
    text = NON_WORD.sub(" ", text)
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def search_backends():
    """The backends to ask, in order: the configured default, then the database fallback."""
    names = ["default"]
    if "database" in settings.WAGTAILSEARCH_BACKENDS:
        names.append("database")
    return names


def run_search(queryset, query: str, **kwargs):
    """Search ``queryset`` for ``query``, falling back to the database backend on errors.

    The result count is asked inside the fallback loop, so a backend that does not answer
    fails here and not later while a template renders the (lazy) results.
    """
    names = search_backends()
    for index, name in enumerate(names):
        backend = get_search_backend(name)
        try:
            results = backend.search(query, queryset, **kwargs)
            results.count()
            return results
        except Exception:
            if index == len(names) - 1:
                raise
            logger.warning("Search backend %r did not answer; using %r", name, names[index + 1])
    raise AssertionError("unreachable")


def excluded_page_types():
    """Content types of page models that say ``exclude_from_site_search = True`` (screens,
    endpoints: pages that are no reading matter for citizens)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import get_page_models

    models = [m for m in get_page_models() if getattr(m, "exclude_from_site_search", False)]
    return ContentType.objects.get_for_models(*models).values() if models else []


def search_pages(query: str, locale: Locale | None = None):
    """Live, public pages of the given (or current) language matching ``query`` (lazy)."""
    locale = locale or Locale.get_active()
    pages = Page.objects.live().public().filter(locale=locale).exclude(depth=1)
    excluded = list(excluded_page_types())
    if excluded:
        pages = pages.exclude(content_type__in=excluded)
    return run_search(pages, query)


def specific_in_order(pages) -> list:
    """The specific page objects for ``pages``, in the same order, in one query per page type."""
    ids = [page.pk for page in pages]
    by_id = {page.pk: page for page in Page.objects.filter(pk__in=ids).specific()}
    return [by_id[pk] for pk in ids if pk in by_id]
