"""``manage.py export_services``: write the live services in the catalog exchange format."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Locale

from services_catalog.catalog import export_catalog


class Command(BaseCommand):
    help = "Export the live services of one language as a services catalog (services-catalog/1)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help="language code (default: %(default)s)",
        )
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, language, output, **options):
        locale = Locale.objects.filter(language_code=language).first()
        if locale is None:
            raise CommandError(f"The site has no language {language!r}.")
        text = json.dumps(export_catalog(locale), ensure_ascii=False, indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(text, ending="")
