"""Communications staff manage the service of the month, campaigns and short links as snippets
under "Promotion" in the admin."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from campaigns.models import Campaign, ServiceSpotlight, ShortLink
from services_catalog.models import ServiceIndexPage, ServicePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def dog(de):
    return ServicePage.objects.get(locale=de, key="hund-anmelden")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/snippets/campaigns/servicespotlight/",
        "/admin/snippets/campaigns/servicespotlight/add/",
        "/admin/snippets/campaigns/campaign/",
        "/admin/snippets/campaigns/campaign/add/",
        "/admin/snippets/campaigns/shortlink/",
        "/admin/snippets/campaigns/shortlink/add/",
    ],
)
def test_the_promotion_admin_pages_open(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_the_promotion_menu_is_there(admin_client):
    html = admin_client.get("/admin/").content.decode()
    # The sidebar's menu is data for its script: the group's entries show as their addresses.
    for url in (
        "/admin/snippets/campaigns/servicespotlight/",
        "/admin/snippets/campaigns/campaign/",
        "/admin/snippets/campaigns/shortlink/",
        "/admin/promotion/material/",
        "/admin/promotion/reach/",
    ):
        assert url in html


def test_staff_schedule_a_service_of_the_month(admin_client, de, dog):
    today = timezone.localdate()
    response = admin_client.post(
        "/admin/snippets/campaigns/servicespotlight/add/?locale=de",
        {
            "service": dog.pk,
            "heading": "",
            "text": "Hund online anmelden.",
            "image": "",
            "image_alt": "",
            "starts_on": (today + timedelta(days=40)).isoformat(),
            "ends_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 200  # the form comes back with the error
    assert "The last day must not be before the first." in response.content.decode() or (
        "Der letzte Tag" in response.content.decode()
    )
    assert response.context["form"]["text"].value() == "Hund online anmelden."
    response = admin_client.post(
        "/admin/snippets/campaigns/servicespotlight/add/?locale=de",
        {
            "service": dog.pk,
            "text": "Hund online anmelden.",
            "starts_on": (today + timedelta(days=30)).isoformat(),
            "ends_on": (today + timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 302
    spotlight = ServiceSpotlight.objects.get(text="Hund online anmelden.")
    assert spotlight.service == dog
    assert spotlight.locale == de


def test_staff_place_a_campaign_on_a_page(admin_client, de, dog):
    finder = ServiceIndexPage.objects.get(locale=de)
    now = timezone.localtime()
    data = nested_form_data(
        {
            "title": "Neu: Hund online",
            "text": "",
            "link_page": dog.pk,
            "link_url": "",
            "button_text": "Hund anmelden",
            "style": "teaser",
            "starts_at": now.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (now + timedelta(days=7)).strftime("%Y-%m-%d %H:%M"),
            "show_on_home_page": "",
            "placements": inline_formset([{"page": finder.pk, "include_subpages": "on"}]),
        }
    )
    response = admin_client.post("/admin/snippets/campaigns/campaign/add/?locale=de", data)
    assert response.status_code == 302, response.context["form"].errors
    item = Campaign.objects.get(title="Neu: Hund online")
    assert item.style == "teaser"
    assert [(p.page_id, p.include_subpages) for p in item.placements.all()] == [(finder.pk, True)]


def test_staff_add_a_readable_short_link(admin_client, dog):
    response = admin_client.post(
        "/admin/snippets/campaigns/shortlink/add/",
        {"service": dog.pk, "code": "Hundesteuer", "label": "Plakat Bürgerbüro"},
    )
    assert response.status_code == 302
    assert ShortLink.objects.get(code="hundesteuer").service == dog
    response = admin_client.post(
        "/admin/snippets/campaigns/shortlink/add/",
        {"service": dog.pk, "code": "hundesteuer", "label": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
