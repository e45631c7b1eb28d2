"""The service finder's relevance benchmark: does a citizen's query put the right service in the
top three?

The benchmark catalog (Musterstadt's 115 services, 30 of them in English), its synonym list and
at least 150 realistic queries live in ``catalogs/``. Each query names the services that must
appear among the first three results (hit@3 counts a query only when all of them do; hit@1 and
MRR look at the first expected service). :func:`measure` loads the catalog into the database
inside a transaction that is rolled back afterwards, asks the finder exactly as the finder page
and the API do (with the search backend in use), and reports hit@1, hit@3 and the mean
reciprocal rank, overall and per kind of query.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from wagtail.models import Locale

CATALOGS = Path(__file__).parent / "catalogs"
QUERIES = CATALOGS / "relevance-queries.json"


@dataclass
class Score:
    """hit@1, hit@3 and mean reciprocal rank over a number of queries."""

    queries: int = 0
    hits1: int = 0
    hits3: int = 0
    reciprocal: float = 0.0
    misses: list = field(default_factory=list)

    def add(self, query, keys):
        """Count one query whose results had ``keys``, in order."""
        expected = query["expected"]
        rank = first_rank(keys[:10], expected)
        all_in_top3 = all(key in keys[:3] for key in expected)
        self.queries += 1
        if rank is not None:
            self.hits1 += rank == 1
            self.reciprocal += 1 / rank
        self.hits3 += all_in_top3
        if not all_in_top3:
            self.misses.append((query, keys[:3]))

    @property
    def hit1(self):
        return self.hits1 / self.queries if self.queries else 0.0

    @property
    def hit3(self):
        return self.hits3 / self.queries if self.queries else 0.0

    @property
    def mrr(self):
        return self.reciprocal / self.queries if self.queries else 0.0


@dataclass
class Report:
    backend: str
    overall: Score
    by_kind: dict


class _Rollback(Exception):
    pass


def load_queries(path=QUERIES) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["queries"]


def first_rank(keys: list[str], expected: list[str]) -> int | None:
    """The 1-based rank of the first expected key in ``keys``, or None."""
    for rank, key in enumerate(keys, start=1):
        if key in expected:
            return rank
    return None


def measure(queries=None, load_catalog=True) -> Report:
    """Run the benchmark (see the module docstring). With ``load_catalog=False`` it measures the
    services the site has instead of the benchmark catalog."""
    from .finder import uses_elasticsearch
    from .search import find_services

    queries = queries if queries is not None else load_queries()
    overall, by_kind = Score(), defaultdict(Score)
    try:
        with transaction.atomic():
            if load_catalog:
                _load_benchmark_catalog()
            locales = {locale.language_code: locale for locale in Locale.objects.all()}
            for query in queries:
                locale = locales.get(query.get("lang", "de"))
                keys = [e.key for e in find_services(query["q"], locale)] if locale else []
                overall.add(query, keys)
                by_kind[query.get("kind", "other")].add(query, keys)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        if load_catalog:
            from .search import forget_indexes

            forget_indexes()
    backend = "elasticsearch" if uses_elasticsearch() else "database"
    return Report(backend=backend, overall=overall, by_kind=dict(sorted(by_kind.items())))


def _load_benchmark_catalog():
    from .catalog import import_catalog
    from .models import ServicePage, Synonym

    # Only the benchmark's services count: everything else the site has is taken offline (until
    # the rollback).
    ServicePage.objects.update(live=False)
    Synonym.objects.all().delete()
    groups = json.loads((CATALOGS / "synonyms.json").read_text(encoding="utf-8"))["synonyms"]
    Synonym.objects.bulk_create([Synonym(words=", ".join(group)) for group in groups])
    for language in ("de", "en"):
        data = json.loads((CATALOGS / f"musterstadt-{language}.json").read_text(encoding="utf-8"))
        import_catalog(data)
