"""News: page rules, listing filters, notices that expire, feeds, meta tags, home teasers."""

import json
import re
from datetime import timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from news.models import (
    InfoMonitorPage,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    NoticeIndexPage,
    NoticePage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def news_index(de):
    return NewsIndexPage.objects.get(locale=de)


@pytest.fixture
def notice_index(de):
    return NoticeIndexPage.objects.get(locale=de)


def article_links(html):
    return re.findall(r'<h3 class="article-card__title"><a href="([^"]+)"', html)


# --- page rules ---------------------------------------------------------------------------


def test_sections_live_below_the_home_page_once(home_de, news_index):
    assert not NewsIndexPage.can_create_at(home_de), "one news section per home page"
    assert not NewsIndexPage.can_create_at(Page.get_first_root_node())
    assert NewsPage.can_create_at(news_index)
    assert not NewsPage.can_create_at(home_de)
    assert not NoticePage.can_create_at(news_index)
    assert InfoMonitorPage.can_create_at(home_de)


def test_article_image_needs_alternative_text(news_index):
    from django.core.exceptions import ValidationError
    from wagtail.images import get_image_model

    article = NewsPage(title="x", slug="x", teaser="y", image=get_image_model().objects.first())
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "image_alt" in error.value.message_dict


# --- listing ------------------------------------------------------------------------------


def test_listing_shows_articles_newest_first(client):
    links = article_links(client.get("/de/aktuelles/").content.decode())
    assert links[0] == "/de/aktuelles/buergerbuero-online-termine/"
    assert len(links) == 10, "ten per page"


def test_listing_filters_by_category(client):
    links = article_links(client.get("/de/aktuelles/", {"category": "umwelt"}).content.decode())
    assert set(links) == {
        "/de/aktuelles/baumpflanzaktion/",
        "/de/aktuelles/wertstoffhof-winter/",
        "/de/aktuelles/laermaktionsplan/",
    }


def test_listing_filters_by_year(client, news_index):
    from datetime import date

    last_year = timezone.localdate().year - 1
    NewsPage.objects.child_of(news_index).update(date=timezone.localdate())
    old = NewsPage.objects.get(slug="neujahrsempfang", locale=news_index.locale)
    old.date = date(last_year, 6, 1)
    old.save()
    html = client.get("/de/aktuelles/", {"year": last_year}).content.decode()
    assert article_links(html) == ["/de/aktuelles/neujahrsempfang/"]
    assert f'<option value="{last_year}" selected>' in html


def test_listing_ignores_unknown_filters(client):
    for query in ({"category": "gibt-es-nicht"}, {"year": "abc"}, {"page": "999"}, {"page": "x"}):
        assert client.get("/de/aktuelles/", query).status_code == 200


def test_listing_pages_keep_the_filters(client, news_index):
    category = NewsCategory.objects.get(slug="umwelt", locale=news_index.locale)
    for number in range(10):
        article = NewsPage(title=f"Umwelttipp {number}", slug=f"umwelttipp-{number}", teaser="x")
        article.categories = [category]
        news_index.add_child(instance=article)
    html = client.get("/de/aktuelles/", {"category": "umwelt"}).content.decode()
    assert 'href="?category=umwelt&amp;page=2" rel="next"' in html
    second = client.get("/de/aktuelles/", {"category": "umwelt", "page": 2}).content.decode()
    assert len(article_links(second)) == 3


def test_english_listing_shows_english_articles_only(client):
    links = article_links(client.get("/en/news/").content.decode())
    assert links and all(link.startswith("/en/news/") for link in links)


def count_queries(client, url, **query):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


def test_listing_queries_do_not_grow_with_the_number_of_articles(client, news_index):
    count_queries(client, "/de/aktuelles/", category="umwelt")  # warm caches
    three = count_queries(client, "/de/aktuelles/", category="umwelt")
    category = NewsCategory.objects.get(slug="umwelt", locale=news_index.locale)
    for number in range(7):
        article = NewsPage(title=f"Umwelt {number}", slug=f"umwelt-{number}", teaser="x")
        article.categories = [category]
        news_index.add_child(instance=article)
    ten = count_queries(client, "/de/aktuelles/", category="umwelt")
    assert ten == three, f"{three} queries for 3 articles, {ten} for 10"


def test_home_page_queries_do_not_grow_with_the_number_of_teasers(client, news_index):
    count_queries(client, "/de/")
    few = count_queries(client, "/de/")
    for number in range(3):
        news_index.add_child(
            instance=NewsPage(title=f"Neu {number}", slug=f"neu-{number}", teaser="x")
        )
    NoticePage.objects.filter(locale=news_index.locale).update(
        valid_from=timezone.localdate(), valid_until=None
    )
    assert count_queries(client, "/de/") == few


# --- notices ------------------------------------------------------------------------------


def notice_links(html):
    return re.findall(r'<h3 class="article-card__title"><a href="([^"]+)"', html)


def test_notices_show_only_while_they_are_valid(client):
    links = notice_links(client.get("/de/bekanntmachungen/").content.decode())
    assert "/de/bekanntmachungen/baustelle-schulstrasse/" in links
    assert "/de/bekanntmachungen/hundesteuersatzung/" not in links, "ended a month ago"
    assert "/de/bekanntmachungen/baustelle-parkplatz/" not in links, "starts in 20 days"


def test_a_notice_drops_out_after_its_last_day_without_unpublishing(client, notice_index):
    notice = NoticePage.objects.get(slug="baustelle-brunnenweg", locale=notice_index.locale)
    notice.valid_until = timezone.localdate() - timedelta(days=1)
    notice.save()
    assert "/de/bekanntmachungen/baustelle-brunnenweg/" not in notice_links(
        client.get("/de/bekanntmachungen/").content.decode()
    )
    notice.refresh_from_db()
    assert notice.live
    page = client.get("/de/bekanntmachungen/baustelle-brunnenweg/").content.decode()
    assert "nicht mehr aktuell" in page


def test_notices_filter_by_kind(client):
    html = client.get("/de/bekanntmachungen/", {"kind": "construction"}).content.decode()
    links = notice_links(html)
    assert links and all("baustelle" in link for link in links)


def test_last_day_must_not_precede_the_first(notice_index):
    from django.core.exceptions import ValidationError

    today = timezone.localdate()
    notice = NoticePage(
        title="x", slug="x", summary="y", valid_from=today, valid_until=today - timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        notice.full_clean()


# --- home page ----------------------------------------------------------------------------


def test_home_page_shows_latest_news_and_current_notices(client):
    html = client.get("/de/").content.decode()
    news = html.split('id="home-news-title"', 1)[1].split("</section>", 1)[0]
    assert "/de/aktuelles/buergerbuero-online-termine/" in news
    assert len(article_links(news)) == 3
    notices = html.split('id="home-notices-title"', 1)[1].split("</section>", 1)[0]
    assert "/de/bekanntmachungen/baustelle-schulstrasse/" in notices
    assert "hundesteuersatzung" not in notices


# --- feeds --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, language, kind",
    [
        ("/de/aktuelles/feed/rss/", "de", "rss20"),
        ("/de/aktuelles/feed/atom/", "de", "atom10"),
        ("/en/news/feed/rss/", "en", "rss20"),
        ("/en/news/feed/atom/", "en", "atom10"),
    ],
)
def test_feeds_are_valid_per_language(client, url, language, kind):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == kind
    assert feed.feed.language == language
    assert feed.entries and all(f"/{language}/" in entry.link for entry in feed.entries)
    assert all(
        entry.get("published_parsed") or entry.get("updated_parsed") for entry in feed.entries
    )


def test_category_feed_lists_only_that_category(client):
    feed = feedparser.parse(client.get("/de/aktuelles/umwelt/feed/rss/").content)
    assert not feed.bozo
    assert {entry.link.rsplit("/", 2)[-2] for entry in feed.entries} == {
        "baumpflanzaktion",
        "wertstoffhof-winter",
        "laermaktionsplan",
    }
    assert "Umwelt" in feed.feed.title
    assert client.get("/de/aktuelles/gibt-es-nicht/feed/rss/").status_code == 404


def test_atom_feed_names_its_author(client):
    feed = feedparser.parse(client.get("/de/aktuelles/feed/atom/").content)
    assert feed.feed.author == "Musterstadt"


def test_listing_announces_its_feeds(client):
    html = client.get("/de/aktuelles/").content.decode()
    assert 'type="application/rss+xml"' in html and 'href="/de/aktuelles/feed/rss/"' in html


# --- article meta tags --------------------------------------------------------------------


def test_article_has_open_graph_twitter_and_news_article_data(client):
    html = client.get("/de/aktuelles/buergerbuero-online-termine/").content.decode()
    meta = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html))
    assert meta["og:type"] == "article"
    assert meta["og:title"] == "Bürgerbüro: Termine jetzt online buchen"
    assert meta["og:url"].endswith("/de/aktuelles/buergerbuero-online-termine/")
    assert meta["twitter:card"] in {"summary", "summary_large_image"}
    assert meta["description"].startswith("Ab sofort")
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Bürgerbüro: Termine jetzt online buchen"
    assert data["inLanguage"] == "de"
    stored = NewsPage.objects.get(slug="buergerbuero-online-termine", locale__language_code="de")
    assert data["datePublished"] == stored.date.isoformat()


