"""Notifications of the defect reporter, with the real queue: the department's email for each
new report (or its daily digest, sent by django-q2's scheduler), the citizen's status emails in
their language and only to a confirmed address, never anything twice, a mail server that
fails (a real SMTP connection to a closed port) and django-q2 trying again, the hourly job that
catches up on what is still unsent, and demo content that mails nobody."""

import io
import re
import socket
from contextlib import contextmanager
from datetime import timedelta
from multiprocessing import Event, Queue, Value

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import OrmQ, Schedule
from django_q.models import Task as QueueTask
from django_q.monitor import monitor
from django_q.pusher import pusher
from django_q.scheduler import scheduler
from django_q.worker import worker

from defect_reports import demo, reporting, tasks
from defect_reports.models import DefectCategory, DefectPhoto, DefectReport
from rathaus.jobs import SCHEDULES

from .conftest import form_data, upload
from .photo_files import MARKTPLATZ

pytestmark = pytest.mark.django_db

ERIKA = {"name": "Erika Geheimname", "email": "erika.geheim@example.org", "phone": "0171 5550199"}


def new_report(category, **fields):
    fields.setdefault("description", "Prüfmeldung: Laterne aus.")
    fields.setdefault("address", "Marktplatz 1")
    fields.setdefault("language", category.locale.language_code)
    return DefectReport.objects.create(
        category=category, latitude=MARKTPLATZ[0], longitude=MARKTPLATZ[1], **fields
    )


def sent(category, callbacks, **fields):
    """A report as sending it leaves it: committed, then its background work queued."""
    report = new_report(category, **fields)
    with callbacks(execute=True):
        transaction.on_commit(lambda: reporting._after_sending(report.pk))
    return report


def to(address):
    """The emails sent to ``address`` (spelt in any case)."""
    return [
        message
        for message in mail.outbox
        if [recipient.lower() for recipient in message.to] == [address.lower()]
    ]


def category(code, language="de"):
    return DefectCategory.objects.get(locale__language_code=language, code=code)


def set_department(code, email, digest):
    """What staff set on a category; the translations share it (wagtail-localize syncs it)."""
    DefectCategory.objects.filter(code=code).update(
        department_email=email, department_digest=digest
    )


@pytest.fixture
def mail_server_down(settings):
    """The real SMTP backend, pointed at a port on this machine where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return settings


def mail_server_back(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def run_scheduled(name, callbacks):
    """Let django-q2's scheduler run the job ``name`` (and nothing else) now."""
    assert Schedule.objects.get(name=name).func == SCHEDULES[name][0]
    Schedule.objects.update(next_run=timezone.now() + timedelta(hours=1))
    Schedule.objects.filter(name=name).update(next_run=timezone.now() - timedelta(seconds=1))
    with callbacks(execute=True):
        scheduler(broker=get_broker())


# --- The department -----------------------------------------------------------------------


def test_a_new_report_is_sent_to_its_department_once_without_personal_data(
    client, reporter_de, pothole_de, django_capture_on_commit_callbacks
):
    pothole_de.department_email = "tiefbau@musterstadt.example"
    pothole_de.save()
    data = form_data(pothole_de, **ERIKA, photos=[upload("IMG_1.jpg")])
    token = re.search(r"/pruefen/([^/]+)/$", client.post(reporter_de.url, data)["Location"])[1]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reporter_de.url + f"pruefen/{token}/", {"action": "send"})
    report = DefectReport.objects.get(description__startswith="Testmeldung 4711")

    [email] = to("tiefbau@musterstadt.example")
    text = email.subject + "\n" + email.body
    assert report.reference in email.subject and pothole_de.name in email.subject
    assert report.description in email.body
    assert report.address and report.address in email.body
    assert f"{MARKTPLATZ[0]:.6f}, {MARKTPLATZ[1]:.6f}" in email.body
    assert re.search(r": 1\n", email.body)  # one photo
    assert "Neu" in email.body  # the status, in the staff's language
    admin_path = f"/admin/defect-reports/edit/{report.pk}/"
    assert reverse("defect_reports:edit", args=[report.pk]) == admin_path
    assert settings.WAGTAILADMIN_BASE_URL.rstrip("/") + admin_path in email.body
    for value in ERIKA.values():
        assert value not in text
    assert report.tracking_path() not in text  # nor the reporter's private link
    report.refresh_from_db()
    assert report.department_notified_at is not None

    # Queued again, or run again as a retry after a crash would: nothing more is sent.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_department_notification.enqueue(report.pk)
    tasks.send_department_notification.call(report.pk)
    assert len(to("tiefbau@musterstadt.example")) == 1


