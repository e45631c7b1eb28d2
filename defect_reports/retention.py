"""Deleting citizens' data when it is no longer needed, run daily by the queue's schedule and by
``manage.py apply_retention``.

The periods are settings (``DEFECT_RETENTION``, from the environment):

- contact data (name, email, phone and its confirmation) goes ``PERSONAL_DATA_DAYS`` after a
  report was closed, and ``personal_data_removed_at`` says when;
- photos that were never public (the report was not released, or staff hid the photo) go
  ``UNRELEASED_PHOTOS_DAYS`` after the report was closed, files and rows; a public photo with a
  blacked-out version keeps only that version from then on (staff had the original until then);
- an email address that was not confirmed goes ``UNCONFIRMED_EMAIL_DAYS`` after the report was
  sent (the confirmation link is no longer valid by then);
- expired drafts go as well (they also have their own hourly job).

Every step picks what is due from what is stored, so running it again, or twice at once,
removes nothing more and fails at nothing already removed. What was removed is logged as
counts, never with the data itself.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import photos, reporting
from .models import DefectPhoto, DefectReport, DefectReportDraft

logger = logging.getLogger("rathaus.retention")

#: The steps, in the order they run and report.
STEPS = (
    "personal_data",
    "unconfirmed_emails",
    "photos_deleted",
    "originals_replaced",
    "drafts",
    "failed_tasks",
)

HAS_PERSONAL_DATA = ~Q(name="") | ~Q(email="") | ~Q(phone="") | Q(email_confirmed_at__isnull=False)


def period(name: str) -> timedelta:
    """A retention period of ``settings.DEFECT_RETENTION`` (read at each run) as a timedelta."""
    return timedelta(days=settings.DEFECT_RETENTION[name])


# --- What is due --------------------------------------------------------------------------


def reports_with_personal_data_due(now: datetime):
    """Closed long enough ago, and still holding contact data."""
    cutoff = now - period("PERSONAL_DATA_DAYS")
    return DefectReport.objects.filter(closed_at__lt=cutoff).filter(HAS_PERSONAL_DATA)


def unconfirmed_emails_due(now: datetime):
    """Addresses nobody confirmed within the period."""
    cutoff = now - period("UNCONFIRMED_EMAIL_DAYS")
    return DefectReport.objects.filter(
        email_confirmed_at__isnull=True, created_at__lt=cutoff
    ).exclude(email="")


def _photos_of_reports_closed_before(now: datetime):
    cutoff = now - period("UNRELEASED_PHOTOS_DAYS")
    return DefectPhoto.objects.filter(report__closed_at__lt=cutoff)


def photos_to_delete(now: datetime):
    """Photos that were never public: of a report that is not released, or hidden by staff."""
    return _photos_of_reports_closed_before(now).filter(
        Q(report__released=False) | Q(is_public=False)
    )


def originals_to_replace(now: datetime):
    """Public photos with a blacked-out version whose original is still kept."""
    return (
        _photos_of_reports_closed_before(now)
        .filter(report__released=True, is_public=True)
        .exclude(redacted="")
        .exclude(image=F("redacted"))
    )


# --- Removing it --------------------------------------------------------------------------


def remove_personal_data(now: datetime) -> int:
    due = reports_with_personal_data_due(now)
    with transaction.atomic():
        count = due.filter(personal_data_removed_at__isnull=True).update(
            name="", email="", phone="", email_confirmed_at=None, personal_data_removed_at=now
        )
        # Reports that got contact data again after an earlier removal keep its first date.
        count += due.update(name="", email="", phone="", email_confirmed_at=None)
    return count


def remove_unconfirmed_emails(now: datetime) -> int:
    return unconfirmed_emails_due(now).update(email="")


def delete_photos(now: datetime) -> int:
    """Files first, then the row: if a file cannot be deleted the row stays, and the next run
    tries again instead of leaving a file that nothing points to."""
    count = 0
    for photo in list(photos_to_delete(now)):
        for name in {photo.image.name, photo.thumbnail.name, photo.redacted.name} - {""}:
            photo.image.storage.delete(name)
        DefectPhoto.objects.filter(pk=photo.pk).delete()
        count += 1
    return count


def replace_originals(now: datetime) -> int:
    """The blacked-out version becomes the photo (``image`` and ``redacted`` then name the same
    file), with a new thumbnail made from it; the original and its thumbnail are deleted."""
    count = 0
    for photo in list(originals_to_replace(now)):
        storage = photo.image.storage
        try:
            with photo.redacted.open("rb") as source:
                content = source.read()
        except OSError:
            logger.warning("Photo %s: its blacked-out version is missing; kept as it is", photo.pk)
            continue
        old = {photo.image.name, photo.thumbnail.name} - {""}
        photo.thumbnail.save("thumb.jpg", ContentFile(photos.thumbnail(content)), save=False)
        updated = DefectPhoto.objects.filter(pk=photo.pk, image=photo.image.name).update(
            image=photo.redacted.name, thumbnail=photo.thumbnail.name
        )
        if not updated:  # replaced or deleted meanwhile by another run
            storage.delete(photo.thumbnail.name)
            continue
        for name in old - {photo.redacted.name}:
            storage.delete(name)
        count += 1
    return count


def failed_tasks_due(now):
    """Failed runs of the defect reporter's tasks kept by django-q2: their error text can
    name a recipient's address, so they go after the unconfirmed-email period."""
    from django_q.models import Task

    failed = Task.objects.filter(
        success=False,
        func="rathaus.tasks.run_django_task",
        stopped__lt=now - period("UNCONFIRMED_EMAIL_DAYS"),
    )
    ours = [
        task.pk
        for task in failed.only("id", "args")
        if task.args and str(task.args[0]).startswith("defect_reports.")
    ]
    return Task.objects.filter(pk__in=ours)


def delete_failed_tasks(now) -> int:
    deleted, _by_model = failed_tasks_due(now).delete()
    return deleted


def apply_retention(dry_run: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Remove everything that is due; with ``dry_run`` only count it. Returns the counts by
    step (see STEPS). Run daily by django-q2's scheduler."""
    now = now or timezone.now()
    if dry_run:
        return {
            "personal_data": reports_with_personal_data_due(now).count(),
            "unconfirmed_emails": unconfirmed_emails_due(now).count(),
            "photos_deleted": photos_to_delete(now).count(),
            "originals_replaced": originals_to_replace(now).count(),
            "drafts": DefectReportDraft.expired().count(),
            "failed_tasks": failed_tasks_due(now).count(),
        }
    counts = {
        "personal_data": remove_personal_data(now),
        "unconfirmed_emails": remove_unconfirmed_emails(now),
        "photos_deleted": delete_photos(now),
        "originals_replaced": replace_originals(now),
        "drafts": reporting.delete_expired_drafts(),
        "failed_tasks": delete_failed_tasks(now),
    }
    logger.info(
        "Retention: personal data removed from %(personal_data)d reports, "
        "%(unconfirmed_emails)d unconfirmed email addresses removed, "
        "%(photos_deleted)d unreleased photos deleted, "
        "%(originals_replaced)d originals replaced by their blacked-out version, "
        "%(drafts)d expired drafts deleted, %(failed_tasks)d failed email tasks deleted",
        counts,
    )
    return counts