def test_json_ld_cannot_break_out_of_its_script(
    client, news_index, django_capture_on_commit_callbacks
):
    article = NewsPage(title="</script><script>alert(1)</script>", slug="boese", teaser="x")
    news_index.add_child(instance=article)
    article.save_revision().publish()
    html = client.get("/de/aktuelles/boese/").content.decode()
    assert "<script>alert(1)" not in html


# --- scheduled publishing -----------------------------------------------------------------


def test_an_article_goes_live_at_its_time_by_the_scheduled_job(client, news_index):
    from django_q.brokers import get_broker
    from django_q.models import Schedule
    from django_q.scheduler import scheduler

    article = NewsPage(
        title="Sperrmüll-Termine 2027", slug="sperrmuell-2027", teaser="x", live=False
    )
    news_index.add_child(instance=article)
    article.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    assert client.get("/de/aktuelles/sperrmuell-2027/").status_code == 404

    Schedule.objects.filter(name="publish_scheduled").update(
        next_run=timezone.now() - timedelta(seconds=1)
    )
    scheduler(broker=get_broker())

    assert client.get("/de/aktuelles/sperrmuell-2027/").status_code == 200
    assert "/de/aktuelles/sperrmuell-2027/" in article_links(
        client.get("/de/aktuelles/").content.decode()
    )


