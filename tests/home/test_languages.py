"""Language switcher, hreflang alternates and the sitemap of every language."""

import re

import pytest

pytestmark = pytest.mark.django_db


def switcher_links(html):
    nav = html.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    return dict(re.findall(r'href="([^"]+)" hreflang="(\w+)"', nav))


def alternates(html):
    return {lang: href for lang, href in re.findall(r'hreflang="([\w-]+)" href="([^"]+)"', html)}


def test_switcher_leads_to_the_same_page_in_the_other_language(client):
    links = switcher_links(client.get("/de/rathaus-und-politik/buergermeister/").content.decode())
    assert links == {"/en/town-hall-and-politics/mayor/": "en"}
    links = switcher_links(client.get("/en/town-hall-and-politics/mayor/").content.decode())
    assert links == {"/de/rathaus-und-politik/buergermeister/": "de"}


def test_switcher_leads_to_the_home_page_when_there_is_no_translation(client):
    links = switcher_links(client.get("/de/rathaus-und-politik/stadtrat/").content.decode())
    assert links == {"/en/": "en"}


def test_switcher_on_the_search_page_keeps_the_query(client):
    links = switcher_links(client.get("/de/suche/?q=Rathaus").content.decode())
    assert links == {"/en/search/?q=Rathaus": "en"}


def test_switcher_on_a_missing_page_leads_to_the_home_pages(client):
    html = client.get("/de/gibt-es-nicht/").content.decode()
    assert switcher_links(html) == {"/en/": "en"}
    assert alternates(html) == {}


def test_hreflang_alternates_name_every_translation(client):
    html = client.get("/de/kontakt/").content.decode()
    assert alternates(html) == {
        "de": "http://testserver/de/kontakt/",
        "x-default": "http://testserver/de/kontakt/",
        "en": "http://testserver/en/contact/",
    }


def test_no_hreflang_for_a_missing_translation(client):
    html = client.get("/de/rathaus-und-politik/stadtrat/").content.decode()
    assert set(alternates(html)) == {"de", "x-default"}


def test_sitemap_lists_the_pages_of_every_language(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    paths = {re.sub(r"^https?://[^/]+", "", loc) for loc in locations}
    assert {
        "/de/",
        "/en/",
        "/de/kontakt/",
        "/en/contact/",
        "/de/rathaus-und-politik/stadtrat/",
    } <= paths
    assert len(paths) == len(locations), "no page is listed twice"


def test_sitemap_leaves_out_unpublished_pages(client, home_de):
    page = home_de.get_children().get(slug="impressum")
    page.unpublish()
    locations = client.get("/sitemap.xml").content.decode()
    assert "/de/impressum/" not in locations
    assert "/en/legal-notice/" in locations


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
