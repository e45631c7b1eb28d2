"""``manage.py import_addresses FILE [--replace]``: load the town's street directory (CSV)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from defect_reports.street_directory import DirectoryError, import_addresses, read_addresses


class Command(BaseCommand):
    help = (
        "Import the street directory from a CSV file with the columns street, house_number, "
        "postcode, city, latitude, longitude (comma or semicolon, UTF-8). Addresses are "
        "created or updated by street and house number; a file with problems is rejected as "
        "a whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file, or - to read standard input")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the whole street directory first, so that it holds only the file's "
            "addresses",
        )

    def handle(self, *args, file, replace, **options):
        try:
            rows = read_addresses(self.read(file))
            result = import_addresses(rows, replace=replace)
        except DirectoryError as error:
            for problem in error.problems:
                self.stderr.write(f"Problem: {problem}")
            raise CommandError(
                f"Nothing was imported: {len(error.problems)} problem(s) in {file}."
            ) from error
        self.stdout.write(self.style.SUCCESS(result.summary() + "."))

    def read(self, file) -> bytes | str:
        if file == "-":
            stream = getattr(sys.stdin, "buffer", sys.stdin)
            return stream.read()
        try:
            with open(file, "rb") as handle:
                return handle.read()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
