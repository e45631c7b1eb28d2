"""Error pages in both languages."""

import pytest
from django.test import RequestFactory

from rathaus.views import server_error

pytestmark = pytest.mark.django_db


def test_404_in_german(client):
    response = client.get("/de/gibt-es-nicht/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Seite nicht gefunden" in html and '<html lang="de">' in html


def test_404_in_english(client):
    response = client.get("/en/does-not-exist/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and '<html lang="en">' in html


@pytest.mark.parametrize(
    "path, text", [("/de/kaputt/", "Serverfehler"), ("/en/broken/", "Server error")]
)
def test_500_in_the_language_of_the_url(path, text, django_assert_num_queries):
    request = RequestFactory().get(path)
    with django_assert_num_queries(0):  # a broken database must not break the error page
        response = server_error(request)
    assert response.status_code == 500
    assert text in response.content.decode()
