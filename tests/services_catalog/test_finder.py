"""The service finder and its search API: German-aware results, filters, promotions, synonyms,
logging, safe input, the same order in page and API, and the Elasticsearch fallback."""

import json
import os
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from home.models import SearchTermCount
from rathaus.search_backend import GermanElasticsearchBackend
from rathaus.settings.elasticsearch import elasticsearch_backend
from services_catalog.catalog import import_catalog
from services_catalog.models import (
    LifeSituation,
    OnlineFormPage,
    ServiceIndexPage,
    ServicePage,
    Synonym,
)

pytestmark = pytest.mark.django_db

CLOSED_PORT_URL = "http://127.0.0.1:9"
FINDER_DE = "/de/dienstleistungen/"
FINDER_EN = "/en/services/"
API = "/api/services/search"


def api(client, **params):
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return response.json()


def api_keys(client, q, lang="de", **params):
    return [r["key"] for r in api(client, q=q, lang=lang, **params)["results"]]


def finder_links(html: str) -> list[str]:
    """The service links of the finder's result list, in order."""
    results = html.split('class="service-results"', 1)
    if len(results) < 2:
        return []
    return re.findall(r'<h3 class="service-result__title"><a href="([^"]+)"', results[1])


# --- Page rules ---------------------------------------------------------------------------------


def test_page_types_live_where_they_belong(home_de):
    finder = ServiceIndexPage.objects.get(locale=home_de.locale)
    service = ServicePage.objects.filter(locale=home_de.locale).first()
    assert ServiceIndexPage.can_exist_under(home_de)
    assert ServicePage.can_exist_under(finder)
    assert not ServicePage.can_exist_under(home_de)
    assert OnlineFormPage.can_exist_under(finder)
    assert not ServicePage.can_exist_under(service)
    # One finder per home page.
    assert not ServiceIndexPage.can_create_at(home_de)


# --- What citizens type -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("hund anmelden", "hund-anmelden"),
        ("Hundeanmeldung", "hund-anmelden"),
        ("Hunde anmelden", "hund-anmelden"),
        ("perso verloren", "personalausweis-verlust-melden"),
        ("Wohngeld", "wohngeld-beantragen"),
        ("Wie melde ich meinen Hund ab?", "hund-abmelden"),
        ("führungszeugnis", "fuehrungszeugnis-beantragen"),
        ("fuehrungszeugnis", "fuehrungszeugnis-beantragen"),
        ("fuhrungszeugnis", "fuehrungszeugnis-beantragen"),
        ("personalausweiss", "personalausweis-beantragen"),
        ("Reisepas", "reisepass-beantragen"),
        ("Hochzeit", "eheschliessung-anmelden"),
    ],
)
def test_the_right_service_comes_first(client, query, expected):
    assert api_keys(client, query)[0] == expected


def test_a_new_flat_leads_to_registering_the_address(client):
    assert "wohnsitz-anmelden" in api_keys(client, "neue Wohnung")[:3]


def test_english_queries_find_english_services(client):
    data = api(client, q="register my dog", lang="en")
    assert data["results"][0]["key"] == "hund-anmelden"
    assert data["results"][0]["url"].startswith("http://testserver/en/services/")


def test_finder_page_and_api_list_the_same_services_in_the_same_order(client):
    for query in ["hund", "ausweis", "umzug", "gewerbe"]:
        html = client.get(FINDER_DE, {"q": query}).content.decode()
        page_urls = finder_links(html)
        data = api(client, q=query, lang="de", limit=50)
        api_urls = [r["url"].removeprefix("http://testserver") for r in data["results"]]
        assert page_urls == api_urls[: len(page_urls)]
        assert len(page_urls) == min(data["count"], 20)


def test_api_answers_in_the_documented_shape(client):
    data = api(client, q="hund anmelden", lang="de", limit=3)
    assert data["query"] == "hund anmelden"
    assert data["count"] >= len(data["results"]) == 3
    first = data["results"][0]
    assert set(first) == {"key", "title", "url", "summary", "online"}
    assert first["title"].startswith("Hund anmelden")
    assert first["online"] is True


def test_api_rejects_an_unknown_language_with_a_message(client):
    response = client.get(API, {"q": "hund", "lang": "fr"})
    assert response.status_code == 400
    assert "fr" in response.json()["message"]
    assert client.get(API, {"q": "hund", "limit": "zehn"}).status_code == 400