def test_the_department_reads_an_english_report_in_german(en, django_capture_on_commit_callbacks):
    set_department("strassenbeleuchtung", "licht@musterstadt.example", digest=False)
    report = sent(category("strassenbeleuchtung", "en"), django_capture_on_commit_callbacks)
    [email] = to("licht@musterstadt.example")
    german = category("strassenbeleuchtung").name
    assert german != category("strassenbeleuchtung", "en").name
    assert german in email.subject and report.reference in email.subject
    assert "Neu" in email.body


def test_a_category_without_an_address_sends_nothing(
    pothole_de, django_capture_on_commit_callbacks
):
    set_department("schlagloch", "", digest=False)
    report = sent(pothole_de, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    report.refresh_from_db()
    assert report.department_notified_at is None


def test_digest_departments_get_one_email_a_day_with_all_their_new_reports(
    django_capture_on_commit_callbacks,
):
    set_department("schlagloch", "strassen@musterstadt.example", digest=True)
    set_department("gehweg", "Strassen@Musterstadt.example", digest=True)
    set_department("graffiti", "ordnung@musterstadt.example", digest=True)
    set_department("sitzbank", "bauhof@musterstadt.example", digest=False)
    callbacks = django_capture_on_commit_callbacks
    streets = [
        sent(category("schlagloch"), callbacks),
        sent(category("schlagloch", "en"), callbacks, description="Deep pothole."),
        sent(category("gehweg"), callbacks),
    ]
    graffiti = sent(category("graffiti"), callbacks)
    bench = sent(category("sitzbank"), callbacks)
    # No email per report for digest categories; the others get theirs at once.
    assert [message.to for message in mail.outbox] == [["bauhof@musterstadt.example"]]

    run_scheduled("send_department_digests", callbacks)

    [digest] = to("strassen@musterstadt.example")  # both spellings of the address: one email
    assert "3" in digest.subject
    for report in streets:
        assert report.reference in digest.body and report.description in digest.body
    assert graffiti.reference not in digest.body and bench.reference not in digest.body
    assert category("schlagloch").name in digest.body  # the English report's, in German
    [other] = to("ordnung@musterstadt.example")
    assert graffiti.reference in other.body
    assert len(mail.outbox) == 3
    for report in [*streets, graffiti]:
        report.refresh_from_db()
        assert report.department_notified_at is not None

    # The next day: only what came in since.
    later = sent(category("gehweg"), callbacks)
    run_scheduled("send_department_digests", callbacks)
    assert len(mail.outbox) == 4
    assert later.reference in mail.outbox[-1].body
    assert streets[0].reference not in mail.outbox[-1].body
    run_scheduled("send_department_digests", callbacks)
    assert len(mail.outbox) == 4


def test_a_digest_that_could_not_be_sent_is_sent_on_the_next_attempt(
    mail_server_down, django_capture_on_commit_callbacks
):
    set_department("graffiti", "ordnung@musterstadt.example", digest=True)
    report = sent(category("graffiti"), django_capture_on_commit_callbacks)
    with pytest.raises(tasks.DigestNotSent):
        tasks.send_department_digests()
    report.refresh_from_db()
    assert report.department_notified_at is None

    mail_server_back(mail_server_down)
    assert tasks.send_department_digests() == 1
    assert tasks.send_department_digests() == 0
    assert len(to("ordnung@musterstadt.example")) == 1


# --- The citizen --------------------------------------------------------------------------


def confirmed(category, **fields):
    return new_report(category, **ERIKA, email_confirmed_at=timezone.now(), **fields)


def test_status_emails_go_only_to_a_confirmed_address(
    pothole_de, django_capture_on_commit_callbacks
):
    report = new_report(pothole_de, **ERIKA)
    with django_capture_on_commit_callbacks(execute=True):
        report.set_status(DefectReport.Status.IN_PROGRESS)
    tasks.send_status_email.call(report.pk)
    assert mail.outbox == []

    report.email_confirmed_at = timezone.now()
    report.save()
    with django_capture_on_commit_callbacks(execute=True):
        report.set_status(DefectReport.Status.RESOLVED, public_answer="Das Loch ist zu.")
    [email] = mail.outbox
    assert email.to == [ERIKA["email"]]
    assert "Erledigt" in email.subject
    assert "Das Loch ist zu." in email.body and report.tracking_url() in email.body


def test_the_status_email_of_an_english_report_is_english_and_sent_once_per_status(
    en, django_capture_on_commit_callbacks
):
    lamp = category("strassenbeleuchtung", "en")
    report = confirmed(lamp)
    with django_capture_on_commit_callbacks(execute=True):
        report.set_status(DefectReport.Status.IN_PROGRESS, public_answer="We are on it.")
        report.set_status(DefectReport.Status.IN_PROGRESS, internal_note="second step")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_status_email.enqueue(report.pk)
    tasks.send_status_email.call(report.pk)
    [email] = mail.outbox
    assert email.subject == f"Your report {report.reference}: In progress"
    assert f"“{lamp.name}” is now: In progress" in email.body
    assert "We are on it." in email.body and "second step" not in email.body
    assert "/en/report/" in email.body

    with django_capture_on_commit_callbacks(execute=True):
        report.set_status(DefectReport.Status.FORWARDED, public_answer="Not ours.")
    assert len(mail.outbox) == 2
    assert "Forwarded to another authority" in mail.outbox[1].subject


# --- Failures: django-q2 tries again, and the hourly job catches up -----------------------


class OrmQueue:
    """django-q2 as it runs under ``manage.py qcluster`` with its default ORM broker: tasks
    wait in the broker, a worker takes them out, the monitor saves the result and acknowledges
    only what succeeded; what failed is handed out again after Q_CLUSTER["retry"] seconds."""

    def __init__(self, monkeypatch, callbacks):
        self.monkeypatch, self.callbacks = monkeypatch, callbacks
        monkeypatch.setattr(Conf, "BROKER_CLASS", "django_q.brokers.orm.ORM")
        self.broker = get_broker()

    @contextmanager
    def queueing(self):
        """Tasks queued inside (after the commit) go into the broker instead of running."""
        self.monkeypatch.setattr(Conf, "SYNC", False)
        try:
            with self.callbacks(execute=True):
                yield
        finally:
            # The worker below then keeps the test's database connection open.
            self.monkeypatch.setattr(Conf, "SYNC", True)

    def waiting(self):
        return OrmQ.objects.filter(key=self.broker.list_key)

    def waiting_for(self, name):
        """How many of the waiting tasks are the django-tasks task ``name`` of ours."""
        paths = [package.task["args"][0] for package in self.waiting() if package.task["args"]]
        return paths.count(f"defect_reports.tasks.{name}")

    def work(self):
        """One round of the cluster: pusher, worker and monitor over what is due now."""
        stop = Event()
        stop.set()
        task_queue, result_queue = Queue(), Queue()
        while self.broker.queue_size():
            pusher(task_queue, stop, broker=self.broker)
        task_queue.put("STOP")
        worker(task_queue, result_queue, Value("f", -1))
        result_queue.put("STOP")
        monitor(result_queue, self.broker)

    def wait(self, seconds):
        """Move the broker's clock: the locks of handed-out tasks run out ``seconds`` sooner."""
        for package in self.waiting():
            package.lock -= timedelta(seconds=seconds)
            package.save()


@pytest.fixture
def orm_queue(monkeypatch, django_capture_on_commit_callbacks):
    return OrmQueue(monkeypatch, django_capture_on_commit_callbacks)


def test_a_status_email_the_mail_server_refused_is_sent_when_django_q2_retries(
    en, mail_server_down, orm_queue
):
    report = confirmed(category("strassenbeleuchtung", "en"))
    with orm_queue.queueing():
        report.set_status(DefectReport.Status.RESOLVED, public_answer="Repaired.")
    assert orm_queue.waiting_for("send_status_email") == 1

    orm_queue.work()  # the SMTP connection is refused: the task fails
    assert mail.outbox == []
    report.refresh_from_db()
    assert report.status_notified != DefectReport.Status.RESOLVED
    failure = QueueTask.objects.get(success=False)
    assert "send_status_email" in str(failure.args) and failure.attempt_count == 1
    assert "Connection refused" in failure.result or "Errno" in failure.result
    # Not acknowledged: it will be handed out again (Wagtail's own task went through).
    assert orm_queue.waiting_for("send_status_email") == orm_queue.waiting().count() == 1
    orm_queue.work()
    assert mail.outbox == []  # ... but not before the retry time

    mail_server_back(mail_server_down)
    orm_queue.wait(settings.Q_CLUSTER["retry"])
    orm_queue.work()
    [email] = mail.outbox
    assert email.subject == f"Your report {report.reference}: Resolved"
    assert "Repaired." in email.body
    assert orm_queue.waiting().count() == 0  # acknowledged
    report.refresh_from_db()
    assert report.status_notified == DefectReport.Status.RESOLVED
    assert settings.Q_CLUSTER["max_attempts"] > 1

    tasks.send_status_email.call(report.pk)
    assert len(mail.outbox) == 1


def test_the_department_email_is_retried_the_same_way(mail_server_down, orm_queue, pothole_de):
    pothole_de.department_email = "tiefbau@musterstadt.example"
    pothole_de.save()
    report = new_report(pothole_de)
    with orm_queue.queueing():
        tasks.send_department_notification.enqueue(report.pk)
    orm_queue.work()
    assert mail.outbox == []
    mail_server_back(mail_server_down)
    orm_queue.wait(settings.Q_CLUSTER["retry"])
    orm_queue.work()
    assert len(to("tiefbau@musterstadt.example")) == 1
    assert orm_queue.waiting().count() == 0


def test_the_hourly_job_sends_what_is_still_unsent(
    en, mail_server_down, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    set_department("strassenbeleuchtung", "licht@musterstadt.example", digest=False)
    report = sent(category("strassenbeleuchtung", "en"), callbacks, **ERIKA)
    report.email_confirmed_at = timezone.now()
    report.save()
    with callbacks(execute=True):
        report.set_status(DefectReport.Status.IN_PROGRESS)
    assert mail.outbox == []  # every attempt failed (here: the only one)

    mail_server_back(mail_server_down)
    run_scheduled("send_missed_report_notifications", callbacks)
    assert mail.outbox == []  # too early: django-q2 may still be retrying

    hour_ago = timezone.now() - timedelta(hours=1)
    DefectReport.objects.filter(pk=report.pk).update(
        created_at=hour_ago - timedelta(minutes=10),
        email_confirmed_at=hour_ago - timedelta(minutes=5),
        status_changed_at=hour_ago,
    )
    run_scheduled("send_missed_report_notifications", callbacks)
    assert len(to("licht@musterstadt.example")) == 1
    [status] = to(ERIKA["email"])
    assert "In progress" in status.subject

    run_scheduled("send_missed_report_notifications", callbacks)
    assert len(mail.outbox) == 2


def test_the_hourly_job_leaves_alone_what_was_never_meant_to_be_sent(pothole_de):
    old = timezone.now() - timedelta(hours=2)
    # Status changed before the address was confirmed; an anonymous report; a digest category.
    report = new_report(pothole_de, **ERIKA, status="in_progress", department_notified_at=old)
    DefectReport.objects.filter(pk=report.pk).update(
        created_at=old, status_changed_at=old, email_confirmed_at=old + timedelta(minutes=5)
    )
    set_department("graffiti", "ordnung@musterstadt.example", digest=True)
    new_report(category("graffiti"), created_at=old)
    assert tasks.send_missed_notifications() == 0


# --- Demo content -------------------------------------------------------------------------


def test_seeding_the_demo_mails_nobody(django_capture_on_commit_callbacks):
    seeded = DefectReport.objects.count()
    DefectPhoto.objects.all().delete()
    DefectReport.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            demo.seed(io.StringIO())
    reports = DefectReport.objects.all()
    assert reports.count() == seeded
    assert reports.exclude(email="").filter(email_confirmed_at__isnull=False).exists()
    assert not reports.filter(department_notified_at__isnull=True).exists()
    for report in reports.exclude(email_confirmed_at=None):
        assert report.status_notified == report.status
    assert mail.outbox == []

    # Nor do the scheduled jobs, even with every department on a daily digest.
    DefectCategory.objects.update(department_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_department_digests() == 0
        assert tasks.send_missed_notifications() == 0
    assert mail.outbox == []


def test_only_a_new_status_is_emailed(pothole_de, django_capture_on_commit_callbacks):
    """A note on a new report, or another step in the same status, sends the reporter
    nothing; the next status does."""
    report = confirmed(pothole_de)
    with django_capture_on_commit_callbacks(execute=True):
        report.set_status(DefectReport.Status.NEW, internal_note="Bauhof fragen")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        report.set_status(DefectReport.Status.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        report.set_status(DefectReport.Status.IN_PROGRESS, internal_note="Material bestellt")
    report.refresh_from_db()
    report.status_notified = ""  # even if the marker were lost, no new status: no email
    report.save()
    with django_capture_on_commit_callbacks(execute=True):
        report.set_status(DefectReport.Status.IN_PROGRESS, internal_note="Termin steht")
    assert [email.to for email in mail.outbox] == [[ERIKA["email"]]]
