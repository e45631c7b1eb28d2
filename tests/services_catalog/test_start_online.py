"""The counting "start online" redirect: daily totals per service, no cookies, no open redirect."""

import pytest
from django.utils import timezone

from services_catalog.models import OnlineStartCount, ServiceOnlineForm, ServicePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def dog(de):
    return ServicePage.objects.get(locale=de, key="hund-anmelden")


BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Firefox/140.0"}


def test_start_online_counts_and_leads_to_the_stored_form(client, dog):
    online_form = dog.online_forms.first()
    response = client.get(online_form.start_url(), **BROWSER)
    assert response.status_code == 302
    assert response["Location"] == online_form.url
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    client.get(online_form.start_url(), **BROWSER)
    today = OnlineStartCount.objects.get(service=dog, date=timezone.localdate())
    assert today.count == 2


def test_the_service_page_button_goes_through_the_counter(client, dog):
    html = client.get(dog.url).content.decode()
    online_form = dog.online_forms.first()
    assert f'href="/start/{online_form.pk}/"' in html
    assert online_form.title in html


def test_head_requests_and_crawlers_are_not_counted(client, dog):
    online_form = dog.online_forms.first()
    assert client.head(online_form.start_url(), **BROWSER).status_code == 302
    crawler = {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; bingbot/2.0)"}
    assert client.get(online_form.start_url(), **crawler).status_code == 302
    assert not OnlineStartCount.objects.filter(service=dog, date=timezone.localdate()).exists()
    assert "Disallow: /start/" in client.get("/robots.txt").content.decode()


@pytest.mark.parametrize(
    "suffix",
    ["?next=https://evil.example/", "?url=https://evil.example/", "https://evil.example/"],
)
def test_there_is_no_open_redirect(client, dog, suffix):
    online_form = dog.online_forms.first()
    response = client.get(online_form.start_url() + suffix)
    if response.status_code == 302 and response["Location"].startswith("http"):
        assert response["Location"] == online_form.url
    assert "evil.example" not in response.get("Location", "")


def test_unknown_or_unpublished_services_lead_nowhere(client, dog):
    # (Django's LocaleMiddleware may first send an unknown address to its /de/ version.)
    assert client.get("/start/999999/", follow=True).status_code == 404
    assert client.get("/start/abc/", follow=True).status_code == 404
    online_form = dog.online_forms.first()
    dog.unpublish()
    assert client.get(online_form.start_url(), follow=True).status_code == 404


def test_the_towns_own_form_is_reached_in_the_services_language(client, de, en):
    own = ServiceOnlineForm.objects.filter(form_page__isnull=False, page__locale=de).first()
    response = client.get(own.start_url())
    assert response["Location"] == own.form_page.url
    translated = own.page.get_translation(en)
    english = translated.online_forms.first()
    assert client.get(english.start_url())["Location"].startswith("/en/")
    own.form_page.unpublish()
    assert client.get(own.start_url(), follow=True).status_code == 404
