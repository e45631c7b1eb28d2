"""``manage.py apply_retention [--dry-run]``: remove the defect reporter's personal data, photos
and drafts whose retention period is over (the queue's schedule does this daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from defect_reports import retention
from defect_reports.models import DefectReportDraft

LINES = {
    "personal_data": "contact data of {count} closed report(s)",
    "unconfirmed_emails": "{count} unconfirmed email address(es)",
    "photos_deleted": "{count} photo(s) that were never public",
    "originals_replaced": "{count} original photo(s), replaced by their blacked-out version",
    "drafts": "{count} expired draft(s)",
    "failed_tasks": "{count} failed email task(s) that may name an address",
}


class Command(BaseCommand):
    help = (
        "Remove what the defect reporter's retention periods (DEFECT_RETENTION) say is no "
        "longer needed: contact data and never-public photos of reports closed long enough "
        "ago, unconfirmed email addresses, expired drafts. --dry-run only shows what would go."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show what would be removed, remove nothing (-v 2 lists the references)",
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        periods = settings.DEFECT_RETENTION
        self.stdout.write(
            f"Retention periods: contact data {periods['PERSONAL_DATA_DAYS']} days and "
            f"never-public photos {periods['UNRELEASED_PHOTOS_DAYS']} days after a report was "
            f"closed, unconfirmed email addresses {periods['UNCONFIRMED_EMAIL_DAYS']} days."
        )
        now = timezone.now()
        counts = retention.apply_retention(dry_run=dry_run, now=now)
        verb = "Would remove" if dry_run else "Removed"
        for step in retention.STEPS:
            self.stdout.write(f"{verb} {LINES[step].format(count=counts[step])}.")
            if dry_run and verbosity >= 2 and counts[step]:
                self.stdout.write("  " + ", ".join(self.affected(step, now)))
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        else:
            self.stdout.write(self.style.SUCCESS("Done."))

    @staticmethod
    def affected(step, now):
        """The references of the reports (or the drafts' keys) a step would touch."""
        if step == "drafts":
            return [
                f"draft {pk}" for pk in DefectReportDraft.expired().values_list("pk", flat=True)
            ]
        queryset = {
            "personal_data": retention.reports_with_personal_data_due,
            "unconfirmed_emails": retention.unconfirmed_emails_due,
            "photos_deleted": retention.photos_to_delete,
            "originals_replaced": retention.originals_to_replace,
        }[step](now)
        field = (
            "reference" if step in ("personal_data", "unconfirmed_emails") else "report__reference"
        )
        return sorted(queryset.values_list(field, flat=True))
