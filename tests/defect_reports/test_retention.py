"""Retention of the defect reporter's personal data, with the clock moved forward: reports
closed (or sent) longer ago than a period lose exactly what the period says, and reports a
moment younger lose nothing; running it again removes nothing more; the periods are settings;
``manage.py apply_retention --dry-run`` shows what would go; django-q2's scheduler runs it."""

import io
import logging
import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Schedule
from django_q.scheduler import scheduler
from PIL import Image

from defect_reports import reporting, retention
from defect_reports.models import DefectPhoto, DefectReport, DefectReportDraft
from rathaus.jobs import SCHEDULES

from .photo_files import MARKTPLATZ, photo

pytestmark = pytest.mark.django_db

ERIKA = {"name": "Erika Geheimname", "email": "erika.geheim@example.org", "phone": "0171 5550199"}
NOTHING = dict.fromkeys(retention.STEPS, 0)
HOUR = timedelta(hours=1)


def days(count):
    return timedelta(days=count)


def black_jpeg():
    output = io.BytesIO()
    Image.new("RGB", (1200, 900), (0, 0, 0)).save(output, "JPEG")
    return output.getvalue()


ORIGINAL = photo(xmp=False)
REDACTED = black_jpeg()


@pytest.fixture(autouse=True)
def nothing_else_due():
    """Whatever of the demo content is already due goes first, so each test sees only its own
    reports being removed."""
    retention.apply_retention()
    assert retention.apply_retention(dry_run=True) == NOTHING


def report(pothole, *, closed_ago=None, created_ago=None, released=False, **fields):
    """A report, closed ``closed_ago`` before now (through set_status, then moved back)."""
    item = DefectReport.objects.create(
        category=pothole,
        description="Prüfmeldung: Loch in der Fahrbahn.",
        address="Marktplatz 1",
        latitude=MARKTPLATZ[0],
        longitude=MARKTPLATZ[1],
        **fields,
    )
    if released:
        item.release()
    if closed_ago is not None:
        item.set_status(DefectReport.Status.RESOLVED, public_answer="Erledigt.")
    moved = {}
    if closed_ago is not None:
        moved["closed_at"] = timezone.now() - closed_ago
    if created_ago is not None:
        moved["created_at"] = timezone.now() - created_ago
    DefectReport.objects.filter(pk=item.pk).update(**moved)
    item.refresh_from_db()
    return item


def add_photo(item, *, is_public=True, redacted=False):
    return DefectPhoto.objects.create(
        report=item,
        image=ContentFile(ORIGINAL, "photo.jpg"),
        thumbnail=ContentFile(ORIGINAL[:2000], "thumb.jpg"),
        redacted=ContentFile(REDACTED, "photo.jpg") if redacted else "",
        redactions=[[100, 100, 200, 120]] if redacted else [],
        is_public=is_public,
    )


def files(item):
    return [field.path for field in (item.image, item.thumbnail, item.redacted) if field]


def contact(item):
    item.refresh_from_db()
    return {
        "name": item.name,
        "email": item.email,
        "phone": item.phone,
        "confirmed": item.email_confirmed_at is not None,
        "removed": item.personal_data_removed_at,
    }


def test_the_default_periods(settings):
    assert settings.DEFECT_RETENTION == {
        "PERSONAL_DATA_DAYS": 90,
        "UNRELEASED_PHOTOS_DAYS": 90,
        "UNCONFIRMED_EMAIL_DAYS": 7,
    }


# --- Contact data -------------------------------------------------------------------------


def test_contact_data_goes_90_days_after_closing_and_not_a_moment_before(pothole_de):
    confirmed = {**ERIKA, "email_confirmed_at": timezone.now() - days(200)}
    due = report(pothole_de, closed_ago=days(90) + HOUR, released=True, **confirmed)
    not_yet = report(pothole_de, closed_ago=days(90) - HOUR, **confirmed)
    still_open = report(pothole_de, created_ago=days(400), **confirmed)
    anonymous = report(pothole_de, closed_ago=days(200))
    kept = {item.pk: contact(item) for item in (not_yet, still_open, anonymous)}

    assert retention.apply_retention() == {**NOTHING, "personal_data": 1}

    after = contact(due)
    assert after == {**after, "name": "", "email": "", "phone": "", "confirmed": False}
    assert after["removed"] is not None
    due.refresh_from_db()
    # The report itself stays, with its public content and history.
    assert due.description.startswith("Prüfmeldung") and due.address == "Marktplatz 1"
    assert due.status == "resolved" and due.released and due.status_changes.count() == 2
    for item in (not_yet, still_open, anonymous):
        assert contact(item) == kept[item.pk]

    # Again: nothing more, and the date of the removal stays.
    assert retention.apply_retention() == NOTHING
    assert contact(due) == after

    # Two hours later the second report is due as well.
    DefectReport.objects.filter(pk=not_yet.pk).update(closed_at=not_yet.closed_at - 2 * HOUR)
    assert retention.apply_retention() == {**NOTHING, "personal_data": 1}
    assert contact(not_yet)["email"] == "" and contact(not_yet)["removed"] is not None
    assert contact(still_open) == kept[still_open.pk]


