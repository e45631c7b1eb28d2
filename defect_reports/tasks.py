"""Background work of the defect reporter, run by django-q2 after the report was committed:
thumbnails of the photos, the emails to the reporter and to the responsible department.

Each task looks at what was already done before doing it, so a retry does nothing twice. A
task whose email cannot be sent raises, so django-q2 runs it again (the ORM broker hands an
unacknowledged task out again after Q_CLUSTER["retry"] seconds, up to "max_attempts" times);
the hourly ``send_missed_notifications`` queues again whatever is still unsent after that, or
was lost on a broker that does not redeliver (Redis). The reporter's address gets a
confirmation link first and nothing else until it is confirmed.

The department hears of each new report by email, with a link into the admin and without the
reporter's contact data, or, if its category asks for it, once a day in a digest
(``send_department_digests``, run by the queue's schedule).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from home.emails import render_email

from . import photos
from .models import DefectPhoto, DefectReport

logger = logging.getLogger("rathaus.defect_notifications")

#: How long a notification may stay unsent before the hourly job queues it again, and how far
#: back it looks (older misses are left alone rather than sent days late).
MISSED_AFTER = timedelta(minutes=30)
MISSED_WITHIN = timedelta(days=7)


@task()
def make_thumbnails(report_id: int) -> None:
    """A small version of each photo of the report that has none yet."""
    for photo in DefectPhoto.objects.filter(report_id=report_id, thumbnail=""):
        with photo.image.open("rb") as source:
            content = photos.thumbnail(source.read())
        photo.thumbnail.save("thumb.jpg", ContentFile(content), save=False)
        DefectPhoto.objects.filter(pk=photo.pk).update(thumbnail=photo.thumbnail.name)


# --- Emails to the reporter ---------------------------------------------------------------


@task()
def send_confirmation_email(report_id: int) -> None:
    """Ask the reporter to confirm their address (double opt-in); sent once."""
    from .reporting import confirmation_code

    with transaction.atomic():
        report = DefectReport.objects.select_for_update().get(pk=report_id)
        if not report.email or report.email_confirmed_at or report.confirmation_sent_at:
            return
        with translation.override(report.language):
            path = reverse("defect_confirm_email", args=[confirmation_code(report)])
        _send_to_reporter(
            report,
            "defect_reports/emails/confirm_email.txt",
            {"confirm_url": _absolute(path)},
            confirmation_sent_at=timezone.now(),
        )


@task()
def send_acknowledgement(report_id: int) -> None:
    """After the address was confirmed: the reference and the private tracking link; once."""
    with transaction.atomic():
        report = (
            DefectReport.objects.select_for_update(of=("self",))
            .select_related("category")
            .get(pk=report_id)
        )
        if not report.has_confirmed_email or report.acknowledgement_sent_at:
            return
        _send_to_reporter(
            report,
            "defect_reports/emails/acknowledgement.txt",
            {"tracking_url": report.tracking_url()},
            acknowledgement_sent_at=timezone.now(),
        )


@task()
def send_status_email(report_id: int) -> None:
    """Tell a reporter with a confirmed address that the status changed: in the language they
    reported in, once per status. An error of the mail server is raised, nothing is marked as
    sent, and django-q2 runs the task again."""
    with transaction.atomic():
        report = (
            DefectReport.objects.select_for_update(of=("self",))
            .select_related("category", "duplicate_of")
            .get(pk=report_id)
        )
        if not report.has_confirmed_email or report.status_notified == report.status:
            return
        answer = _public_answer(report)
        _send_to_reporter(
            report,
            "defect_reports/emails/status.txt",
            {
                "answer": answer.public_answer if answer else "",
                "tracking_url": report.tracking_url(),
            },
            status_notified=report.status,
        )


def _send_to_reporter(report: DefectReport, template: str, context: dict, **sent) -> None:
    """Send ``template`` to the reporter in the language they reported in, then record
    ``sent`` (field=value) in the same transaction, so that a retry never sends it again."""
    subject, body = render_email(template, {"report": report, **context}, report.language)
    EmailMessage(subject, body, None, [report.email]).send()
    for field, value in sent.items():
        setattr(report, field, value)
    report.save(update_fields=list(sent))


def _public_answer(report: DefectReport):
    """The latest public answer given since the report reached its present status (it may
    have been set more than once in a row, e.g. a second time with an internal note only)."""
    changes = report.status_changes.filter(status=report.status)
    before = report.status_changes.exclude(status=report.status).order_by("-pk").first()
    if before is not None:
        changes = changes.filter(pk__gt=before.pk)
    return changes.exclude(public_answer="").order_by("-pk").first()


# --- Emails to the department -------------------------------------------------------------


@task()
def send_department_notification(report_id: int) -> None:
    """Tell the responsible department about a new report, in the staff's language, with a
    link into the admin and without the reporter's contact data; once. Categories with a
    daily digest get none here: ``send_department_digests`` takes their reports."""
    with transaction.atomic():
        report = (
            DefectReport.objects.select_for_update(of=("self",))
            .select_related("category")
            .get(pk=report_id)
        )
        category = report.category
        if (
            report.department_notified_at
            or not category.department_email
            or category.department_digest
        ):
            return
        subject, body = render_email(
            "defect_reports/emails/department_report.txt",
            {"item": department_item(report)},
            settings.LANGUAGE_CODE,
        )
        EmailMessage(subject, body, None, [category.department_email]).send()
        report.department_notified_at = timezone.now()
        report.save(update_fields=["department_notified_at"])
    logger.info("Department %s told of report %s", category.department_email, report.reference)


class DigestNotSent(Exception):
    """Some departments' digests could not be sent (django-q2 runs the job again)."""


