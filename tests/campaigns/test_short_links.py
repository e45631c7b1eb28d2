"""Short links /s/<code>: they count visits by channel as daily totals and lead only to their
service."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.models import ShortLink, ShortLinkVisit
from services_catalog.models import ServicePage, ServicePageViewCount

pytestmark = pytest.mark.django_db


@pytest.fixture
def dog(de):
    return ServicePage.objects.get(locale=de, key="hund-anmelden")


@pytest.fixture
def link(dog):
    return ShortLink.for_service(dog)


def visits(link, channel):
    row = ShortLinkVisit.objects.filter(
        short_link=link, date=timezone.localdate(), channel=channel
    ).first()
    return row.count if row else 0


def test_every_published_service_has_a_short_link(de):
    services = ServicePage.objects.live().filter(locale=de)
    assert services.exists()
    assert not services.filter(short_links__isnull=True).exists()


def test_a_new_service_gets_its_link_when_published(dog):
    page = ServicePage(title="Angeln erlauben", slug="angeln", key="angeln", summary="Angelschein.")
    dog.get_parent().add_child(instance=page)
    assert not ShortLink.objects.filter(service=page).exists()
    page.save_revision().publish()
    link = ShortLink.objects.get(service=page)
    assert len(link.code) == 6
    assert set(link.code) <= set("23456789abcdefghjkmnpqrstuvwxyz")


def test_a_short_link_counts_clicks_and_scans_separately(visitor, link, dog):
    for _ in range(3):
        response = visitor.get(f"/s/{link.code}")
        assert response.status_code == 302
        assert response["Location"] == dog.url
    for _ in range(2):
        assert visitor.get(f"/s/{link.code}?qr").status_code == 302
    assert visits(link, "link") == 3
    assert visits(link, "qr") == 2
    # No cookie, nothing personal, and no cache may swallow a visit.
    assert not visitor.cookies
    response = visitor.get(f"/s/{link.code}")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_codes_are_not_case_sensitive(visitor, link, dog):
    response = visitor.get(f"/s/{link.code.upper()}")
    assert response.status_code == 302
    assert response["Location"] == dog.url


def test_robots_head_requests_and_previews_are_not_counted(client, visitor, link):
    crawler = {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"}
    assert client.get(f"/s/{link.code}", **crawler).status_code == 302
    assert client.get(f"/s/{link.code}").status_code == 302  # no user agent at all
    assert visitor.head(f"/s/{link.code}").status_code == 302
    assert visitor.get(f"/s/{link.code}", HTTP_SEC_PURPOSE="prefetch").status_code == 302
    assert visits(link, "link") == 0


@pytest.mark.parametrize(
    "query",
    [
        "?next=https://evil.example/",
        "?url=https://evil.example/&qr",
        "?qr=https://evil.example/",
        "?redirect=%2F%2Fevil.example",
        "?service=1&page=https://evil.example/",
    ],
)
def test_there_is_no_open_redirect(visitor, link, dog, query):
    """Whatever the address carries, the link leads to its own service."""
    response = visitor.get(f"/s/{link.code}{query}")
    assert response.status_code == 302
    assert response["Location"] == dog.url


def test_paths_below_a_short_link_lead_nowhere(visitor, link):
    for suffix in ("/https://evil.example/", "//evil.example", "/..%2F..%2Fadmin"):
        response = visitor.get(f"/s/{link.code}{suffix}", follow=True)
        assert response.status_code == 404
        assert all("evil.example" not in url for url, _status in response.redirect_chain)


def test_unknown_codes_and_withdrawn_services_lead_nowhere(visitor, link, dog):
    assert visitor.get("/s/doesnotexist", follow=True).status_code == 404
    dog.unpublish()
    assert visitor.get(f"/s/{link.code}", follow=True).status_code == 404
    assert visits(link, "link") == 0


def test_staff_can_add_a_readable_code_for_a_channel(dog):
    link = ShortLink.objects.create(service=dog, code="Hunde-Steuer", label="Amtsblatt")
    assert link.code == "hunde-steuer"
    with pytest.raises(IntegrityError), transaction.atomic():
        ShortLink.objects.create(service=dog, code="hunde-steuer")
    # The service's first link stays the one on its material.
    assert ShortLink.for_service(dog).pk != link.pk


def test_a_readable_code_is_validated(dog):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        ShortLink(service=dog, code="../evil").full_clean()
    assert "code" in error.value.message_dict


def test_the_printed_address_is_the_sites_not_the_requests(link, rf):
    request = rf.get("/admin/", HTTP_HOST="cms.internal")
    assert link.url(request).startswith(link.service.get_site().root_url)
    assert link.qr_url(request) == f"{link.service.get_site().root_url}/s/{link.code}?qr"


def test_service_page_views_are_counted_as_daily_totals(client, visitor, dog):
    visitor.get(dog.url)
    visitor.get(dog.url)
    client.get(dog.url, HTTP_USER_AGENT="facebookexternalhit/1.1")
    visitor.head(dog.url)
    row = ServicePageViewCount.objects.get(service=dog, date=timezone.localdate())
    assert row.count == 2


@pytest.mark.parametrize(
    "agent",
    [
        "WhatsApp/2.23.20.0",
        "http.rb/5.1.1 (Mastodon/4.2.1; +https://social.example/)",
        "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
        "Mozilla/5.0 (compatible; Iframely/1.3.1; +https://iframely.com/docs/about)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_1) AppleWebKit/600.2.5 (KHTML, like Gecko)"
        " Version/8.0.2 Safari/600.2.5 (Applebot/0.1)",
        "python-requests/2.32.3",
    ],
)
def test_link_previews_of_the_share_channels_are_not_counted(client, link, dog, agent):
    """Posting a short link on WhatsApp, Mastodon or Bluesky makes their servers fetch it at
    once; those fetches are no people reached."""
    assert client.get(f"/s/{link.code}", HTTP_USER_AGENT=agent).status_code == 302
    client.get(dog.url, HTTP_USER_AGENT=agent)
    assert visits(link, "link") == 0
    assert not ServicePageViewCount.objects.filter(service=dog, date=timezone.localdate()).exists()


def test_a_browser_fetching_something_else_than_a_page_is_not_counted(visitor, link):
    assert visitor.get(f"/s/{link.code}", HTTP_SEC_FETCH_DEST="image").status_code == 302
    assert visits(link, "link") == 0
    assert visitor.get(f"/s/{link.code}", HTTP_SEC_FETCH_DEST="document").status_code == 302
    assert visits(link, "link") == 1
