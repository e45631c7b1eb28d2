"""The service of the month: its schedule, where it shows (home page, teaser block in pages and
news, InfoMonitor) and the archive of past ones."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.models import ServiceSpotlight, SpotlightArchivePage, current_spotlight
from home.models import StandardPage
from news.models import InfoMonitorPage, NewsIndexPage, NewsPage
from services_catalog.models import ServicePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def dog(de):
    return ServicePage.objects.get(locale=de, key="hund-anmelden")


@pytest.fixture
def waste(de):
    return ServicePage.objects.get(locale=de, key="sperrmuell-anmelden")


@pytest.fixture
def only(de, en, dog, today):
    """Nothing but one spotlight for the dog, running today (German and English)."""
    ServiceSpotlight.objects.all().delete()
    german = ServiceSpotlight.objects.create(
        locale=de,
        service=dog,
        text="Hund online anmelden, Marke kommt per Post.",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=3),
    )
    english = german.copy_for_translation(en)
    english.text = "Register your dog online."
    english.save()
    return german


def test_the_schedule_includes_its_first_and_last_day(de, dog, today):
    ServiceSpotlight.objects.all().delete()
    spotlight = ServiceSpotlight.objects.create(
        locale=de, service=dog, text="x", starts_on=today, ends_on=today + timedelta(days=30)
    )
    assert current_spotlight(de, today - timedelta(days=1)) is None
    assert current_spotlight(de, today) == spotlight
    assert current_spotlight(de, today + timedelta(days=30)) == spotlight
    assert current_spotlight(de, today + timedelta(days=31)) is None
    assert list(ServiceSpotlight.objects.past(de, today + timedelta(days=31))) == [spotlight]
    assert not ServiceSpotlight.objects.past(de, today + timedelta(days=30)).exists()


def test_when_two_overlap_the_later_start_wins(de, dog, waste, today, only):
    later = ServiceSpotlight.objects.create(
        locale=de, service=waste, text="Sperrmüll", starts_on=today, ends_on=today
    )
    assert current_spotlight(de) == later
    assert current_spotlight(de, today + timedelta(days=1)) == only


def test_a_withdrawn_service_is_not_presented(de, dog, only):
    dog.unpublish()
    assert current_spotlight(de) is None


def test_the_end_must_not_come_before_the_start(de, dog, today):
    spotlight = ServiceSpotlight(
        locale=de, service=dog, text="x", starts_on=today, ends_on=today - timedelta(days=1)
    )
    with pytest.raises(ValidationError) as error:
        spotlight.full_clean()
    assert "ends_on" in error.value.message_dict


def test_an_image_needs_an_alternative_text(de, dog, today):
    from wagtail.images import get_image_model

    spotlight = ServiceSpotlight(
        locale=de,
        service=dog,
        text="x",
        starts_on=today,
        ends_on=today,
        image=get_image_model().objects.first(),
    )
    with pytest.raises(ValidationError) as error:
        spotlight.full_clean()
    assert "image_alt" in error.value.message_dict


def test_the_translation_points_at_the_service_in_its_language(en, only):
    english = only.get_translation(en)
    assert english.service.locale == en
    assert english.service.translation_key == only.service.translation_key


def test_the_home_page_presents_it_in_each_language(client, only, home_de, home_en):
    html = client.get(home_de.url).content.decode()
    assert "Hund online anmelden, Marke kommt per Post." in html
    assert f'href="{only.service.url}"' in html
    english = client.get(home_en.url).content.decode()
    assert "Register your dog online." in english
    assert only.get_translation(home_en.locale).service.url in english


def test_the_home_page_shows_no_teaser_without_a_running_spotlight(client, home_de, only):
    only.ends_on = only.starts_on
    only.save()
    html = client.get(home_de.url).content.decode()
    assert 'class="spotlight"' not in html


def test_editors_place_the_teaser_block_in_pages_and_news(client, de, only, home_de):
    body = json.dumps([{"type": "service_of_the_month", "value": None}])
    page = StandardPage(title="Rathaus digital", slug="rathaus-digital", body=body)
    home_de.add_child(instance=page)
    page.save_revision().publish()
    news = NewsIndexPage.objects.get(locale=de)
    article = NewsPage(title="Neu online", slug="neu-online", teaser="t", body=body)
    news.add_child(instance=article)
    article.save_revision().publish()
    for url in (page.url, article.url):
        html = client.get(url).content.decode()
        assert 'class="spotlight"' in html
        assert only.text in html
    # Outside the schedule the block shows nothing, and the page still works.
    ServiceSpotlight.objects.all().delete()
    response = client.get(page.url)
    assert response.status_code == 200
    assert 'class="spotlight"' not in response.content.decode()


def test_the_archive_lists_past_services_of_the_month(client, de, dog, waste, today, only):
    for months in range(1, 15):
        start = today - timedelta(days=31 * months)
        ServiceSpotlight.objects.create(
            locale=de,
            service=waste if months % 2 else dog,
            text=f"Rückblick {months}",
            starts_on=start,
            ends_on=start + timedelta(days=29),
        )
    ServiceSpotlight.objects.create(
        locale=de,
        service=waste,
        text="Kommt erst noch",
        starts_on=today + timedelta(days=40),
        ends_on=today + timedelta(days=60),
    )
    archive = SpotlightArchivePage.objects.get(locale=de)
    html = client.get(archive.url).content.decode()
    assert only.text in html  # the current one, on top
    assert "Rückblick 1<" in html
    assert "Kommt erst noch" not in html
    assert html.count('class="spotlight-archive__item"') == SpotlightArchivePage.per_page
    second = client.get(archive.url + "?page=2").content.decode()
    assert "Rückblick 14<" in second


def test_the_archive_does_not_grow_in_queries(
    client, de, dog, today, django_assert_max_num_queries
):
    archive = SpotlightArchivePage.objects.get(locale=de)
    client.get(archive.url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(archive.url)
    for months in range(20, 32):
        start = today - timedelta(days=31 * months)
        ServiceSpotlight.objects.create(
            locale=de, service=dog, text="x", starts_on=start, ends_on=start
        )
    with django_assert_max_num_queries(len(few)):
        client.get(archive.url)


def test_the_infomonitor_shows_it_first_with_a_qr_code(client, de, only):
    screen = InfoMonitorPage.objects.get(locale=de)
    data = client.get(screen.url + "data/").json()
    slide = data["slides"][0]
    assert slide["kind"] == "spotlight"
    assert slide["title"] == only.service.title
    assert slide["text"] == only.text
    assert slide["qr"].endswith("/qr.svg")
    assert slide["qr_alt"]
    html = client.get(screen.url).content.decode()
    assert f'src="{slide["qr"]}"' in html
    screen.show_promotions = False
    screen.save_revision().publish()
    data = client.get(screen.url + "data/").json()
    assert all(slide["kind"] != "spotlight" for slide in data["slides"])


def test_without_a_translation_english_pages_show_the_german_one(client, en, home_en, only):
    only.get_translation(en).delete()
    html = client.get(home_en.url).content.decode()
    assert f'<p class="spotlight__text" lang="de">{only.text}</p>' in html
    # The link leads to the service's English page.
    assert f'href="{only.service.get_translation(en).url}"' in html


def test_the_service_link_follows_a_translation_made_later(client, de, en, home_en, today):
    """A spotlight translated before its service was: the English page links to the English
    service as soon as it exists."""
    ServiceSpotlight.objects.all().delete()
    waste = ServicePage.objects.get(locale=de, key="sperrmuell-anmelden")
    english_service = waste.get_translation(en)
    spotlight = ServiceSpotlight.objects.create(
        locale=en, service=waste, text="Bulky waste.", starts_on=today, ends_on=today
    )
    ServiceSpotlight.objects.filter(pk=spotlight.pk).update(service=waste)  # as if older
    html = client.get(home_en.url).content.decode()
    assert f'href="{english_service.url}"' in html


def test_the_infomonitor_shows_its_image(client, de, only):
    from wagtail.images import get_image_model

    only.image = get_image_model().objects.first()
    only.image_alt = "Ein Hund mit Marke"
    only.save()
    screen = InfoMonitorPage.objects.get(locale=de)
    slide = client.get(screen.url + "data/").json()["slides"][0]
    assert slide["image_alt"] == "Ein Hund mit Marke"
    assert "fill-800x500" in slide["image"]
    html = client.get(screen.url).content.decode()
    assert f'src="{slide["image"]}" alt="Ein Hund mit Marke"' in html
