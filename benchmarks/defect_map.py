"""Benchmark: the public map's GeoJSON endpoint over 100,000 released reports.

    .venv/bin/python benchmarks/defect_map.py [--reports 100000]

Runs against a temporary SQLite database (or DATABASE_URL if set, which must be a scratch
database: it is migrated and written to). Prints, for a view of the whole town (clustered), a
neighbourhood and a street (points), the median of 20 requests through Django's test client
and the size of the answer. Not part of the test suite: speed is measured here, never asserted.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CENTER = (51.0560, 12.5560)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100_000)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="rathaus-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from defect_reports.models import DefectCategory, DefectReport

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    categories = list(DefectCategory.objects.filter(kind="report", locale__language_code="de"))
    rng = random.Random(1)
    statuses = ["released", "in_progress", "resolved", "rejected"]
    started = time.perf_counter()
    batch = []
    for i in range(args.reports):
        batch.append(
            DefectReport(
                reference=f"B{i:07d}"[:9],
                token=f"bench-{i}",
                category=rng.choice(categories),
                description="Benchmark",
                latitude=CENTER[0] + rng.gauss(0, 0.01),
                longitude=CENTER[1] + rng.gauss(0, 0.015),
                address="Marktplatz 1",
                status=rng.choice(statuses),
                released=True,
            )
        )
        if len(batch) == 5000:
            DefectReport.objects.bulk_create(batch)
            batch = []
    DefectReport.objects.bulk_create(batch)
    print(f"created {args.reports:,} reports in {time.perf_counter() - started:.1f} s")

    client = Client()
    views = {
        "whole town (clusters)": (12.50, 51.02, 12.61, 51.09),
        "neighbourhood": (12.553, 51.054, 12.559, 51.058),
        "one street (points)": (12.5555, 51.0557, 12.5565, 51.0563),
    }
    for label, (west, south, east, north) in views.items():
        times = []
        for _ in range(20):
            t = time.perf_counter()
            response = client.get(
                "/api/defects/reports.geojson",
                {"bbox": f"{west},{south},{east},{north}", "lang": "de"},
            )
            times.append(time.perf_counter() - t)
        body = response.json()
        kind = (
            "clusters"
            if body["features"] and body["features"][0]["properties"].get("cluster")
            else "points"
        )
        print(
            f"{label:<24} {statistics.median(times) * 1000:7.1f} ms median  "
            f"{body['total']:>7,} reports → {len(body['features']):>4} {kind}, "
            f"{len(response.content) / 1024:6.1f} KiB"
        )


if __name__ == "__main__":
    main()
