"""The "Online erledigen" box of a news article: its services with their start buttons."""

import pytest

from news.models import NewsPage, NewsRelatedService
from services_catalog.models import ServicePage

pytestmark = pytest.mark.django_db


def box(html):
    assert 'class="online-services"' in html
    return html.split('class="online-services"', 1)[1].split("</aside>", 1)[0]


def test_an_article_shows_its_services_with_their_start_buttons(client, de):
    article = NewsPage.objects.get(locale=de, slug="buergerbuero-online-termine")
    html = box(client.get(article.url).content.decode())
    service = ServicePage.objects.get(locale=de, key="personalausweis-beantragen")
    online_form = service.online_forms.first()
    assert f'href="{service.url}"' in html
    assert f'href="/start/{online_form.pk}/"' in html
    assert online_form.title in html
    assert "Online erledigen" in html


def test_the_english_article_shows_the_english_services(client, en):
    article = NewsPage.objects.get(locale=en, slug="buergerbuero-online-termine")
    html = box(client.get(article.url).content.decode())
    service = ServicePage.objects.get(locale=en, key="personalausweis-beantragen")
    assert f'href="{service.url}"' in html
    assert service.url.startswith("/en/")
    assert f'href="/start/{service.online_forms.first().pk}/"' in html


def test_services_that_cannot_be_started_online_are_left_out(client, de):
    article = NewsPage.objects.get(locale=de, slug="buergerbuero-online-termine")
    for link in article.related_services.all():
        link.service.specific.unpublish()
    html = client.get(article.url).content.decode()
    assert 'class="online-services"' not in html


def test_articles_without_related_services_have_no_box(client, de):
    article = NewsPage.objects.get(locale=de, slug="stadtfest-2026")
    assert not NewsRelatedService.objects.filter(page=article).exists()
    assert 'class="online-services"' not in client.get(article.url).content.decode()
