"""Shared fixtures: a test database that holds Musterstadt's demo content.

The demo content is created once per test session with the real ``seed_demo`` command; every
test runs in a transaction that is rolled back, so each starts from the same site.
"""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from wagtail.models import Locale, Page


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings
    from django.core.cache import cache

    # Report photos (the demo's and the tests') go to a folder of this session only.
    settings.DEFECT_REPORTS = {
        **settings.DEFECT_REPORTS,
        "PRIVATE_ROOT": str(tmp_path_factory.mktemp("private")),
    }
    with django_db_blocker.unblock():
        cache.clear()
        call_command("seed_demo", stdout=open("/dev/null", "w"))


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: Wagtail caches site root paths and page URLs, and
    a Redis cache would otherwise carry them from one test (or test run) into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def de(db):
    return Locale.objects.get(language_code="de")


@pytest.fixture
def en(db):
    return Locale.objects.get(language_code="en")


@pytest.fixture
def home_de(de):
    from home.models import HomePage

    return HomePage.objects.get(locale=de, depth=2)


@pytest.fixture
def home_en(en):
    from home.models import HomePage

    return HomePage.objects.get(locale=en, depth=2)


def page_by_path(url_path):
    """The specific page at a Wagtail url_path such as '/home/kontakt/'."""
    return Page.objects.get(url_path=url_path).specific


@pytest.fixture
def caching_proxy(settings):
    """A small HTTP server standing in for Varnish: it records the PURGE requests it gets."""
    purged = []

    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self):  # noqa: N802 - the HTTP method's name
            purged.append(f"{self.headers['Host']}{self.path}")
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}",
        }
    }
    yield purged
    server.shutdown()
