"""The InfoMonitor's page and data endpoint."""

from datetime import timedelta

import pytest
from django.utils import timezone

from news.models import InfoMonitorPage, NewsCategory, NoticePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def screen(de):
    return InfoMonitorPage.objects.get(locale=de)


def test_screen_page_renders_the_first_slide_and_the_clock(client):
    response = client.get("/de/infomonitor/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-url="/de/infomonitor/data/"' in html
    assert 'data-slide-seconds="12"' in html
    assert html.count('class="slide ') >= 5
    assert html.count(" hidden>") >= 4, "one slide visible at a time"


def test_data_endpoint_lists_current_content(client):
    response = client.get("/de/infomonitor/data/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["slide_seconds"] == 12 and data["refresh_seconds"] > 0
    kinds = [slide["kind"] for slide in data["slides"]]
    assert kinds.count("news") == 6
    titles = [slide["title"] for slide in data["slides"]]
    assert "Vollsperrung Schulstraße" in titles
    assert "Änderung der Hundesteuersatzung" not in titles, "expired"
    assert "Parkplatz am Freibad wird erneuert" not in titles, "not yet valid"


def test_editors_choose_categories_and_kinds_per_screen(client, screen):
    screen.categories.set([NewsCategory.objects.get(slug="umwelt", locale=screen.locale)])
    screen.show_construction_sites = False
    screen.slide_seconds = 30
    screen.save()
    data = client.get("/de/infomonitor/data/").json()
    news = [slide["title"] for slide in data["slides"] if slide["kind"] == "news"]
    assert set(news) == {
        "120 neue Bäume für Musterstadt",
        "Wertstoffhof: Winteröffnungszeiten",
        "Lärmaktionsplan: Ihre Meinung zählt",
    }
    assert not [slide for slide in data["slides"] if slide["kind"] == "construction"]
    assert data["slide_seconds"] == 30


def test_new_content_appears_without_anyone_touching_the_screen(client, screen):
    notices = NoticePage.objects.filter(locale=screen.locale, kind="construction")
    notice = notices.get(slug="baustelle-parkplatz")
    notice.valid_from = timezone.localdate() - timedelta(days=1)
    notice.save()
    titles = [slide["title"] for slide in client.get("/de/infomonitor/data/").json()["slides"]]
    assert "Parkplatz am Freibad wird erneuert" in titles


def test_english_screen_speaks_english(client):
    data = client.get("/en/infomonitor/data/").json()
    assert {slide["label"] for slide in data["slides"]} <= {
        "News",
        "Official notice",
        "Construction site",
        "Service of the month",
    }


def test_data_endpoint_queries_do_not_grow_with_the_number_of_slides(client, screen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get("/de/infomonitor/data/")
        return len(captured)

    queries()
    screen.news_count = 1
    screen.save()
    one = queries()
    screen.news_count = 12
    screen.save()
    assert queries() == one


def test_slides_carry_place_and_dates_in_the_screens_language(client):
    slides = client.get("/de/infomonitor/data/").json()["slides"]
    site = next(slide for slide in slides if slide["title"] == "Vollsperrung Schulstraße")
    assert site["meta"].startswith("Schulstraße zwischen Markt und Bahnhof · ")
    assert " bis " in site["meta"]


def test_the_screen_is_neither_in_the_sitemap_nor_in_the_site_search(client):
    assert "/infomonitor/" not in client.get("/sitemap.xml").content.decode()
    html = client.get("/de/suche/", {"q": "InfoMonitor"}).content.decode()
    assert "/de/infomonitor/" not in html.split("<main", 1)[1]
