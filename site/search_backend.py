"""Wagtail's Elasticsearch 8 backend with what a German town needs on top of our settings.

- The editors' synonym list (Services > Search synonyms) goes into the index settings as a
  ``synonym_graph`` filter of the search analyzer, so "Perso" finds "Personalausweis". The index
  settings are built when the index is (re)created: run ``manage.py update_index`` after
  changing synonyms. (The service finder's database ranking uses them at once.)
- Autocomplete fields are searched with an analyzer that folds umlauts like their index analyzer
  does; Wagtail searches them with the plain ``standard`` analyzer, so "Bäckerei" would not find
  what was indexed as "backerei" (wagtail/wagtail#13005).

Configured through ``rathaus.settings.elasticsearch.elasticsearch_backend``.
"""

from copy import deepcopy

from django.apps import apps
from django.db import DatabaseError
from modelsearch.backends.elasticsearch8 import (
    Elasticsearch8AutocompleteQueryCompiler,
    Elasticsearch8Index,
    Elasticsearch8Mapping,
    Elasticsearch8SearchBackend,
    Elasticsearch8SearchQueryCompiler,
)


class GermanMapping(Elasticsearch8Mapping):
    edgengram_analyzer_config = {
        "analyzer": "edgengram_analyzer",
        "search_analyzer": "autocomplete_search",
    }


class GermanIndex(Elasticsearch8Index):
    mapping_class = GermanMapping

    def put(self):
        self.es.indices.create(index=self.name, **self.backend.index_settings())


class GermanSearchQueryCompiler(Elasticsearch8SearchQueryCompiler):
    mapping_class = GermanMapping


class GermanAutocompleteQueryCompiler(Elasticsearch8AutocompleteQueryCompiler):
    mapping_class = GermanMapping


def editor_synonyms() -> list[str]:
    """The synonym list in Elasticsearch's Solr format: one line of equivalent words per group."""
    if not apps.is_installed("services_catalog"):
        return []
    synonym_model = apps.get_model("services_catalog", "Synonym")
    try:
        groups = [synonym.word_list() for synonym in synonym_model.objects.all()]
    except DatabaseError:
        return []
    lines = []
    for group in groups:
        words = [" ".join(w.lower().replace(",", " ").split()) for w in group]
        words = [w for w in words if w and "=>" not in w]
        if len(words) > 1:
            lines.append(", ".join(words))
    return lines


class GermanElasticsearchBackend(Elasticsearch8SearchBackend):
    mapping_class = GermanMapping
    index_class = GermanIndex
    query_compiler_class = GermanSearchQueryCompiler
    autocomplete_query_compiler_class = GermanAutocompleteQueryCompiler

    def index_settings(self) -> dict:
        """The index settings: ours and Wagtail's, plus today's synonym list."""
        settings = deepcopy(self.settings)
        analysis = settings["settings"]["analysis"]
        synonyms = editor_synonyms()
        if synonyms:
            analysis["filter"]["editor_synonyms"] = {
                "type": "synonym_graph",
                "synonyms": synonyms,
                "lenient": True,
            }
            search = analysis["analyzer"]["default_search"]
            search["filter"] = ["lowercase", "editor_synonyms", *search["filter"][1:]]
        return settings


SearchBackend = GermanElasticsearchBackend
