"""Background work of the defect reporter, run by django-q2 after the report was committed:
thumbnails of the photos, and the emails to the reporter.

Each task looks at what was already done before doing it, so a retry does nothing twice. The
reporter's address gets a confirmation link first and nothing else until it is confirmed.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from home.emails import render_email

from . import photos
from .models import DefectPhoto, DefectReport


@task()
def make_thumbnails(report_id: int) -> None:
    """A small version of each photo of the report that has none yet."""
    for photo in DefectPhoto.objects.filter(report_id=report_id, thumbnail=""):
        with photo.image.open("rb") as source:
            content = photos.thumbnail(source.read())
        photo.thumbnail.save("thumb.jpg", ContentFile(content), save=False)
        DefectPhoto.objects.filter(pk=photo.pk).update(thumbnail=photo.thumbnail.name)


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
        subject, body = render_email(
            "defect_reports/emails/confirm_email.txt",
            {"report": report, "confirm_url": _absolute(path)},
            report.language,
        )
        EmailMessage(subject, body, None, [report.email]).send()
        report.confirmation_sent_at = timezone.now()
        report.save(update_fields=["confirmation_sent_at"])


@task()
def send_acknowledgement(report_id: int) -> None:
    """After the address was confirmed: the reference and the private tracking link; once."""
    with transaction.atomic():
        report = (
            DefectReport.objects.select_for_update().select_related("category").get(pk=report_id)
        )
        if not report.has_confirmed_email or report.acknowledgement_sent_at:
            return
        subject, body = render_email(
            "defect_reports/emails/acknowledgement.txt",
            {"report": report, "tracking_url": report.tracking_url()},
            report.language,
        )
        EmailMessage(subject, body, None, [report.email]).send()
        report.acknowledgement_sent_at = timezone.now()
        report.save(update_fields=["acknowledgement_sent_at"])


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@task()
def send_status_email(report_id: int) -> None:
    """Tell a reporter with a confirmed address that the status changed; once per status."""
    with transaction.atomic():
        report = (
            DefectReport.objects.select_for_update().select_related("category").get(pk=report_id)
        )
        if not report.has_confirmed_email or report.status_notified == report.status:
            return
        answer = report.status_changes.filter(status=report.status).order_by("-pk").first()
        subject, body = render_email(
            "defect_reports/emails/status.txt",
            {
                "report": report,
                "answer": answer.public_answer if answer else "",
                "tracking_url": report.tracking_url(),
            },
            report.language,
        )
        EmailMessage(subject, body, None, [report.email]).send()
        report.status_notified = report.status
        report.save(update_fields=["status_notified"])
