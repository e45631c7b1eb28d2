"""Communications staff manage the service of the month, campaigns and short links as snippets
under "Promotion" in the admin."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
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


def test_a_short_links_code_and_service_are_fixed_once_it_exists(admin_client, dog, de):
    link = ShortLink.objects.create(service=dog, code="hundeplakat", label="Plakat")
    other = ServicePage.objects.get(locale=de, key="sperrmuell-anmelden")
    response = admin_client.post(
        f"/admin/snippets/campaigns/shortlink/edit/{link.pk}/",
        {"service": other.pk, "code": "anders", "label": "Plakat Bürgerbüro"},
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.service, link.code, link.label) == (dog, "hundeplakat", "Plakat Bürgerbüro")


def test_a_deleted_service_keeps_its_codes_reserved(visitor, dog):
    link = ShortLink.objects.create(service=dog, code="hundeplakat")
    dog.delete()
    link.refresh_from_db()
    assert link.service is None
    assert visitor.get("/s/hundeplakat", follow=True).status_code == 404
    with pytest.raises(IntegrityError), transaction.atomic():
        ShortLink.objects.create(service=ServicePage.objects.live().first(), code="hundeplakat")


def test_adding_a_link_from_the_material_page_fills_in_the_service(admin_client, dog):
    material = f"/admin/promotion/material/{dog.pk}/"
    html = admin_client.get(material).content.decode()
    add = f"/admin/snippets/campaigns/shortlink/add/?service={dog.pk}&amp;next="
    assert add in html
    response = admin_client.get(
        "/admin/snippets/campaigns/shortlink/add/", {"service": dog.pk, "next": material}
    )
    assert response.context["form"]["service"].value() == dog.pk
    response = admin_client.post(
        f"/admin/snippets/campaigns/shortlink/add/?service={dog.pk}&next={material}",
        {"service": dog.pk, "code": "hundeflyer", "label": "Flyer"},
    )
    assert response.status_code == 302
    assert response["Location"] == material


def test_the_short_link_list_shows_visits(admin_client, visitor, dog):
    link = ShortLink.for_service(dog)
    visitor.get(f"/s/{link.code}")
    visitor.get(f"/s/{link.code}?qr")
    html = admin_client.get("/admin/snippets/campaigns/shortlink/?q=" + link.code).content.decode()
    row = html[html.index(f"/s/{link.code}") :]
    row = row[: row.index("</tr>")]
    assert ">2<" in row.replace(" ", "").replace("\n", "")


@pytest.fixture
def communications(django_user_model):
    """A member of the "Communications" group the migrations create, and nothing else."""
    from django.contrib.auth.models import Group
    from django.test import Client

    user = django_user_model.objects.create_user("presse", "presse@example.org", "x")
    user.groups.add(Group.objects.get(name="Communications"))
    client = Client()
    client.force_login(user)
    return client


def test_communications_staff_can_run_a_campaign_month(communications, dog):
    for url in (
        "/admin/",
        "/admin/snippets/campaigns/servicespotlight/add/?locale=de",
        "/admin/snippets/campaigns/campaign/add/?locale=de",
        "/admin/choose-page/",
        "/admin/images/chooser/",
        f"/admin/promotion/material/{dog.pk}/",
        f"/admin/promotion/material/{dog.pk}/poster/",
        "/admin/promotion/reach/",
    ):
        assert communications.get(url).status_code == 200, url
    today = timezone.localdate()
    response = communications.post(
        "/admin/snippets/campaigns/servicespotlight/add/?locale=de",
        {
            "service": dog.pk,
            "text": "Hund online anmelden.",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
        },
    )
    assert response.status_code == 302
    # …but they edit no pages.
    response = communications.get(f"/admin/pages/{dog.pk}/edit/")
    assert response.status_code in (302, 403)


def test_the_lists_say_what_is_running(admin_client, de, dog):
    import re

    from django.utils import translation

    today = timezone.localdate()
    ServiceSpotlight.objects.all().delete()
    for text, start in (("vorher", -40), ("jetzt", -1), ("später", 40)):
        ServiceSpotlight.objects.create(
            locale=de,
            service=dog,
            text=text,
            starts_on=today + timedelta(days=start),
            ends_on=today + timedelta(days=start + 10),
        )
    with translation.override("en"):
        states = {s.text: s.schedule_state() for s in ServiceSpotlight.objects.all()}
    assert states == {"vorher": "ended", "jetzt": "running", "später": "upcoming"}
    html = admin_client.get("/admin/snippets/campaigns/servicespotlight/").content.decode()
    for state in ("beendet", "läuft", "geplant"):  # the admin speaks German by default
        assert re.search(rf">\s*{state}\s*<", html), state


def test_staff_are_told_when_two_services_of_the_month_overlap(admin_client, de, dog):
    today = timezone.localdate()
    ServiceSpotlight.objects.all().delete()
    ServiceSpotlight.objects.create(
        locale=de, service=dog, text="Erster", starts_on=today, ends_on=today + timedelta(days=9)
    )
    response = admin_client.post(
        "/admin/snippets/campaigns/servicespotlight/add/?locale=de",
        {
            "service": dog.pk,
            "text": "Zweiter",
            "starts_on": (today + timedelta(days=5)).isoformat(),
            "ends_on": (today + timedelta(days=20)).isoformat(),
        },
        follow=True,
    )
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert dog.title in warnings[0]
    response = admin_client.post(
        "/admin/snippets/campaigns/servicespotlight/add/?locale=de",
        {
            "service": dog.pk,
            "text": "Dritter",
            "starts_on": (today + timedelta(days=40)).isoformat(),
            "ends_on": (today + timedelta(days=50)).isoformat(),
        },
        follow=True,
    )
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]


def test_communications_staff_can_translate_their_snippets(communications, de, dog):
    today = timezone.localdate()
    spotlight = ServiceSpotlight.objects.create(
        locale=de, service=dog, text="Neu", starts_on=today, ends_on=today
    )
    listing = communications.get("/admin/snippets/campaigns/servicespotlight/").content.decode()
    submit = f"/admin/localize/submit/snippet/campaigns/servicespotlight/{spotlight.pk}/"
    assert submit in listing
    assert communications.get(submit).status_code == 200


def test_the_reach_page_survives_a_deleted_service(admin_client, visitor, dog):
    link = ShortLink.for_service(dog)
    visitor.get(f"/s/{link.code}?qr")
    dog.delete()
    response = admin_client.get("/admin/promotion/reach/")
    assert response.status_code == 200
    response = admin_client.get("/admin/promotion/reach/csv/", {"table": "services"})
    assert response.status_code == 200


def test_previewing_a_new_service_makes_no_short_link(admin_client, dog):
    from campaigns.wagtail_hooks import service_share_image

    before = ShortLink.objects.count()
    page = ServicePage(title="Neu", slug="neu", key="neu", summary="x")
    request = admin_client.get("/admin/").wsgi_request
    assert service_share_image(request, page) == ""
    assert ShortLink.objects.count() == before
