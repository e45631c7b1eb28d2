"""A change to something every page shows purges every page from the caching proxy."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from home.models import EmergencyBanner

pytestmark = pytest.mark.django_db


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


def test_a_new_emergency_banner_purges_every_page_in_every_language(
    caching_proxy, de, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        EmergencyBanner.objects.create(
            title="Sturmwarnung", message="Bitte zu Hause bleiben.", locale=de
        )
    paths = {url.split("/", 1)[1] for url in caching_proxy}
    assert {"de/", "de/kontakt/", "en/", "en/contact/"} <= paths
