"""Background work of the services catalog: the emails about submissions of the town's forms.

Each task looks at what was already sent before sending, so a retry sends nothing twice.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from home.emails import render_email

from .models import OnlineFormSubmission


@task()
def send_submission_emails(submission_id: int) -> None:
    """Send a new submission to the form's staff addresses and its confirmation (reference and
    status link) to the sender."""
    submission = OnlineFormSubmission.objects.select_related("page").get(pk=submission_id)
    form_page = submission.page.specific
    now = timezone.now()
    if form_page.to_address and not submission.staff_notified_at:
        with translation.override(settings.LANGUAGE_CODE):
            subject = form_page.subject or form_page.title
            lines = [f"{label}: {value}" for label, value in _labelled_data(form_page, submission)]
            body = "\n".join(lines) + "\n"
        EmailMessage(
            f"{subject} [{submission.reference}]",
            body,
            form_page.from_address or None,
            [address.strip() for address in form_page.to_address.split(",") if address.strip()],
        ).send()
        OnlineFormSubmission.objects.filter(pk=submission.pk).update(staff_notified_at=now)
    if submission.email and not submission.confirmation_sent_at:
        subject, body = render_email(
            "services_catalog/emails/confirmation.txt",
            {"submission": submission, "form_page": form_page},
            submission.language,
        )
        EmailMessage(subject, body, form_page.from_address or None, [submission.email]).send()
        OnlineFormSubmission.objects.filter(pk=submission.pk).update(confirmation_sent_at=now)


@task()
def send_status_email(submission_id: int) -> None:
    """Tell the sender that their submission's status changed (once per status)."""
    with transaction.atomic():
        submission = (
            OnlineFormSubmission.objects.select_for_update()
            .select_related("page")
            .get(pk=submission_id)
        )
        if not submission.email or submission.status_notified == submission.status:
            return
        subject, body = render_email(
            "services_catalog/emails/status.txt",
            {"submission": submission, "form_page": submission.page.specific},
            submission.language,
        )
        EmailMessage(
            subject, body, submission.page.specific.from_address or None, [submission.email]
        ).send()
        submission.status_notified = submission.status
        submission.save(update_fields=["status_notified"])


def _labelled_data(form_page, submission):
    labels = dict(form_page.get_data_fields())
    for name, value in submission.get_data().items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        yield str(labels.get(name, name)), value


@task()
def index_services(page_ids: list) -> None:
    """Add imported service pages to every search backend in one bulk request each."""
    from modelsearch.backends import get_search_backends

    from .models import ServicePage

    pages = list(ServicePage.get_indexed_objects().filter(pk__in=page_ids))
    if not pages:
        return
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(ServicePage, pages)
