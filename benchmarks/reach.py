"""Benchmark: the reach statistics and the short link for a town of Weimar's size.

    .venv/bin/python benchmarks/reach.py [--services 600] [--days 365]

Runs against a temporary SQLite database (or DATABASE_URL if set, which must be a scratch
database: it is migrated and written to). Adds services until there are ``--services`` German
service pages, then a year of daily totals for each (views, starts, QR and link visits) and of
search terms, and prints the median of 10 requests through Django's test client for the reach
page (30 days per day, a year per week and per month), its services CSV, and a short link.
Not part of the test suite: speed is measured here, never asserted.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_ms(client, url, runs=10, **headers):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, **headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), (url, response.status_code)
    return statistics.median(times), len(response.content)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=600)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="rathaus-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from campaigns.models import ShortLink, ShortLinkVisit
    from home.models import SearchTermCount
    from services_catalog.models import (
        OnlineStartCount,
        ServiceIndexPage,
        ServicePage,
        ServicePageViewCount,
    )

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    finder = ServiceIndexPage.objects.get(locale__language_code="de")
    existing = ServicePage.objects.filter(locale__language_code="de").count()
    started = time.perf_counter()
    for number in range(existing, args.services):
        page = ServicePage(
            title=f"Leistung {number}",
            slug=f"leistung-{number}",
            key=f"leistung-{number}",
            summary="Eine Leistung der Stadt.",
        )
        finder.add_child(instance=page)
        page.save_revision().publish()
    print(f"{args.services} services in place ({time.perf_counter() - started:.0f} s)")

    ServicePageViewCount.objects.all().delete()
    OnlineStartCount.objects.all().delete()
    ShortLinkVisit.objects.all().delete()
    SearchTermCount.objects.all().delete()
    rng = random.Random(1)
    today = timezone.localdate()
    services = list(ServicePage.objects.live().values_list("pk", flat=True))
    links = dict(ShortLink.objects.values_list("service_id", "pk"))
    views, starts, visits, searches = [], [], [], []
    for offset in range(1, args.days + 1):
        day = today - timedelta(days=offset)
        for service in services:
            views.append(
                ServicePageViewCount(service_id=service, date=day, count=rng.randint(1, 40))
            )
            starts.append(OnlineStartCount(service_id=service, date=day, count=rng.randint(0, 9)))
            if service in links and rng.random() < 0.1:
                visits.append(
                    ShortLinkVisit(short_link_id=links[service], date=day, channel="qr", count=3)
                )
        for term in range(200):
            searches.append(
                SearchTermCount(
                    date=day,
                    language="de",
                    area="site",
                    term=f"begriff {term}",
                    searches=rng.randint(1, 20),
                    without_results=rng.randint(0, 1),
                )
            )
    for model, rows in (
        (ServicePageViewCount, views),
        (OnlineStartCount, starts),
        (ShortLinkVisit, visits),
        (SearchTermCount, searches),
    ):
        model.objects.bulk_create(rows, batch_size=5000)
    print(
        f"{len(views):,} view rows, {len(starts):,} start rows, {len(visits):,} visit rows, "
        f"{len(searches):,} search rows"
    )

    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    client = Client()
    client.force_login(user)
    year_ago = (today - timedelta(days=args.days)).isoformat()
    cases = [
        ("reach page, last 30 days per day", "/admin/promotion/reach/"),
        (
            "reach page, a year per week",
            f"/admin/promotion/reach/?start={year_ago}&end={today}&granularity=week",
        ),
        (
            "reach page, a year per month",
            f"/admin/promotion/reach/?start={year_ago}&end={today}&granularity=month",
        ),
        (
            "services CSV, a year",
            f"/admin/promotion/reach/csv/?table=services&start={year_ago}&end={today}",
        ),
    ]
    for label, url in cases:
        ms, size = median_ms(client, url)
        print(f"{label:40} {ms:8.1f} ms  {size / 1024:7.1f} KiB")
    code = ShortLink.objects.first().code
    ms, _ = median_ms(Client(), f"/s/{code}", runs=50, HTTP_USER_AGENT="Mozilla/5.0")
    print(f"{'short link /s/<code> (counted)':40} {ms:8.1f} ms")


if __name__ == "__main__":
    main()
