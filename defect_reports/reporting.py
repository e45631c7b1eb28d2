"""Taking a citizen's report in: drafts that keep what was typed and uploaded, the rate limit
per client address, and sending (one transaction, background work after commit)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import transaction
from django.utils import timezone

from . import photos
from .models import DefectPhoto, DefectReport, DefectReportDraft, DraftPhoto

EMAIL_CONFIRMATION_MAX_AGE = 7 * 24 * 3600
_signer = TimestampSigner(salt="defect_reports.email", sep=".")


# --- Drafts -------------------------------------------------------------------------------


def get_draft(token: str | None) -> DefectReportDraft | None:
    """The draft a form or review step refers to, if it exists and has not expired."""
    if not token or len(token) > 64:
        return None
    draft = DefectReportDraft.objects.filter(token=token).first()
    if draft is None or draft.created_at < timezone.now() - DefectReportDraft.LIFETIME:
        return None
    return draft


def add_draft_photo(draft: DefectReportDraft, upload) -> DraftPhoto:
    """Clean an upload (raises photos.PhotoError) and keep it in the draft."""
    if draft.photos.count() >= settings.DEFECT_REPORTS["MAX_PHOTOS"]:
        raise photos.PhotoError(too_many_photos_message())
    cleaned = photos.clean_photo(upload)
    return DraftPhoto.objects.create(
        draft=draft,
        image=cleaned.as_file(),
        width=cleaned.width,
        height=cleaned.height,
        latitude=cleaned.latitude,
        longitude=cleaned.longitude,
        original_name=(getattr(upload, "name", "") or "")[:200],
    )


def too_many_photos_message() -> str:
    from django.utils.translation import ngettext

    limit = settings.DEFECT_REPORTS["MAX_PHOTOS"]
    return ngettext(
        "You can add at most %(limit)d photo.",
        "You can add at most %(limit)d photos.",
        limit,
    ) % {"limit": limit}


def remove_draft_photo(draft: DefectReportDraft, photo_id) -> None:
    for photo in draft.photos.filter(pk=photo_id):
        photo.image.delete(save=False)
        photo.delete()


def delete_draft(draft: DefectReportDraft) -> None:
    """Remove a draft and its photo files (after sending, or when it expired)."""
    for photo in draft.photos.all():
        photo.image.delete(save=False)
    draft.delete()


def delete_expired_drafts() -> int:
    """Run by the queue's schedule: drafts older than a day and their photos go."""
    count = 0
    for draft in DefectReportDraft.expired():
        delete_draft(draft)
        count += 1
    return count


# --- Rate limit ---------------------------------------------------------------------------


def client_key(request) -> str:
    """A hash of the client's address: the rate limit needs no address in clear text. Behind
    PROXY_COUNT reverse proxies the address is the one the outermost proxy saw."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "PROXY_COUNT", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        address = forwarded[-proxies]
    return hashlib.sha256((settings.SECRET_KEY + address).encode()).hexdigest()[:32]


def count_this_hour(name: str) -> int:
    """Count one more of ``name`` in the cache for the current hour; returns the count."""
    key = f"{name}:{timezone.now():%Y%m%d%H}"
    if cache.add(key, 1, timeout=3600):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=3600)
        return 1


def over_limit(request, kind: str, per_hour: int) -> bool:
    """Count one more ``kind`` action for this client; True when it is over the hourly limit."""
    return count_this_hour(f"defects:rate:{kind}:{client_key(request)}") > per_hour


# --- Sending ------------------------------------------------------------------------------


def send_report(draft: DefectReportDraft) -> DefectReport:
    """Turn a reviewed draft into a report with its photos, in one transaction; emails and
    thumbnails are queued only after it committed. Sending the same draft twice (a double
    click) gives the report of the first time."""
    with transaction.atomic():
        draft = DefectReportDraft.objects.select_for_update().get(pk=draft.pk)
        if draft.data.get("sent_report"):
            return DefectReport.objects.get(token=draft.data["sent_report"])
        data = draft.data
        report = DefectReport.objects.create(
            category_id=data["category"],
            description=data["description"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            address=data.get("address", ""),
            language=draft.language,
            name=data.get("name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            answers=data.get("answers", {}),
        )
        report.status_changes.create(status=report.status)
        for order, draft_photo in enumerate(draft.photos.all()):
            with draft_photo.image.open("rb") as source:
                content = source.read()
            DefectPhoto.objects.create(
                report=report,
                image=ContentFile(content, name="photo.jpg"),
                width=draft_photo.width,
                height=draft_photo.height,
                sort_order=order,
                # Shown only after staff looked at it (and blacked out faces or plates).
                is_public=False,
            )
        # The draft keeps only the report's key (for a second click) until the daily cleanup.
        for draft_photo in draft.photos.all():
            draft_photo.image.delete(save=False)
            draft_photo.delete()
        draft.data = {"sent_report": report.token}
        draft.save(update_fields=["data"])
        transaction.on_commit(lambda: _after_sending(report.pk))
    return report


def _after_sending(report_id: int) -> None:
    """Background work for a committed report: thumbnails, the reporter's confirmation email
    and the department's notification (which waits for the daily digest if its category
    asks for one)."""
    from .tasks import make_thumbnails, send_confirmation_email, send_department_notification

    make_thumbnails.enqueue(report_id)
    send_confirmation_email.enqueue(report_id)
    send_department_notification.enqueue(report_id)


# --- Email confirmation (double opt-in) ---------------------------------------------------


def confirmation_code(report: DefectReport) -> str:
    """The signed code of the confirmation link: names the report, fits only its address,
    and holds no key to the report's private page."""
    return _signer.sign(f"{report.pk}-{_email_digest(report.email)}")


def confirm_email(code: str) -> DefectReport | None:
    """Mark the address confirmed when the code fits and is at most 7 days old; the report,
    or None for a code that does not fit."""
    try:
        value = _signer.unsign(code[:200], max_age=EMAIL_CONFIRMATION_MAX_AGE)
        report_id, digest = value.split("-", 1)
        report = DefectReport.objects.get(pk=int(report_id))
    except (BadSignature, SignatureExpired, ValueError, DefectReport.DoesNotExist):
        return None
    if not report.email or _email_digest(report.email) != digest:
        return None
    if not report.email_confirmed_at:
        report.email_confirmed_at = timezone.now()
        report.save(update_fields=["email_confirmed_at", "updated_at"])
        from .tasks import send_acknowledgement

        transaction.on_commit(lambda: send_acknowledgement.enqueue(report.pk))
    return report


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]
