"""Background work: Wagtail's own tasks pass through django-q2 after the commit, and the
schedule publishes pages whose go-live time has passed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Schedule
from django_q.scheduler import scheduler
from django_q.signals import pre_enqueue, pre_execute
from django_q.signing import SignedPackage

from home.models import StandardPage
from rathaus.jobs import SCHEDULES, ensure_schedules
from rathaus.search import search_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def executed_tasks():
    """The django-tasks task paths that django-q2's worker code ran."""
    names = []

    def record(sender, task, **kwargs):
        if task["func"].__name__ == "run_django_task":
            names.append(task["args"][0])

    pre_execute.connect(record, dispatch_uid="test-record")
    yield names
    pre_execute.disconnect(dispatch_uid="test-record")


def test_publishing_hands_wagtails_index_tasks_to_django_q(
    home_de, executed_tasks, django_capture_on_commit_callbacks, de
):
    with django_capture_on_commit_callbacks(execute=True):
        page = StandardPage(title="Wertstoffhof Öffnungszeiten", slug="wertstoffhof")
        home_de.add_child(instance=page)
        page.save_revision().publish()
    assert "modelsearch.tasks.insert_or_update_object_task" in executed_tasks
    assert "wagtail.tasks.update_reference_index_task" in executed_tasks
    # The worker's indexing is what makes the page findable.
    assert page.pk in [result.pk for result in search_pages("Wertstoffhof", de)]


def test_nothing_is_queued_before_the_commit(settings, home_de, django_capture_on_commit_callbacks):
    from django_q.conf import Conf

    Conf.SYNC = False  # a real queue: tasks wait in the broker for a worker
    try:
        broker = get_broker()
        broker.purge_queue()
        enqueued = []
        pre_enqueue.connect(
            lambda sender, task, **kw: enqueued.append(task),
            weak=False,
            dispatch_uid="test-enqueued",
        )
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            home_de.add_child(instance=StandardPage(title="Freibad", slug="freibad"))
        assert callbacks, "the hand-over waits for the commit"
        assert enqueued == [] and broker.queue_size() == 0
        for callback in callbacks:
            callback()
        assert broker.queue_size() == len(enqueued) > 0
        # What is queued is signed work for django-q2's worker: our runner and a task path.
        packages = broker.dequeue()
        task = SignedPackage.loads(packages[0][1])
        assert task["func"].__name__ == "run_django_task"
        assert task["group"] == "django-tasks"
    finally:
        Conf.SYNC = True
        pre_enqueue.disconnect(dispatch_uid="test-enqueued")
        get_broker().purge_queue()


def test_a_rolled_back_save_queues_nothing(
    home_de, executed_tasks, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            home_de.add_child(instance=StandardPage(title="Verworfen", slug="verworfen"))
            raise RuntimeError("rollback")
    assert callbacks == [] and executed_tasks == []


def test_the_publish_schedule_exists_once_and_runs_every_few_minutes():
    ensure_schedules()
    ensure_schedules()
    schedule = Schedule.objects.get(name="publish_scheduled")
    assert Schedule.objects.filter(name="publish_scheduled").count() == 1
    assert schedule.func == SCHEDULES["publish_scheduled"][0]
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes <= 10


def test_the_scheduled_job_publishes_pages_whose_time_has_come(home_de, client):
    page = StandardPage(title="Haushaltsplan 2027", slug="haushaltsplan-2027", live=False)
    home_de.add_child(instance=page)
    revision = page.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    page.refresh_from_db()
    assert not page.live and revision.approved_go_live_at
    assert client.get("/de/haushaltsplan-2027/").status_code == 404

    # django-q2's own scheduler picks the due schedule and runs its job (synchronously here).
    ensure_schedules()
    Schedule.objects.filter(name="publish_scheduled").update(
        next_run=timezone.now() - timedelta(seconds=1)
    )
    scheduler(broker=get_broker())

    page.refresh_from_db()
    assert page.live
    assert client.get("/de/haushaltsplan-2027/").status_code == 200