def send_department_digests() -> int:
    """Run daily by the queue's schedule: one email per department address with every report
    of its digest categories that the department has not been told of yet; those reports are
    then marked. Returns the number of digests sent. If a mail server error stops one digest,
    the others are still sent and the job raises at the end, so django-q2 tries again; what
    was sent is marked and not sent again."""
    addresses = {}
    for address in (
        pending_digest_reports().values_list("category__department_email", flat=True).distinct()
    ):
        key = address.strip().lower()  # one digest per mailbox, however it is spelt
        addresses[key] = min(addresses.get(key, address), address)
    sent, failed = 0, []
    for address in sorted(addresses.values(), key=str.lower):
        try:
            sent += _send_digest(address)
        except OSError:  # smtplib's errors, refused connections, timeouts
            logger.exception("The daily digest for %s could not be sent", address)
            failed.append(address)
    if failed:
        raise DigestNotSent(", ".join(failed))
    return sent


def pending_digest_reports():
    """Reports waiting for their department's daily digest."""
    return DefectReport.objects.filter(
        department_notified_at__isnull=True, category__department_digest=True
    ).exclude(category__department_email="")


def _send_digest(address: str) -> int:
    with transaction.atomic():
        ids = list(
            pending_digest_reports()
            .filter(category__department_email__iexact=address)
            .select_for_update(of=("self",))
            .values_list("pk", flat=True)
        )
        reports = list(
            DefectReport.objects.filter(pk__in=ids)
            .select_related("category")
            .prefetch_related("photos")
            .order_by("created_at", "pk")
        )
        if not reports:
            return 0
        subject, body = render_email(
            "defect_reports/emails/department_digest.txt",
            {"items": [department_item(report) for report in reports], "count": len(reports)},
            settings.LANGUAGE_CODE,
        )
        EmailMessage(subject, body, None, [address]).send()
        DefectReport.objects.filter(pk__in=ids).update(department_notified_at=timezone.now())
    logger.info("Daily digest with %d reports sent to %s", len(reports), address)
    return 1


def department_item(report: DefectReport) -> dict:
    """What the department's emails say about a report: never the reporter's contact data."""
    with translation.override(settings.LANGUAGE_CODE):
        category = report.category.localized  # the category's name in the staff's language
    return {
        "report": report,
        "category": category.name,
        "department": category.department,
        "coordinates": f"{report.latitude:.6f}, {report.longitude:.6f}",
        "photos": len(report.photos.all()),
        "admin_url": admin_url(report),
    }


def admin_url(report: DefectReport) -> str:
    """The report's processing page in Wagtail's admin."""
    return _absolute(reverse("defect_reports:edit", args=[report.pk]))


# --- Catching up --------------------------------------------------------------------------


def send_missed_notifications() -> int:
    """Run hourly by the queue's schedule: queue again the department notifications and status
    emails that are still unsent half an hour after they were due (a mail server that was down
    longer than django-q2's attempts, or a broker that does not hand a failed task out again).
    The tasks themselves make sure nothing is sent twice. Returns the number queued."""
    now = timezone.now()
    due = (now - MISSED_WITHIN, now - MISSED_AFTER)
    departments = (
        DefectReport.objects.filter(
            department_notified_at__isnull=True,
            created_at__range=due,
            category__department_digest=False,
        )
        .exclude(category__department_email="")
        .values_list("pk", flat=True)
    )
    statuses = (
        DefectReport.objects.filter(
            email_confirmed_at__isnull=False,
            status_changed_at__range=due,
            # Only changes made while the address was confirmed were meant to be told.
            status_changed_at__gt=F("email_confirmed_at"),
        )
        .exclude(email="")
        .exclude(status=DefectReport.Status.NEW)
        .exclude(status=F("status_notified"))
        .values_list("pk", flat=True)
    )
    queued = 0
    for report_id in departments:
        send_department_notification.enqueue(report_id)
        queued += 1
    for report_id in statuses:
        send_status_email.enqueue(report_id)
        queued += 1
    if queued:
        logger.warning("Queued %d missed defect report notifications again", queued)
    return queued


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
