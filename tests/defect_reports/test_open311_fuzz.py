"""The Open311 API fuzzed against its own OpenAPI description with schemathesis: a bounded,
repeatable number of generated requests per operation, sent through Django's real WSGI
application to the real database. No request may end in a server error, every status code
and content type must be described, and JSON answers must match their schemas.

The description is the one /open311/v2/openapi.json publishes (test_open311 checks that the
two are the same). The only thing replaced is DNS for ``media_url``: every host resolves to
a documentation-only address, which the API refuses, so no generated URL reaches the network.
"""

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from defect_reports.models import ApiKey
from defect_reports.open311 import openapi

from .photo_files import MARKTPLATZ

pytestmark = pytest.mark.django_db

BASE_URL = django_settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/open311/v2"
schema = schemathesis.openapi.from_dict(
    openapi.document(BASE_URL),
    # A fixed seed, and no coverage phase (it is unbounded): 25 examples per operation.
    config=schemathesis.config.SchemathesisConfig.from_dict(
        {"seed": 311, "phases": {"coverage": {"enabled": False}}}
    ),
)


@pytest.fixture
def open311_app(monkeypatch):
    """Django's WSGI application, run inside the test's transaction: like Django's test
    client, keep it from closing the database connection after each request."""
    from defect_reports.open311 import media

    monkeypatch.setattr(media, "resolve", lambda host, port: ["192.0.2.1"])
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_secret(db):
    """A key with room for every generated POST, so that they get past the key check."""
    key = ApiKey(name="Fuzzer", requests_per_hour=100_000)
    secret = key.set_new_key()
    key.save()
    return secret


def steer(body: dict, api_secret: str) -> None:
    """Make some generated POSTs get past the key, the service code and the boundary, so
    that the checks behind them run too; which ones depends only on the generated data."""
    if len(str(body.get("api_key"))) % 2 == 0:
        body["api_key"] = api_secret
    if len(str(body.get("service_code"))) % 2 == 0:
        body["service_code"] = "schlagloch"
    if "lat" in body and len(str(body.get("description"))) % 2 == 0:
        body["lat"], body["long"] = MARKTPLATZ


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_open311_api_never_fails_with_a_server_error(case, open311_app, api_secret):
    if case.method == "POST" and isinstance(case.body, dict):
        steer(case.body, api_secret)
    response = case.call(app=open311_app)
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
