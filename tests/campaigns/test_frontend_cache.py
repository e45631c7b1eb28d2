"""Behind a caching proxy, promotions appear and disappear on time: a saved spotlight or
campaign purges every page, and so does the start or end of one (a job every few minutes)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign, ServiceSpotlight
from campaigns.signal_handlers import SCHEDULE_CHECK_MINUTES, purge_when_schedules_turn
from rathaus.jobs import SCHEDULES
from services_catalog.models import ServicePage

pytestmark = pytest.mark.django_db


def purged_paths(caching_proxy):
    return {url.split("/", 1)[1] for url in caching_proxy}


def test_saving_a_campaign_purges_every_page(caching_proxy, de, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Campaign.objects.create(locale=de, title="Neu online", starts_at=timezone.now())
    assert {"de/", "de/kontakt/", "en/", "en/online-services/"} <= purged_paths(caching_proxy)


def test_saving_a_service_of_the_month_purges_every_page(
    caching_proxy, de, django_capture_on_commit_callbacks
):
    spotlight = ServiceSpotlight.objects.filter(locale=de).first()
    with django_capture_on_commit_callbacks(execute=True):
        spotlight.text = "Neuer Text."
        spotlight.save()
    assert {"de/", "de/online-dienste/"} <= purged_paths(caching_proxy)


def test_a_campaign_starting_or_ending_purges_at_the_next_run(
    caching_proxy, de, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        Campaign.objects.create(
            locale=de,
            title="Bald",
            starts_at=now + timedelta(minutes=3),
            ends_at=now + timedelta(hours=2),
        )
    caching_proxy.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_when_schedules_turn(now) is False
    assert not caching_proxy
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_when_schedules_turn(now + timedelta(minutes=5)) is True
    assert "de/" in purged_paths(caching_proxy)
    assert purge_when_schedules_turn(now + timedelta(minutes=10)) is False
    assert purge_when_schedules_turn(now + timedelta(hours=2, minutes=1)) is True


def test_a_new_service_of_the_month_purges_after_midnight(de):
    today = timezone.localdate()
    ServiceSpotlight.objects.all().delete()
    ServiceSpotlight.objects.create(
        locale=de,
        service=ServicePage.objects.filter(locale=de).first(),
        text="x",
        starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=30),
    )
    midnight = timezone.make_aware(datetime.combine(today + timedelta(days=1), time()))
    assert purge_when_schedules_turn(midnight + timedelta(minutes=2)) is True
    assert purge_when_schedules_turn(midnight + timedelta(minutes=7)) is False
    assert purge_when_schedules_turn(midnight - timedelta(minutes=1)) is False


def test_the_job_runs_as_often_as_it_looks_back():
    func, minutes = SCHEDULES["purge_when_promotions_turn"]
    assert func == "campaigns.signal_handlers.purge_when_schedules_turn"
    assert minutes == SCHEDULE_CHECK_MINUTES
