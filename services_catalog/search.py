"""The service finder's results, shared by the finder page and the search API so that both list
exactly the same services in exactly the same order.

The in-memory index of :mod:`services_catalog.finder` is built per language and kept per
process until ``CatalogVersion`` changes (one small query per search tells).
"""

import logging
import threading
from dataclasses import dataclass

from django.db.models import Q
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from home.search_log import promotions_for

from . import finder
from .models import (
    CatalogVersion,
    Department,
    LifeSituation,
    ServiceOnlineForm,
    ServicePage,
    Synonym,
)

logger = logging.getLogger(__name__)

_indexes: dict = {}
_lock = threading.Lock()


def load_rows(locale: Locale) -> list[dict]:
    """The live, public services of ``locale`` with everything the finder indexes and shows."""
    pages = list(
        ServicePage.objects.live()
        .public()
        .filter(locale=locale)
        .values(
            "id",
            "key",
            "title",
            "slug",
            "path",
            "depth",
            "summary",
            "keywords",
            "description",
            "requirements",
            "documents",
            "fees",
            "deadlines",
            "department_id",
        )
    )
    ids = [page["id"] for page in pages]
    through = ServicePage.life_situations.through
    situations = {}
    for link in through.objects.filter(servicepage_id__in=ids).values(
        "servicepage_id", "lifesituation_id", "lifesituation__name"
    ):
        situations.setdefault(link["servicepage_id"], []).append(
            (link["lifesituation_id"], link["lifesituation__name"])
        )
    departments = dict(
        Department.objects.filter(services__in=ids).distinct().values_list("id", "name")
    )
    online = set(
        ServiceOnlineForm.objects.filter(page_id__in=ids)
        .filter(Q(form_page__isnull=True, url__gt="") | Q(form_page__live=True))
        .values_list("page_id", flat=True)
    )
    parent_urls = {}
    parent_paths = {page["path"][: -Page.steplen] for page in pages}
    for parent in Page.objects.filter(path__in=parent_paths):
        parent_urls[parent.path] = parent.get_url() or ""
    rows = []
    for page in pages:
        links = situations.get(page["id"], [])
        parent_url = parent_urls.get(page["path"][: -Page.steplen], "")
        rows.append(
            {
                **page,
                "url": f"{parent_url}{page['slug']}/" if parent_url else "",
                "online": page["id"] in online,
                "situation_ids": [situation_id for situation_id, _name in links],
                "situations": [name for _id, name in links],
                "department": departments.get(page["department_id"], ""),
                "details": " ".join(
                    [page["requirements"], page["documents"], page["fees"], page["deadlines"]]
                ),
            }
        )
    return rows


def service_index(locale: Locale) -> finder.ServiceIndex:
    """The finder's index of ``locale``'s services, rebuilt when the catalog has changed."""
    version = CatalogVersion.current()
    cached = _indexes.get(locale.pk)
    if cached and cached[0] == version:
        return cached[1]
    with _lock:
        synonyms = [synonym.word_list() for synonym in Synonym.objects.all()]
        index = finder.build_index(load_rows(locale), synonyms)
        _indexes[locale.pk] = (version, index)
    return index


@dataclass
class Filters:
    """What the finder's result list may be narrowed to."""

    situation: LifeSituation | None = None
    department: Department | None = None
    online_only: bool = False

    def __bool__(self):
        return bool(self.situation or self.department or self.online_only)

    def allows(self, entry: finder.ServiceEntry) -> bool:
        if self.situation and self.situation.pk not in entry.situation_ids:
            return False
        if self.department and entry.department_id != self.department.pk:
            return False
        return not (self.online_only and not entry.online)


def find_services(query: str, locale: Locale, filters: Filters | None = None) -> list:
    """The services for ``query`` in the finder's order: the editors' search promotions first,
    then the best matches. Without a query: every service from A to Z."""
    index = service_index(locale)
    filters = filters or Filters()
    if not query:
        entries = sorted(index.entries, key=lambda entry: entry.sort_title)
        return [entry for entry in entries if filters.allows(entry)]
    positions = None
    if finder.uses_elasticsearch():
        try:
            positions = elasticsearch_positions(query, locale, index)
        except Exception as error:  # noqa: BLE001 - any failure: answer from the database
            logger.warning("Elasticsearch did not answer the service finder: %s", error)
    if positions is None:
        positions = finder.rank(query, index)
    entries = [index.entries[position] for position in positions]
    by_id = {entry.id: entry for entry in index.entries}
    promoted = [
        by_id[pick.page_id] for pick in promotions_for(query, locale) if pick.page_id in by_id
    ]
    promoted_ids = {entry.id for entry in promoted}
    ordered = promoted + [entry for entry in entries if entry.id not in promoted_ids]
    return [entry for entry in ordered if filters.allows(entry)]


def elasticsearch_positions(query: str, locale: Locale, index: finder.ServiceIndex) -> list[int]:
    """Rank with Elasticsearch (German analysis, synonyms, fuzzy matching)."""
    from wagtail.search.query import Fuzzy

    backend = get_search_backend("default")
    services = ServicePage.objects.live().public().filter(locale=locale)
    results = backend.search(Fuzzy(query), services)
    position_of = {entry.id: position for position, entry in enumerate(index.entries)}
    ids = [page.pk for page in results[:500]]
    return [position_of[pk] for pk in ids if pk in position_of]


def forget_indexes() -> None:
    """Drop every process-local index (tests, and after an import in this process)."""
    _indexes.clear()
