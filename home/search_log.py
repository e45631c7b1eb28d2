"""The search log that search pages write and the communications statistics read.

Each search is counted twice: in Wagtail's own query log (so that editors see popular searches
next to their search promotions) and in ``SearchTermCount`` (daily totals that also count the
searches that found nothing).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion
from wagtail.search.utils import normalise_query_string

from .models import SearchTermCount


def log_search(query: str, area: str, result_count: int) -> None:
    """Count one search of ``query`` in ``area`` ("site", "services", …) for today."""
    term = normalise_query_string(query)[:255]
    if not term:
        return
    Query.get(term).add_hit()
    SearchTermCount.count(
        term,
        language=translation.get_language() or "",
        area=area,
        found_nothing=result_count == 0,
    )


def promotions_for(query: str, locale) -> list:
    """Editors' search promotions for ``query``: external links and live pages of ``locale``."""
    picks = (
        SearchPromotion.objects.filter(query__query_string=normalise_query_string(query)[:255])
        .select_related("page")
        .order_by("sort_order")
    )
    return [
        pick
        for pick in picks
        if pick.page is None or (pick.page.live and pick.page.locale_id == locale.pk)
    ]


def forget_old_searches(now=None) -> int:
    """Delete daily search counts older than ``WAGTAILSEARCH_HITS_MAX_AGE`` days, in our log and
    in Wagtail's; returns how many of our rows went. Run daily by the queue's schedule."""
    days = settings.WAGTAILSEARCH_HITS_MAX_AGE
    oldest = ((now or timezone.now()) - timedelta(days=days)).date()
    deleted, _by_model = SearchTermCount.objects.filter(date__lt=oldest).delete()
    QueryDailyHits.objects.filter(date__lt=oldest).delete()
    Query.garbage_collect()
    return deleted
