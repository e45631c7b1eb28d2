"""``manage.py service_relevance``: the service finder's relevance benchmark (hit@1, hit@3, MRR)."""

import json

from django.core.management.base import BaseCommand

from services_catalog.relevance import QUERIES, load_queries, measure


class Command(BaseCommand):
    help = (
        "Measure how often the service finder puts the right service in the top 3, with the "
        "search backend in use. Loads the benchmark catalog in a transaction that is rolled "
        "back, so the site is not changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queries", default=str(QUERIES), help="queries file (JSON)")
        parser.add_argument(
            "--site",
            action="store_true",
            help="measure the site's own services instead of loading the benchmark catalog "
            "(use this with Elasticsearch, after importing the benchmark catalog on a staging "
            "site)",
        )
        parser.add_argument("--misses", action="store_true", help="list the queries that missed")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, queries, site, misses, **options):
        report = measure(load_queries(queries), load_catalog=not site)
        rows = [("overall", report.overall), *report.by_kind.items()]
        if options["json"]:
            self.stdout.write(
                _json_dumps(
                    {
                        "backend": report.backend,
                        **{
                            name: {
                                "queries": s.queries,
                                "hit@1": round(s.hit1, 4),
                                "hit@3": round(s.hit3, 4),
                                "mrr": round(s.mrr, 4),
                            }
                            for name, s in rows
                        },
                    }
                )
            )
            return
        self.stdout.write(f"Service finder relevance, backend: {report.backend}")
        self.stdout.write(f"{'kind':<12} {'queries':>7} {'hit@1':>7} {'hit@3':>7} {'MRR':>7}")
        for name, score in rows:
            self.stdout.write(
                f"{name:<12} {score.queries:>7} {score.hit1:>7.3f} {score.hit3:>7.3f} "
                f"{score.mrr:>7.3f}"
            )
        if misses:
            self.stdout.write("\nQueries without an expected service in the top 3:")
            for query, top3 in report.overall.misses:
                self.stdout.write(
                    f"  [{query.get('kind')}] {query['q']!r} ({query.get('lang', 'de')}): "
                    f"expected {', '.join(query['expected'])}; got {', '.join(top3) or 'nothing'}"
                )


def _json_dumps(data):
    return json.dumps(data, indent=2)
