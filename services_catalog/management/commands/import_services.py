"""``manage.py import_services FILE``: load a services catalog (services-catalog/1)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from services_catalog.catalog import CatalogError, import_catalog, load_file


class Command(BaseCommand):
    help = (
        "Import a services catalog file (format services-catalog/1): services are created or "
        "updated by their key; a file with problems is rejected as a whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the catalog file (JSON), or - to read standard input")

    def handle(self, *args, file, **options):
        try:
            if file == "-":
                try:
                    data = json.load(sys.stdin)
                except json.JSONDecodeError as error:
                    raise CatalogError([f"file: not valid JSON: {error}"]) from error
            else:
                data = load_file(file)
            result = import_catalog(data)
        except CatalogError as error:
            for problem in error.problems:
                self.stderr.write(f"Problem: {problem}")
            raise CommandError(
                f"Nothing was imported: {len(error.problems)} problem(s) in {file}."
            ) from error
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.created + result.updated + result.unchanged} services: "
                f"{result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged."
            )
        )
