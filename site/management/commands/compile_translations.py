"""``python manage.py compile_translations``: compile site/locale/*/django.po without gettext.

Django's compilemessages needs GNU gettext's msgfmt, which a fresh machine may not have;
polib (installed with wagtail-localize) writes the same .mo files.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po translation files to .mo files."

    def handle(self, *args, **options):
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                po = polib.pofile(str(po_path))
                po.save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"{po_path}: {po.percent_translated()}% translated")
