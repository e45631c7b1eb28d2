"""A django-tasks backend that hands tasks to django-q2 once the transaction has committed.

Wagtail 8 runs its own background work (search index, reference index, file deletion) as
django-tasks tasks. With this backend a page is published in one short request and the
django-q2 worker does the indexing; the hand-over waits for the commit, so the worker never
looks for a row that is not yet visible, and a rolled-back save queues nothing.
"""

import logging

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.tasks import async_task
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.exceptions import InvalidTaskError
from django_tasks.utils import get_random_id

logger = logging.getLogger(__name__)

GROUP = "django-tasks"


def run_django_task(task_path: str, args: list, kwargs: dict):
    """Run one django-tasks task inside a django-q2 worker (the function django-q2 calls)."""
    task = import_string(task_path)
    try:
        return task.call(*args, **kwargs)
    except ObjectDoesNotExist:
        # Wagtail's index tasks look the saved object up again; if it was deleted before the
        # worker got to it, there is nothing left to index, and retrying cannot help.
        logger.info("%s: object %s no longer exists; nothing to do", task_path, args)
        return None


class DjangoQBackend(BaseTaskBackend):
    """Queues django-tasks tasks on django-q2 (ORM or Redis broker) after the commit."""

    supports_defer = False
    supports_async_task = False
    supports_get_result = False
    supports_priority = False

    def validate_task(self, task: Task) -> None:
        super().validate_task(task)
        if task.takes_context:
            raise InvalidTaskError("Tasks that take a context cannot run on django-q2.")

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )

        # robust: a broker that is down must not turn a saved page into an error page; the
        # missed index update is logged and caught up by `manage.py update_index`.
        def hand_over():
            self._hand_over(result)

        transaction.on_commit(hand_over, robust=True)
        return result

    def _hand_over(self, result: TaskResult) -> None:
        task = result.task
        async_task(
            run_django_task,
            f"{task.func.__module__}.{task.func.__qualname__}",
            result.args,
            result.kwargs,
            task_name=f"{task.name}-{result.id}",
            group=GROUP,
        )