def test_an_article_expires_at_its_time_by_the_scheduled_job(client, news_index):
    from django_q.brokers import get_broker
    from django_q.models import Schedule
    from django_q.scheduler import scheduler

    article = NewsPage.objects.get(slug="stadtfest-2026", locale=news_index.locale)
    article.expire_at = timezone.now() - timedelta(minutes=1)
    article.save()
    Schedule.objects.filter(name="publish_scheduled").update(
        next_run=timezone.now() - timedelta(seconds=1)
    )
    scheduler(broker=get_broker())

    article.refresh_from_db()
    assert not article.live and article.expired
    assert client.get("/de/aktuelles/stadtfest-2026/").status_code == 404


def test_a_translation_made_with_wagtail_localize_gets_the_english_categories(news_index, en):
    from wagtail_localize.models import TranslationSource

    article = NewsPage.objects.get(slug="baumpflanzaktion", locale=news_index.locale)
    source, _created = TranslationSource.get_or_create_from_instance(article)
    source.create_or_update_translation(en, fallback=True)
    translated = article.get_translation(en)
    assert [(c.slug, c.locale.language_code) for c in translated.categories.all()] == [
        ("environment", "en")
    ]


def test_publishing_an_article_purges_the_lists_and_feeds_that_show_it(
    caching_proxy, news_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = NewsPage(title="Neue Buslinie", slug="neue-buslinie", teaser="x")
        news_index.add_child(instance=article)
        article.save_revision().publish()
    paths = {url.split("/", 1)[1] for url in caching_proxy}
    assert {
        "de/aktuelles/neue-buslinie/",
        "de/aktuelles/",
        "de/aktuelles/feed/rss/",
        "de/aktuelles/umwelt/feed/atom/",
        "de/",
        "de/infomonitor/",
    } <= paths


def test_english_articles_are_filed_under_english_categories(client):
    html = client.get("/en/news/", {"category": "town-hall"}).content.decode()
    assert "/en/news/buergerbuero-online-termine/" in article_links(html)
    assert "Town hall" in html.split('class="article-list"', 1)[1]
