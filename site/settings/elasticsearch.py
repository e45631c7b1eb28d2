"""The Elasticsearch 8 backend settings: Wagtail's backend with German analysis.

Kept apart from base.py so that tests can hand the very same settings to the real backend
class without an Elasticsearch server.
"""

GERMAN_ANALYSIS = {
    "filter": {
        "german_stop": {"type": "stop", "stopwords": "_german_"},
        "german_stemmer": {"type": "stemmer", "language": "light_german"},
    },
    "analyzer": {
        # Every full-text field: lower case, umlauts and ß folded (ä = ae = a), stop words
        # dropped, inflections reduced to their stem (Hunde -> hund).
        "default": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [
                "lowercase",
                "german_stop",
                "german_normalization",
                "german_stemmer",
                "asciifolding",
            ],
        },
        # Queries are analysed the same way; rathaus.search_backend adds the editors' synonyms
        # to this analyzer when it creates the index.
        "default_search": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [
                "lowercase",
                "german_stop",
                "german_normalization",
                "german_stemmer",
                "asciifolding",
            ],
        },
        # Wagtail's autocomplete analyzers, with umlauts folded as well, and the analyzer that
        # autocomplete queries get (wagtail/wagtail#13005: Wagtail's is "standard", which does
        # not fold, so "Bäckerei" would not find "backerei").
        "edgengram_analyzer": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "german_normalization", "asciifolding", "edgengram"],
        },
        "ngram_analyzer": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "german_normalization", "asciifolding", "ngram"],
        },
        "autocomplete_search": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "german_normalization", "asciifolding"],
        },
    },
}


def elasticsearch_backend(urls, index_prefix="rathaus_", timeout=5):
    """WAGTAILSEARCH_BACKENDS entry for an Elasticsearch 8 cluster at ``urls``."""
    return {
        "BACKEND": "rathaus.search_backend",
        "URLS": urls,
        "INDEX_PREFIX": index_prefix,
        "TIMEOUT": timeout,
        # Fail fast: when the cluster does not answer, the database backend answers instead.
        "OPTIONS": {"max_retries": 0, "retry_on_timeout": False},
        "INDEX_SETTINGS": {"settings": {"analysis": GERMAN_ANALYSIS}},
    }
