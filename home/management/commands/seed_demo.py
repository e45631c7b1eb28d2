"""``python manage.py seed_demo``: demo content for the fictional town of Musterstadt.

Idempotent: what exists already (found by its slug, title or key) is left as it is, so a second
run changes nothing and editors' changes to demo pages survive. Each app contributes its part
through a function listed in SEEDERS; later apps add theirs there.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

#: Functions ``seed(stdout)`` that create each app's demo content, in order.
SEEDERS = [
    "home.demo.seed",
    "services_catalog.demo.seed",
    "news.demo.seed",
    "defect_reports.demo.seed",
    "campaigns.demo.seed",
]


class Command(BaseCommand):
    help = "Create demo content for Musterstadt (idempotent)."

    def handle(self, *args, **options):
        for path in SEEDERS:
            with transaction.atomic():
                import_string(path)(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
