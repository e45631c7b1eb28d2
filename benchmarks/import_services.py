"""Benchmark: import 2,000 services into a freshly migrated site, then import them again.

    .venv/bin/python benchmarks/import_services.py [--services 2000]

Runs against a temporary SQLite database (or DATABASE_URL if set, which must be a scratch
database: it is migrated and written to). Prints the seconds of the first import (all created),
of a re-import that changes nothing, and of one that changes every service. Not part of the
test suite: speed is measured here, never asserted in a test.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def catalog(count, version=1):
    situations = ["Umzug und Wohnen", "Familie und Kinder", "Tiere", "Bauen und Grundstück"]
    departments = ["Bürgerbüro", "Ordnungsamt", "Bauamt", "Standesamt"]
    return {
        "format": "services-catalog/1",
        "language": "de",
        "services": [
            {
                "key": f"leistung-{i}",
                "leika": f"{99000000000000 + i}",
                "name": f"Leistung {i} beantragen",
                "summary": f"Kurzbeschreibung der Leistung {i}, Fassung {version}.",
                "description": "Erster Absatz.\n\nZweiter Absatz mit mehr Text über die Leistung.",
                "keywords": [f"Stichwort{i}", "Antrag"],
                "life_situations": [situations[i % 4]],
                "department": departments[i % 4],
                "requirements": "Wohnsitz in der Stadt.",
                "documents": ["Personalausweis", "Nachweis"],
                "fees": "10,00 Euro",
                "processing_time": "zwei Wochen",
                "online_forms": [
                    {"title": "Online beantragen", "url": f"https://portal.example/{i}"}
                ],
            }
            for i in range(count)
        ],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=2000)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="rathaus-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    from services_catalog.catalog import import_catalog

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # a home page, as a real site has
    for label, data in [
        ("first import (all new)", catalog(args.services)),
        ("re-import, nothing changed", catalog(args.services)),
        ("re-import, every service changed", catalog(args.services, version=2)),
    ]:
        started = time.perf_counter()
        result = import_catalog(data)
        seconds = time.perf_counter() - started
        print(
            f"{label:<34} {seconds:6.1f} s  ({result.created} created, {result.updated} "
            f"updated, {result.unchanged} unchanged)"
        )


if __name__ == "__main__":
    main()
