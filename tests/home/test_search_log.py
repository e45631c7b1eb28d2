"""The search log keeps daily totals only, and forgets them after SEARCH_LOG_DAYS."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Schedule
from django_q.scheduler import scheduler
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from home.models import SearchTermCount

pytestmark = pytest.mark.django_db


def test_old_search_counts_are_deleted_by_the_daily_job(settings):
    settings.WAGTAILSEARCH_HITS_MAX_AGE = 30
    today = timezone.localdate()
    SearchTermCount.objects.all().delete()  # (the demo's figures for the reach statistics)
    for days_ago, term in ((31, "max mustermann"), (2, "hundesteuer")):
        SearchTermCount.objects.create(
            date=today - timedelta(days=days_ago), language="de", area="site", term=term
        )
    old_query = Query.get("max mustermann")
    QueryDailyHits.objects.create(query=old_query, date=today - timedelta(days=31), hits=1)
    QueryDailyHits.objects.create(query=Query.get("hundesteuer"), date=today, hits=3)

    # django-q2's scheduler runs the due daily job, as the worker does.
    Schedule.objects.filter(name="forget_old_searches").update(
        next_run=timezone.now() - timedelta(seconds=1)
    )
    scheduler(broker=get_broker())

    assert list(SearchTermCount.objects.values_list("term", flat=True)) == ["hundesteuer"]
    assert not Query.objects.filter(query_string="max mustermann").exists()
    assert Query.objects.filter(query_string="hundesteuer").exists()


def test_the_log_holds_no_time_of_day_and_no_visitor():
    fields = {field.name for field in SearchTermCount._meta.get_fields()}
    assert fields == {"id", "date", "language", "area", "term", "searches", "without_results"}
