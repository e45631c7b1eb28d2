"""GET /healthz: database, cache, search and task queue; 200 when all answer, 503 otherwise."""

import pytest
from django.test import override_settings

from rathaus.settings.elasticsearch import elasticsearch_backend

pytestmark = pytest.mark.django_db

CLOSED_PORT = "127.0.0.1:9"


def test_all_parts_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "search": "ok",
        "queue": "ok",
    }
    assert response["Cache-Control"].startswith("max-age=0")


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{CLOSED_PORT}/0",
        }
    }
)
def test_a_cache_that_does_not_answer_gives_503(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"]["status"] == "error"
    assert checks["database"]["status"] == "ok"


@override_settings(
    WAGTAILSEARCH_BACKENDS={
        "default": elasticsearch_backend([f"http://{CLOSED_PORT}"], timeout=1),
        "database": {"BACKEND": "wagtail.search.backends.database"},
    }
)
def test_elasticsearch_that_does_not_answer_gives_503(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["status"] == "error"


def test_a_queue_without_a_running_worker_gives_503(client):
    from datetime import timedelta

    from django.utils import timezone
    from django_q.models import Schedule

    # The worker's scheduler has not touched the publishing schedule for an hour.
    Schedule.objects.filter(name="publish_scheduled").update(
        next_run=timezone.now() - timedelta(hours=1)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"] == {"status": "error"}, "no internal details"


def test_load_balancers_may_probe_with_head(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_a_task_broker_that_does_not_answer_gives_503(client, settings):
    from django_q.brokers import get_broker
    from django_q.conf import Conf

    # django-q2 reads its configuration once; point it at a Redis that is not there.
    old_redis, old_orm = Conf.REDIS, Conf.ORM
    Conf.REDIS, Conf.ORM = f"redis://{CLOSED_PORT}/0", None
    try:
        assert type(get_broker()).__name__ == "Redis"
        response = client.get("/healthz")
    finally:
        Conf.REDIS, Conf.ORM = old_redis, old_orm
    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["status"] == "error"
