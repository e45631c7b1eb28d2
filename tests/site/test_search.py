"""The site-wide search page: current language only, promotions, logging, safe input, fallback."""

import os

import pytest
from django.test import override_settings
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from home.models import SearchTermCount
from rathaus.search_backend import GermanElasticsearchBackend
from rathaus.settings.elasticsearch import elasticsearch_backend

pytestmark = pytest.mark.django_db

CLOSED_PORT_URL = "http://127.0.0.1:9"


def result_links(html):
    if 'class="search-results"' not in html:
        return []
    results = html.split('<ol class="search-results"', 1)[1].split("</ol>", 1)[0]
    return [part.split('"', 1)[0] for part in results.split('<a href="')[1:]]


def test_finds_pages_by_their_content(client):
    links = result_links(client.get("/de/suche/", {"q": "Stadtrat"}).content.decode())
    assert "/de/rathaus-und-politik/stadtrat/" in links


def test_searches_only_the_current_language(client):
    german = result_links(client.get("/de/suche/", {"q": "Musterstadt"}).content.decode())
    english = result_links(client.get("/en/search/", {"q": "Musterstadt"}).content.decode())
    assert german and all(link.startswith("/de/") for link in german)
    assert english and all(link.startswith("/en/") for link in english)


def test_empty_search_shows_the_form_only(client):
    before = SearchTermCount.objects.count()  # (the demo has figures for the reach page)
    response = client.get("/de/suche/")
    assert response.status_code == 200
    assert 'id="search-page-q"' in response.content.decode()
    assert SearchTermCount.objects.count() == before


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        '"Rathaus',
        "Rathaus AND OR NOT",
        "(Rathaus) -Politik +Stadt*",
        "title:Rathaus^2 ~1",
        "NEAR(Rathaus Politik)",
        "'; DROP TABLE wagtailcore_page; --",
        "Straße\x00ä",
        "%_\\",
    ],
)
def test_any_input_is_safe(client, query):
    response = client.get("/de/suche/", {"q": query})
    assert response.status_code == 200


def test_results_are_paginated(client, home_de, django_capture_on_commit_callbacks):
    from home.models import StandardPage

    # The index is updated after the commit, by the queue (here: at once, synchronously).
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(12):
            home_de.add_child(
                instance=StandardPage(title=f"Sporthalle {number}", slug=f"sporthalle-{number}")
            )
    first = client.get("/de/suche/", {"q": "Sporthalle"}).content.decode()
    second = client.get("/de/suche/", {"q": "Sporthalle", "page": 2}).content.decode()
    assert "12 Ergebnisse" in first
    assert len(result_links(first)) == 10 and len(result_links(second)) == 2
    assert "?q=Sporthalle&amp;page=2" in first
    assert client.get("/de/suche/", {"q": "Sporthalle", "page": "x"}).status_code == 200
    assert client.get("/de/suche/", {"q": "Sporthalle", "page": 99}).status_code == 200


def test_every_search_is_logged_with_its_outcome(client):
    client.get("/de/suche/", {"q": "Stadtrat"})
    client.get("/de/suche/", {"q": "stadtrat"})
    client.get("/de/suche/", {"q": "Hundesteuer Xylophon"})
    found = SearchTermCount.objects.get(term="stadtrat")
    assert (found.searches, found.without_results, found.language, found.area) == (
        2,
        0,
        "de",
        "site",
    )
    assert SearchTermCount.objects.get(term="hundesteuer xylophon").without_results == 1
    assert Query.objects.get(query_string="stadtrat").hits == 2


def test_search_promotions_come_first_in_the_current_language(client, home_de, home_en):
    query = Query.get("wahl")
    contact_de = home_de.get_children().get(slug="kontakt")
    contact_en = home_en.get_children().get(slug="contact")
    SearchPromotion.objects.create(query=query, page=contact_de, sort_order=0)
    SearchPromotion.objects.create(query=query, page=contact_en, sort_order=1)
    SearchPromotion.objects.create(
        query=query,
        external_link_url="https://wahlen.example/",
        external_link_text="Wahlergebnisse",
        sort_order=2,
    )
    html = client.get("/de/suche/", {"q": "Wahl"}).content.decode()
    assert html.index('id="promotions-title"') < html.index('id="results-title"')
    promoted = html.split('id="promotions-title"', 1)[1].split("</section>", 1)[0]
    assert 'href="/de/kontakt/"' in promoted
    assert "/en/contact/" not in promoted
    assert "https://wahlen.example/" in promoted


@override_settings(
    WAGTAILSEARCH_BACKENDS={
        "default": elasticsearch_backend([CLOSED_PORT_URL], timeout=1),
        "database": {"BACKEND": "wagtail.search.backends.database"},
    }
)
def test_search_falls_back_to_the_database_when_elasticsearch_does_not_answer(client):
    response = client.get("/de/suche/", {"q": "Stadtrat"})
    assert response.status_code == 200
    assert "/de/rathaus-und-politik/stadtrat/" in result_links(response.content.decode())


def test_elasticsearch_index_settings_use_german_analysis():
    """Our settings as the real Elasticsearch 8 backend class merges them into its index."""
    backend = GermanElasticsearchBackend(elasticsearch_backend([CLOSED_PORT_URL]))
    analysis = backend.settings["settings"]["analysis"]
    assert "german_normalization" in analysis["analyzer"]["default"]["filter"]
    assert "german_stemmer" in analysis["analyzer"]["default"]["filter"]
    assert "german_normalization" in analysis["analyzer"]["edgengram_analyzer"]["filter"]
    # Wagtail's own parts of the index settings are kept.
    assert analysis["filter"]["edgengram"]["type"] == "edge_ngram"
    assert backend.index_prefix == "rathaus_"


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="needs an Elasticsearch server (ELASTICSEARCH_URL)",
)
def test_search_with_a_real_elasticsearch(client, settings):
    from django.core.management import call_command

    settings.WAGTAILSEARCH_BACKENDS = {
        "default": elasticsearch_backend(
            os.environ["ELASTICSEARCH_URL"].split(","), "rathaus_test_"
        ),
    }
    call_command("update_index", verbosity=0)
    html = client.get("/de/suche/", {"q": "Stadtraete"}).content.decode()
    assert "/de/rathaus-und-politik/stadtrat/" in result_links(html)