def test_an_empty_query_lists_every_service_from_a_to_z(client, de):
    data = api(client, q="", lang="de", limit=50)
    live = ServicePage.objects.live().filter(locale=de).count()
    assert data["count"] == live
    titles = [r["title"] for r in data["results"]]
    assert titles == sorted(titles, key=lambda t: t.lower().replace("ü", "u").replace("ä", "a"))


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        '"hund" AND (anmelden OR *) ~2 ^3 -abmelden',
        "'; DROP TABLE wagtailcore_page; --",
        "\x00\x01 hund",
        "<script>alert(1)</script>",
        "hund:anmelden field:title",
    ],
)
def test_any_input_is_safe(client, query):
    assert client.get(API, {"q": query, "lang": "de"}).status_code == 200
    response = client.get(FINDER_DE, {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_no_results_offer_suggestions_and_the_town_contact(client):
    html = client.get(FINDER_DE, {"q": "zzzqqq wwwkkk"}).content.decode()
    assert finder_links(html) == []
    assert "contact-box" in html
    assert "tel:" in html
    assert 'href="/de/dienstleistungen/">' in html  # the A–Z list


def test_did_you_mean_offers_known_words_for_a_badly_mistyped_query(client):
    html = client.get(FINDER_DE, {"q": "Wohnngeldd"}).content.decode()
    if finder_links(html):
        assert finder_links(html)[0] == "/de/dienstleistungen/wohngeld-beantragen/"
    else:
        assert 'href="/de/dienstleistungen/?q=wohngeld"' in html


# --- Filters and browsing -----------------------------------------------------------------------


def test_filter_by_life_situation(client, de):
    animals = LifeSituation.objects.get(locale=de, name="Tiere")
    html = client.get(FINDER_DE, {"situation": animals.slug}).content.decode()
    links = finder_links(html)
    expected = ServicePage.objects.live().filter(locale=de, life_situations=animals)
    assert len(links) == expected.count() > 0
    assert "/de/dienstleistungen/hund-anmelden/" in links


def test_filter_by_department_and_online(client, de):
    from services_catalog.models import Department

    office = Department.objects.get(locale=de, name="Standesamt")
    links = finder_links(client.get(FINDER_DE, {"department": office.pk}).content.decode())
    assert links
    for link in links:
        page = ServicePage.objects.get(url_path__endswith=link.removeprefix("/de"))
        assert page.department_id == office.pk
    online = finder_links(client.get(FINDER_DE, {"online": "1", "q": "hund"}).content.decode())
    all_results = finder_links(client.get(FINDER_DE, {"q": "hund"}).content.decode())
    assert online and set(online) < set(all_results)
    for link in online:
        page = ServicePage.objects.get(url_path__endswith=link.removeprefix("/de"))
        assert page.live_online_forms()


def test_the_finder_shows_life_situations_and_the_a_to_z_list(client):
    html = client.get(FINDER_DE).content.decode()
    assert 'id="situations-title"' in html
    assert 'href="#letter-H"' in html
    assert "/de/dienstleistungen/hund-anmelden/" in html
    assert "badge--online" in html


def test_the_home_page_has_the_service_search(client):
    html = client.get("/de/").content.decode()
    assert "data-service-finder" in html
    assert 'action="/de/dienstleistungen/"' in html


# --- What editors control -----------------------------------------------------------------------


def test_search_promotions_come_first(client, de):
    promoted = ServicePage.objects.get(locale=de, key="sperrmuell-anmelden")
    query = Query.get("hund")
    SearchPromotion.objects.create(query=query, page=promoted, sort_order=0)
    assert api_keys(client, "hund")[0] == "sperrmuell-anmelden"
    links = finder_links(client.get(FINDER_DE, {"q": "hund"}).content.decode())
    assert links[0] == promoted.url


def test_synonyms_from_the_admin_list_are_used_at_once(client):
    assert "hund-anmelden" not in api_keys(client, "Wauwau")
    Synonym.objects.create(words="Wauwau, Hund")
    assert api_keys(client, "Wauwau")[0] in {"hund-anmelden", "hund-abmelden"}


def test_a_published_change_is_found_at_once(client, de):
    page = ServicePage.objects.get(locale=de, key="fischereischein")
    assert "fischereischein" not in api_keys(client, "Zauberwort")
    page.keywords = page.keywords + ", Zauberwort"
    page.save_revision().publish()
    assert api_keys(client, "Zauberwort")[0] == "fischereischein"
    page.unpublish()
    assert "fischereischein" not in api_keys(client, "Zauberwort")


def test_searches_are_logged_but_autocomplete_keystrokes_are_not(client):
    client.get(FINDER_DE, {"q": "Hundesteuer"})
    client.get(API, {"q": "hundest", "lang": "de", "autocomplete": "1"})
    client.get(API, {"q": "zzzqqqxx", "lang": "de"})
    terms = {row.term: row for row in SearchTermCount.objects.filter(area="services")}
    assert terms["hundesteuer"].searches == 1
    assert "hundest" not in terms
    assert terms["zzzqqqxx"].without_results == 1


# --- Query counts -------------------------------------------------------------------------------


def add_services(number, start=0):
    import_catalog(
        {
            "format": "services-catalog/1",
            "services": [
                {
                    "key": f"test-{i}",
                    "name": f"Testleistung {i}",
                    "summary": f"Eine Testleistung Nummer {i} für die Zählung.",
                    "keywords": ["Testwort"],
                    "life_situations": ["Tiere"],
                    "department": "Bürgerbüro",
                    "online_forms": [{"title": "Online", "url": f"https://portal.example/{i}"}],
                }
                for i in range(start, start + number)
            ],
        }
    )


def count_queries(client, url, params=None):
    client.get(url, params)  # the first request after a change rebuilds the index
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url, params",
    [
        (FINDER_DE, None),
        (FINDER_DE, {"q": "Testleistung"}),
        (FINDER_DE, {"situation": "tiere"}),
        (API, {"q": "Testleistung", "lang": "de", "limit": 50}),
        (API, {"q": "", "lang": "de", "limit": 50}),
        ("/de/dienstleistungen/hund-anmelden/", None),
    ],
)
def test_queries_do_not_grow_with_the_number_of_services(client, url, params):
    add_services(10)
    few = count_queries(client, url, params)
    add_services(490, start=10)
    many = count_queries(client, url, params)
    assert many == few


# --- Elasticsearch ------------------------------------------------------------------------------


@override_settings(
    WAGTAILSEARCH_BACKENDS={
        "default": elasticsearch_backend([CLOSED_PORT_URL], timeout=1),
        "database": {"BACKEND": "wagtail.search.backends.database"},
    }
)
def test_the_finder_answers_when_elasticsearch_does_not(client):
    assert api_keys(client, "hund anmelden")[0] == "hund-anmelden"
    html = client.get(FINDER_DE, {"q": "perso verloren"}).content.decode()
    assert finder_links(html)[0] == "/de/dienstleistungen/personalausweis-verlust-melden/"


def test_elasticsearch_index_settings_carry_the_editors_synonyms(db):
    Synonym.objects.create(words="Perso, Personalausweis, ID card")
    backend = GermanElasticsearchBackend(elasticsearch_backend([CLOSED_PORT_URL]))
    settings = backend.index_settings()
    analysis = settings["settings"]["analysis"]
    assert "perso, personalausweis, id card" in analysis["filter"]["editor_synonyms"]["synonyms"]
    assert analysis["analyzer"]["default_search"]["filter"][:2] == ["lowercase", "editor_synonyms"]
    # Autocomplete queries fold umlauts like the autocomplete index does (wagtail#13005).
    mapping = backend.mapping_class(ServicePage).get_mapping()
    text = json.dumps(mapping)
    assert '"search_analyzer": "autocomplete_search"' in text
    assert "german_normalization" in analysis["analyzer"]["autocomplete_search"]["filter"]


# --- The relevance benchmark --------------------------------------------------------------------


def test_relevance_does_not_fall_below_what_we_reached(db):
    from services_catalog.relevance import measure

    report = measure()
    assert report.overall.queries >= 150
    assert report.overall.hit3 >= 0.95, report.overall.misses
    for kind, score in report.by_kind.items():
        assert score.hit3 >= 0.85, (kind, score.misses)
    assert report.overall.mrr >= 0.9


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="needs an Elasticsearch server (ELASTICSEARCH_URL)",
)
def test_the_finder_with_a_real_elasticsearch(client, settings):
    from django.core.management import call_command

    settings.WAGTAILSEARCH_BACKENDS = {
        "default": elasticsearch_backend(
            os.environ["ELASTICSEARCH_URL"].split(","), "rathaus_test_services_"
        ),
        "database": {"BACKEND": "wagtail.search.backends.database"},
    }
    Synonym.objects.create(words="Wauwau, Hund")
    call_command("update_index", verbosity=0)
    assert api_keys(client, "hund anmelden")[0] == "hund-anmelden"
    assert "hund-anmelden" in api_keys(client, "Hundeanmeldung")[:3]
    assert "hund-anmelden" in api_keys(client, "Wauwau")[:3]
    assert "fuehrungszeugnis-beantragen" in api_keys(client, "fuhrungszeugnis")[:3]
