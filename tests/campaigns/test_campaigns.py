"""Campaign banners and teasers: shown within their schedule, on the home page and on the
content pages they are placed on, in the page's language; and the share image in link previews."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.models import Campaign, CampaignPlacement, ShortLink
from home.models import StandardPage
from services_catalog.models import ServiceIndexPage, ServicePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def dog(de):
    return ServicePage.objects.get(locale=de, key="hund-anmelden")


@pytest.fixture
def section(home_de):
    """A content section with a subpage, in German and English."""
    parent = StandardPage(title="Rathaus", slug="rathaus-test")
    home_de.add_child(instance=parent)
    parent.save_revision().publish()
    sub = StandardPage(title="Ortsrat", slug="ortsrat")
    parent.add_child(instance=sub)
    sub.save_revision().publish()
    return parent, sub


def campaign(de, **fields):
    Campaign.objects.all().delete()
    now = timezone.now()
    values = {
        "locale": de,
        "title": "Hundesteuer online",
        "text": "Jetzt ohne Termin.",
        "starts_at": now - timedelta(hours=1),
        "ends_at": now + timedelta(days=1),
        "show_on_home_page": True,
    }
    values.update(fields)
    placements = values.pop("placements", [])
    item = Campaign(**values)
    item.placements = placements
    item.save()
    return item


def shown(client, page):
    return "Hundesteuer online" in client.get(page.url).content.decode()


def test_a_campaign_runs_only_within_its_schedule(client, de, home_de, dog):
    now = timezone.now()
    item = campaign(de, link_page=dog)
    assert shown(client, home_de)
    html = client.get(home_de.url).content.decode()
    assert f'href="{dog.url}"' in html
    item.starts_at = now + timedelta(hours=1)
    item.save()
    assert not shown(client, home_de)
    item.starts_at, item.ends_at = now - timedelta(days=2), now - timedelta(minutes=1)
    item.save()
    assert not shown(client, home_de)
    item.ends_at = None  # open-ended
    item.save()
    assert shown(client, home_de)


def test_home_page_only_when_asked(client, de, home_de):
    campaign(de, show_on_home_page=False)
    assert not shown(client, home_de)


def test_placed_on_a_page_and_optionally_its_subpages(client, de, home_de, section):
    parent, sub = section
    item = campaign(de, show_on_home_page=False, placements=[CampaignPlacement(page=parent)])
    assert shown(client, parent)
    assert not shown(client, sub)
    assert not shown(client, home_de)
    item.placements = [CampaignPlacement(page=parent, include_subpages=True)]
    item.save()
    assert shown(client, sub)


def test_each_language_shows_its_own_translation(client, de, en, home_de, home_en, dog):
    finder = ServiceIndexPage.objects.get(locale=de)
    german = campaign(de, link_page=dog, placements=[CampaignPlacement(page=finder)])
    english = german.copy_for_translation(en)
    english.title = "Dog tax online"
    english.save()
    english_finder = finder.get_translation(en)
    html = client.get(english_finder.url).content.decode()
    assert "Dog tax online" in html
    assert "Hundesteuer online" not in html
    # The link leads to the service in the reader's language.
    assert f'href="{dog.get_translation(en).url}"' in html
    assert "Dog tax online" in client.get(home_en.url).content.decode()


def test_a_banner_has_a_named_region_and_a_named_link(client, de, home_de, dog):
    item = campaign(de, link_page=dog, button_text="")
    html = client.get(home_de.url).content.decode()
    assert f'aria-labelledby="campaign-{item.pk}"' in html
    assert 'class="visually-hidden">: Hundesteuer online</span>' in html


def test_campaign_input_is_checked(de, dog):
    now = timezone.now()
    item = Campaign(
        locale=de,
        title="x",
        starts_at=now,
        ends_at=now - timedelta(days=1),
        link_page=dog,
        link_url="https://example.org/",
    )
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert {"ends_at", "link_url"} <= set(error.value.message_dict)
    item = Campaign(locale=de, title="x", starts_at=now, link_url="javascript:alert(1)")
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "link_url" in error.value.message_dict


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_number_of_queries_does_not_grow_with_campaigns(
    client, de, en, home_de, dog, language, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    home = home_de if language == "de" else home_de.get_translation(en)
    locale = de if language == "de" else en
    # Campaigns of the reader's language that lead to the German page of the service: the
    # link is looked up in the reader's language.
    campaign(locale, link_page=dog)
    client.get(home.url)
    with CaptureQueriesContext(connection) as one:
        client.get(home.url)
    now = timezone.now()
    for number in range(8):
        Campaign.objects.create(
            locale=locale, title=f"Aktion {number}", starts_at=now, link_page=dog
        )
    with django_assert_max_num_queries(len(one)):
        html = client.get(home.url).content.decode()
    assert "Aktion 7" in html
    assert f'href="{dog.get_translation(locale).url}"' in html


def test_service_pages_share_their_generated_image(client, dog):
    link = ShortLink.for_service(dog)
    html = client.get(dog.url).content.decode()
    image = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert image.startswith(f"http://testserver/s/{link.code}/share.png?v=")
    assert client.get(image).status_code == 200
    assert '<meta property="og:image:width" content="1200">' in html
    assert f'<meta property="og:title" content="{dog.title}">' in html
    assert f'<meta property="og:description" content="{dog.summary}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_other_pages_have_link_previews_without_an_image(client, home_de):
    html = client.get(home_de.url).content.decode()
    assert '<meta property="og:title"' in html
    assert "og:image" not in html


def test_news_articles_keep_their_own_preview(client, de):
    from news.models import NewsPage

    article = NewsPage.objects.live().filter(locale=de).first()
    html = client.get(article.url).content.decode()
    assert html.count('property="og:title"') == 1
    assert '<meta property="og:type" content="article">' in html


def test_the_share_image_address_changes_with_the_title(client, dog):
    def image(page):
        html = client.get(page.url).content.decode()
        return re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)

    before = image(dog)
    dog.title = "Hund anmelden"
    dog.save_revision().publish()
    assert image(dog) != before


def test_a_service_that_never_went_through_publishing_still_gets_its_link(client, dog):
    """The catalog import writes pages without Wagtail's publish signal."""
    page = ServicePage(
        title="Angelschein", slug="angelschein", key="angelschein", summary="Fischen.", live=True
    )
    dog.get_parent().add_child(instance=page)
    assert not ShortLink.objects.filter(service=page).exists()
    html = client.get(page.url).content.decode()
    link = ShortLink.objects.get(service=page)
    assert f"/s/{link.code}/share.png?v=" in html


def test_the_share_image_address_changes_with_the_coat_of_arms_file(client, dog):
    from django.core.files.base import ContentFile
    from wagtail.models import Site

    from home.models import TownSettings

    def image():
        html = client.get(dog.url).content.decode()
        return re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)

    before = image()
    arms = TownSettings.for_site(Site.objects.get(is_default_site=True)).coat_of_arms
    size = arms.width, arms.height
    # "Change image file": the same image (and id), a new file.
    arms.file.save("wappen-neu.png", ContentFile(arms.file.open("rb").read()), save=False)
    arms.width, arms.height = size
    arms.save()
    assert image() != before
