"""Reach statistics for communications staff: plain functions over the daily totals that the
service pages, the "start online" redirect, the short links and the search pages count.

Every function takes a period (first and last day, both included, in the town's time zone) and
answers with a constant number of queries, however many services there are. Nothing here knows
a visitor: the counters hold one number per thing and day.

The timeline and the totals can be of one service page (``service``, its id): views, starts
and the visits of its short links. Search terms are only ever shown when searched at least
``min_searches()`` times in the period: people type names into search boxes.

Read from top to bottom: periods and their buckets, the timeline, the table per service, the
search terms.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from home.models import SearchTermCount
from services_catalog.models import OnlineStartCount, ServicePage, ServicePageViewCount

from .models import ShortLinkVisit

#: How the timeline is divided, with the words the filter form shows.
GRANULARITIES = {
    "day": gettext_lazy("Days"),
    "week": gettext_lazy("Weeks"),
    "month": gettext_lazy("Months"),
}

#: The four counts of the timeline and the service table, in the order they are shown.
SERIES = {
    "views": gettext_lazy("Page views"),
    "starts": gettext_lazy("“Start online” clicks"),
    "qr": gettext_lazy("QR code scans"),
    "links": gettext_lazy("Short link visits"),
}

#: Names of the places that log searches ("area" of ``SearchTermCount``).
SEARCH_AREAS = {
    "site": gettext_lazy("Site search"),
    "services": gettext_lazy("Service finder"),
}

#: More buckets than this make a chart nobody can read; the form refuses them.
MAX_BUCKETS = 400


# --- Periods and buckets -----------------------------------------------------------------------


def bucket_start(day: date, granularity: str) -> date:
    """The first day of the bucket ``day`` falls in: the day itself, its week's Monday (ISO
    weeks) or the first of its month."""
    if granularity == "day":
        return day
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown granularity {granularity!r}")


def next_bucket(start: date, granularity: str) -> date:
    """The first day of the bucket after the one starting on ``start``."""
    if granularity == "day":
        return start + timedelta(days=1)
    if granularity == "week":
        return start + timedelta(weeks=1)
    if start.month == 12:
        return date(start.year + 1, 1, 1)
    return date(start.year, start.month + 1, 1)


def bucket_starts(start: date, end: date, granularity: str) -> list[date]:
    """The first day of every bucket that touches the period, in order, without gaps."""
    starts = []
    current = bucket_start(start, granularity)
    while current <= end:
        starts.append(current)
        current = next_bucket(current, granularity)
    return starts


def bucket_count(start: date, end: date, granularity: str) -> int:
    """How many buckets the period has (without building them), to refuse unreadable charts."""
    if granularity == "day":
        return (end - start).days + 1
    if granularity == "week":
        return (bucket_start(end, "week") - bucket_start(start, "week")).days // 7 + 1
    return (end.year - start.year) * 12 + end.month - start.month + 1


def bucket_labels(start: date, granularity: str) -> tuple[str, str]:
    """A bucket's name in the active language, in full (tables, CSV) and short (chart axis):
    "3. November 2026" / "03.11."; "KW 45 2026" / "KW 45"; "November 2026" / "Nov 2026"."""
    if granularity == "day":
        return date_format(start, "DATE_FORMAT"), date_format(start, "d.m.")
    if granularity == "week":
        year, week, _weekday = start.isocalendar()
        return (
            _("Week %(week)d %(year)d") % {"week": week, "year": year},
            _("Wk %(week)d") % {"week": week},
        )
    return date_format(start, "F Y"), date_format(start, "M Y")


def rate(starts: int, views: int) -> float | None:
    """Starts per page view (0.25 for one start in four views); None without views."""
    return starts / views if views else None


# --- The timeline ------------------------------------------------------------------------------


@dataclass
class Bucket:
    """One day, week or month of the timeline with its four totals. ``first_day`` and
    ``last_day`` are the days of the bucket inside the period: the first and last week or month
    of a period are often only partly in it and count only those days."""

    start: date
    first_day: date
    last_day: date
    label: str
    short_label: str
    views: int = 0
    starts: int = 0
    qr: int = 0
    links: int = 0

    @property
    def start_rate(self) -> float | None:
        return rate(self.starts, self.views)


@dataclass
class Totals:
    """The four totals of a period (or of a service)."""

    views: int = 0
    starts: int = 0
    qr: int = 0
    links: int = 0

    @property
    def start_rate(self) -> float | None:
        return rate(self.starts, self.views)


def _in_language(queryset, service_path: str, language: str | None, service: int | None = None):
    """``queryset`` of counts limited to the pages in ``language`` and to the service page
    ``service`` (an id), each when given; ``service_path`` leads from a count to its page."""
    if language:
        queryset = queryset.filter(**{f"{service_path}__locale__language_code": language})
    if service:
        queryset = queryset.filter(**{f"{service_path}_id": service})
    return queryset


def daily_totals(
    start: date, end: date, language: str | None = None, service: int | None = None
) -> dict[date, Totals]:
    """The four totals of every day in the period that has any, across all services (of
    ``language``'s pages only, of the service page ``service`` only, when given); three
    queries."""
    days: dict[date, Totals] = {}
    period = {"date__range": (start, end)}
    for model, series in ((ServicePageViewCount, "views"), (OnlineStartCount, "starts")):
        rows = (
            _in_language(model.objects.filter(**period), "service", language, service)
            .values("date")
            .annotate(total=Sum("count"))
            .order_by()
        )
        for row in rows:
            totals = days.setdefault(row["date"], Totals())
            setattr(totals, series, getattr(totals, series) + row["total"])
    visits = (
        _in_language(
            ShortLinkVisit.objects.filter(**period), "short_link__service", language, service
        )
        .values("date", "channel")
        .annotate(total=Sum("count"))
        .order_by()
    )
    for row in visits:
        totals = days.setdefault(row["date"], Totals())
        if row["channel"] == ShortLinkVisit.Channel.QR:
            totals.qr += row["total"]
        else:
            totals.links += row["total"]
    return days


def timeline(
    start: date,
    end: date,
    granularity: str = "day",
    language: str | None = None,
    service: int | None = None,
) -> list[Bucket]:
    """The four totals per day, week (from Monday) or month of the period, every bucket
    present, also those without any count, so that charts have no gaps; of all services or of
    the service page ``service`` (its views, starts and its short links' visits); three
    queries."""
    buckets = []
    for bucket in bucket_starts(start, end, granularity):
        label, short_label = bucket_labels(bucket, granularity)
        last = next_bucket(bucket, granularity) - timedelta(days=1)
        buckets.append(Bucket(bucket, max(bucket, start), min(last, end), label, short_label))
    by_start = {bucket.start: bucket for bucket in buckets}
    for day, totals in daily_totals(start, end, language, service).items():
        bucket = by_start[bucket_start(day, granularity)]
        for series in SERIES:
            setattr(bucket, series, getattr(bucket, series) + getattr(totals, series))
    return buckets


def sum_up(rows) -> Totals:
    """The totals of timeline buckets or service rows added up (no query)."""
    totals = Totals()
    for row in rows:
        for series in SERIES:
            setattr(totals, series, getattr(totals, series) + getattr(row, series))
    return totals


def period_totals(
    start: date, end: date, language: str | None = None, service: int | None = None
) -> Totals:
    """The four totals of the whole period, e.g. for the dashboard; three queries."""
    return sum_up(daily_totals(start, end, language, service).values())


# --- Per service -------------------------------------------------------------------------------

#: The columns the service table can be sorted by.
SERVICE_ORDERS = ("title", "language", "views", "starts", "start_rate", "qr", "links")
DEFAULT_SERVICE_ORDER = "-views"


@dataclass
class ServiceRow:
    """One service page's totals in the period. A service's German and English pages are
    separate pages with separate counts, so each is a row of its own, with its language."""

    service_id: int
    title: str = ""
    language: str = ""
    views: int = 0
    starts: int = 0
    qr: int = 0
    links: int = 0

    @property
    def start_rate(self) -> float | None:
        return rate(self.starts, self.views)


def _sort_text(text: str) -> str:
    # "Änderung" belongs with the A's: compare without accents, ignoring case.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def sort_service_rows(rows: list[ServiceRow], order: str = DEFAULT_SERVICE_ORDER) -> list:
    """``rows`` sorted by a column of ``SERVICE_ORDERS``, descending with a leading "-"; rows
    without a start rate (no views) come last either way, ties go by title and language."""
    descending = order.startswith("-")
    column = order.lstrip("-")
    if column not in SERVICE_ORDERS:
        raise ValueError(f"unknown order {order!r}")
    rows = sorted(rows, key=lambda row: (_sort_text(row.title), row.language))
    if column == "title":
        return list(reversed(rows)) if descending else rows
    if column == "language":
        return sorted(rows, key=lambda row: row.language, reverse=descending)
    known = [row for row in rows if getattr(row, column) is not None]
    unknown = [row for row in rows if getattr(row, column) is None]
    return sorted(known, key=lambda row: getattr(row, column), reverse=descending) + unknown


def service_rows(
    start: date,
    end: date,
    language: str | None = None,
    order: str = DEFAULT_SERVICE_ORDER,
    include_unvisited: bool = False,
) -> list[ServiceRow]:
    """The totals of every service page counted in the period, sorted by ``order`` (see
    ``sort_service_rows``). Pages without any count in the period are left out, unless
    ``include_unvisited``: then every live service page (in ``language``) is listed, those
    nobody found with zeros. Four queries: three totals grouped by service and one for the
    titles."""
    period = {"date__range": (start, end)}
    rows: dict[int, ServiceRow] = {}
    for model, series in ((ServicePageViewCount, "views"), (OnlineStartCount, "starts")):
        counts = (
            _in_language(model.objects.filter(**period), "service", language)
            .values("service_id")
            .annotate(total=Sum("count"))
            .order_by()
        )
        for row in counts:
            service = rows.setdefault(row["service_id"], ServiceRow(row["service_id"]))
            setattr(service, series, row["total"])
    visits = (
        _in_language(ShortLinkVisit.objects.filter(**period), "short_link__service", language)
        .values("short_link__service_id", "channel")
        .annotate(total=Sum("count"))
        .order_by()
    )
    for row in visits:
        service_id = row["short_link__service_id"]
        if service_id is None:  # links of a deleted service: counted in the totals only
            continue
        service = rows.setdefault(service_id, ServiceRow(service_id))
        if row["channel"] == ShortLinkVisit.Channel.QR:
            service.qr += row["total"]
        else:
            service.links += row["total"]
    wanted = Q(pk__in=list(rows))
    if include_unvisited:
        live = Q(live=True)
        if language:
            live &= Q(locale__language_code=language)
        wanted |= live
    if rows or include_unvisited:
        pages = ServicePage.objects.filter(wanted).values_list(
            "pk", "title", "locale__language_code"
        )
        for pk, title, language_code in pages:
            row = rows.setdefault(pk, ServiceRow(pk))
            row.title = title
            row.language = language_code
    return sort_service_rows(list(rows.values()), order)


def service_choices(also: int | None = None) -> list[tuple[int, str, str]]:
    """The live service pages to filter by, as (id, title, language code), by title and
    language; and the page ``also`` (an id) even if it is not live, so that a service with
    counts from before it was unpublished can still be chosen. One query."""
    wanted = Q(live=True)
    if also:
        wanted |= Q(pk=also)
    pages = ServicePage.objects.filter(wanted).values_list("pk", "title", "locale__language_code")
    return sorted(pages, key=lambda page: (_sort_text(page[1]), page[2], page[0]))


# --- Search terms ------------------------------------------------------------------------------


#: A term searched fewer times than this in the period is never shown nor downloaded: the public
#: types names into search boxes, and a rare term is more likely one. The Django setting
#: ``REACH_MIN_SEARCHES`` changes it.
MIN_SEARCHES = 3


def min_searches() -> int:
    """How often a term must have been searched in the period to be shown (at least 1)."""
    return max(1, int(getattr(settings, "REACH_MIN_SEARCHES", MIN_SEARCHES)))


@dataclass
class SearchTermRow:
    """A term searched in the period: how often, and how often it found nothing."""

    term: str
    searches: int
    without_results: int


def _search_counts(start, end, language, area, at_least):
    """The terms' totals in the period (language and area when given), only those searched at
    least ``at_least`` times in them (``min_searches()`` when None)."""
    counts = SearchTermCount.objects.filter(date__range=(start, end))
    if language:
        counts = counts.filter(language=language)
    if area:
        counts = counts.filter(area=area)
    if at_least is None:
        at_least = min_searches()
    return (
        counts.values("term")
        .annotate(total=Sum("searches"), total_without=Sum("without_results"))
        .filter(total__gte=at_least)
        .order_by()
    )


def top_search_terms(
    start: date,
    end: date,
    *,
    language: str | None = None,
    area: str | None = None,
    limit: int | None = 20,
    at_least: int | None = None,
) -> list[SearchTermRow]:
    """The ``limit`` most searched terms of the period (all with ``limit=None``), most searched
    first, in one language and search area or all; only terms searched at least ``at_least``
    times (default ``min_searches()``) in them; one query."""
    counts = _search_counts(start, end, language, area, at_least).order_by("-total", "term")
    if limit is not None:
        counts = counts[:limit]
    return [SearchTermRow(row["term"], row["total"], row["total_without"]) for row in counts]


def zero_result_terms(
    start: date,
    end: date,
    *,
    language: str | None = None,
    area: str | None = None,
    limit: int | None = 20,
    at_least: int | None = None,
) -> list[SearchTermRow]:
    """The ``limit`` terms that most often found nothing in the period (all with
    ``limit=None``): what citizens look for and do not find; only terms searched at least
    ``at_least`` times (default ``min_searches()``) in them, found or not; one query."""
    counts = (
        _search_counts(start, end, language, area, at_least)
        .filter(total_without__gt=0)
        .order_by("-total_without", "term")
    )
    if limit is not None:
        counts = counts[:limit]
    return [SearchTermRow(row["term"], row["total"], row["total_without"]) for row in counts]


def search_area_choices() -> list[tuple[str, str]]:
    """The search areas to filter by: the known ones and any other the log holds; one query."""
    logged = set(SearchTermCount.objects.values_list("area", flat=True).distinct().order_by())
    choices = [(area, str(label)) for area, label in SEARCH_AREAS.items()]
    choices += [(area, area) for area in sorted(logged - set(SEARCH_AREAS))]
    return choices