def test_an_unconfirmed_address_goes_after_7_days(pothole_de):
    old = report(pothole_de, created_ago=days(7) + HOUR, **ERIKA)
    young = report(pothole_de, created_ago=days(7) - HOUR, **ERIKA)
    confirmed = report(
        pothole_de, created_ago=days(30), email_confirmed_at=timezone.now() - days(29), **ERIKA
    )
    code = reporting.confirmation_code(old)

    assert retention.apply_retention() == {**NOTHING, "unconfirmed_emails": 1}

    assert contact(old) == {
        "name": ERIKA["name"],  # only the address goes: staff may still call back
        "email": "",
        "phone": ERIKA["phone"],
        "confirmed": False,
        "removed": None,
    }
    assert contact(young)["email"] == contact(confirmed)["email"] == ERIKA["email"]
    assert reporting.confirm_email(code) is None
    assert retention.apply_retention() == NOTHING


# --- Photos -------------------------------------------------------------------------------


def test_photos_that_were_never_public_go_90_days_after_closing(client, pothole_de):
    never_released = report(pothole_de, closed_ago=days(90) + HOUR)
    unreleased_photo = add_photo(never_released)
    released = report(pothole_de, closed_ago=days(90) + HOUR, released=True)
    hidden = add_photo(released, is_public=False, redacted=True)
    public = add_photo(released)
    blacked_out = add_photo(released, redacted=True)
    # A moment younger, or still open: everything stays.
    not_yet = report(pothole_de, closed_ago=days(90) - HOUR, released=True)
    open_report = report(pothole_de, created_ago=days(400))
    untouched = [
        add_photo(not_yet, is_public=False),
        add_photo(not_yet, redacted=True),
        add_photo(open_report),
        public,
    ]
    gone = [unreleased_photo, hidden]
    gone_files = [path for item in gone for path in files(item)]
    original_files = [blacked_out.image.path, blacked_out.thumbnail.path]
    before = {item.pk: (item.image.name, item.thumbnail.name, files(item)) for item in untouched}

    assert retention.apply_retention() == {
        **NOTHING,
        "photos_deleted": 2,
        "originals_replaced": 1,
    }

    assert not DefectPhoto.objects.filter(pk__in=[item.pk for item in gone]).exists()
    assert gone_files and not any(os.path.exists(path) for path in gone_files)
    for item in untouched:
        item.refresh_from_db()
        assert (item.image.name, item.thumbnail.name, files(item)) == before[item.pk]
        assert all(os.path.exists(path) for path in files(item))

    # The blacked-out version is now the photo; the original and its thumbnail are gone.
    blacked_out.refresh_from_db()
    assert blacked_out.image.name == blacked_out.redacted.name
    with blacked_out.image.open("rb") as stored:
        assert stored.read() == REDACTED
    assert not any(os.path.exists(path) for path in original_files)
    assert os.path.exists(blacked_out.thumbnail.path)
    with Image.open(blacked_out.thumbnail.path) as thumbnail:
        assert thumbnail.getpixel((10, 10)) == (0, 0, 0)
    served = client.get(f"/defect-photos/{blacked_out.pk}/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == REDACTED

    assert retention.apply_retention() == NOTHING
    blacked_out.refresh_from_db()
    assert os.path.exists(blacked_out.image.path)


# --- Periods, the command, the log and the schedule ---------------------------------------


def test_the_periods_are_settings(settings, pothole_de):
    settings.DEFECT_RETENTION = {
        "PERSONAL_DATA_DAYS": 30,
        "UNRELEASED_PHOTOS_DAYS": 10,
        "UNCONFIRMED_EMAIL_DAYS": 2,
    }
    photos_only = report(pothole_de, closed_ago=days(10) + HOUR)
    add_photo(photos_only)
    add_photo(report(pothole_de, closed_ago=days(10) - HOUR))
    contact_too = report(pothole_de, closed_ago=days(30) + HOUR, **ERIKA)
    report(pothole_de, closed_ago=days(30) - HOUR, **ERIKA)
    report(pothole_de, created_ago=days(2) + HOUR, email="neu@example.org")
    report(pothole_de, created_ago=days(2) - HOUR, email="neuer@example.org")

    assert retention.apply_retention() == {
        **NOTHING,
        "personal_data": 1,
        "unconfirmed_emails": 1,
        "photos_deleted": 1,
    }
    assert contact(contact_too)["phone"] == ""
    assert not photos_only.photos.exists()


def test_the_command_shows_what_it_would_remove_and_then_removes_it(pothole_de, caplog):
    due = report(pothole_de, closed_ago=days(100), **ERIKA)
    add_photo(due)
    DefectReportDraft.objects.create(created_at=timezone.now() - days(2))

    out = io.StringIO()
    call_command("apply_retention", "--dry-run", verbosity=2, stdout=out)
    shown = out.getvalue()
    assert "Would remove contact data of 1 closed report(s)." in shown
    assert "Would remove 1 photo(s) that were never public." in shown
    assert "Would remove 1 expired draft(s)." in shown
    assert "Would remove 0 unconfirmed email address(es)." in shown
    assert due.reference in shown
    assert "contact data 90 days" in shown and "Dry run: nothing was changed." in shown
    assert ERIKA["email"] not in shown
    assert contact(due)["email"] == ERIKA["email"] and due.photos.count() == 1

    out = io.StringIO()
    with caplog.at_level(logging.INFO, logger="rathaus.retention"):
        call_command("apply_retention", stdout=out)
    assert "Removed contact data of 1 closed report(s)." in out.getvalue()
    assert contact(due)["email"] == "" and not due.photos.exists()
    [record] = [r for r in caplog.records if r.name == "rathaus.retention"]
    assert "personal data removed from 1 reports" in record.getMessage()
    assert "1 unreleased photos deleted" in record.getMessage()
    assert "1 expired drafts deleted" in record.getMessage()
    assert ERIKA["email"] not in record.getMessage()


def test_django_q2s_scheduler_applies_the_retention_every_day(pothole_de):
    assert SCHEDULES["apply_defect_retention"] == (
        "defect_reports.retention.apply_retention",
        24 * 60,
    )
    schedule = Schedule.objects.get(name="apply_defect_retention")
    assert schedule.func == "defect_reports.retention.apply_retention"
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes == 24 * 60

    due = report(pothole_de, closed_ago=days(91), **ERIKA)
    unconfirmed = report(pothole_de, created_ago=days(8), email="alt@example.org")
    not_yet = report(pothole_de, closed_ago=days(89), **ERIKA)
    # Only this job is due, so whatever happens is its doing.
    Schedule.objects.update(next_run=timezone.now() + timedelta(hours=1))
    Schedule.objects.filter(name="apply_defect_retention").update(
        next_run=timezone.now() - timedelta(seconds=1)
    )
    scheduler(broker=get_broker())

    assert contact(due)["email"] == "" and contact(due)["removed"] is not None
    assert contact(unconfirmed)["email"] == ""
    assert contact(not_yet)["email"] == ERIKA["email"]
    schedule.refresh_from_db()
    assert schedule.next_run > timezone.now()


def test_failed_email_tasks_are_deleted_after_the_unconfirmed_email_period():
    """django-q2 keeps failed tasks with their error, which can name a recipient."""
    from django_q.models import Task

    from defect_reports.retention import apply_retention

    def failed(name, days_ago, task_path):
        stopped = timezone.now() - timedelta(days=days_ago)
        return Task.objects.create(
            id=name,
            name=name,
            func="rathaus.tasks.run_django_task",
            args=(task_path, [1], {}),
            kwargs={},
            started=stopped,
            stopped=stopped,
            success=False,
            result="SMTPRecipientsRefused: {'bert@example.org': (550, b'no')}",
        )

    old = failed("a" * 32, 8, "defect_reports.tasks.send_status_email")
    recent = failed("b" * 32, 2, "defect_reports.tasks.send_status_email")
    other_app = failed("c" * 32, 30, "services_catalog.tasks.send_status_email")
    assert apply_retention(dry_run=True)["failed_tasks"] == 1
    apply_retention()
    left = set(Task.objects.values_list("id", flat=True))
    assert old.id not in left and {recent.id, other_app.id} <= left
