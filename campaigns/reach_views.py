"""Reach statistics for communications staff, in the admin: page views, "start online" clicks,
QR scans and short-link visits over time (of all services or of one) and per service, and what
people searched for, with server-drawn charts and CSV downloads. The numbers come from
``reach.py``.

Read from top to bottom: who may see it, the filter, the charts, the page, the CSV download, the
menu item and the dashboard panel.
"""

import csv
import math
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import reach
from .material_views import can_use_material

# --- Who may see it ----------------------------------------------------------------------------


def can_view_reach(user) -> bool:
    """Superusers, and admin users who may use the material (``can_use_material``: a
    permission on short links, or a Wagtail page permission to add, edit or publish, as the
    default "Editors" and "Moderators" groups have). They see the reach of every service: the
    figures are daily totals, nothing personal."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.has_perm("wagtailadmin.access_admin") and can_use_material(user)


# --- The filter --------------------------------------------------------------------------------

#: Days shown when nothing else is chosen: the last 30, today included.
DEFAULT_DAYS = 30
#: Rows of each search-terms table on the page (the CSV has all).
TERMS_SHOWN = 20
#: Dates outside these years are typing errors (and would overflow the date arithmetic).
FIRST_YEAR, LAST_YEAR = 2000, 2999


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last ``DEFAULT_DAYS`` days, today included."""
    today = today or timezone.localdate()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def service_order_choices() -> list[tuple[str, str]]:
    """The orders of the service table: each column, ascending and (with "-") descending."""
    return [(f"{sign}{column}", "") for column in reach.SERVICE_ORDERS for sign in ("", "-")]


class DateInput(forms.DateInput):
    """The browser's own date field: accessible, and the address holds ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def service_label(title: str, language: str) -> str:
    """A service page as the filter lists it: "Hund anmelden – Deutsch"."""
    return f"{title} – {language_names().get(language, language)}"


class ReachFilterForm(forms.Form):
    """The period, the division of the timeline, the language, the service the totals and the
    charts are of, the search area, and whether services without visits are listed."""

    start = forms.DateField(
        label=gettext_lazy("From"),
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    end = forms.DateField(
        label=gettext_lazy("Until"),
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        help_text=gettext_lazy("This day is included."),
    )
    granularity = forms.ChoiceField(
        label=gettext_lazy("Totals per"), choices=list(reach.GRANULARITIES.items())
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("All languages")), *settings.LANGUAGES],
        help_text=gettext_lazy("The language of the service pages and of the searches."),
    )
    service = forms.TypedChoiceField(
        label=gettext_lazy("Totals and charts of"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy(
            "One service page, with the visits of its short links. The language above does not "
            "apply to its totals and charts."
        ),
    )
    area = forms.ChoiceField(label=gettext_lazy("Searches in"), required=False)
    unvisited = forms.BooleanField(
        label=gettext_lazy("Include services with no visits"),
        required=False,
        help_text=gettext_lazy(
            "The table per service then lists every live service page, also those nobody "
            "viewed, started or reached by a short link in the period."
        ),
    )
    order = forms.ChoiceField(
        required=False, choices=service_order_choices, widget=forms.HiddenInput
    )

    def __init__(self, *args, area_choices=(), service_pages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All searches")), *area_choices]
        #: The services to choose from, (id, title, language code), for the page to name the
        #: chosen one without another query.
        self.service_pages = list(service_pages)
        self.fields["service"].choices = [
            ("", _("All services")),
            *((pk, service_label(title, code)) for pk, title, code in self.service_pages),
        ]

    def clean(self):
        cleaned = super().clean()
        granularity = cleaned.get("granularity")
        for name in ("start", "end"):
            day = cleaned.get(name)
            if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(
                    name,
                    _("Choose a day between the years %(first)d and %(last)d.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR},
                )  # (add_error takes the day out of cleaned_data)
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The last day must not be before the first."))
        elif start and end and granularity:
            count = reach.bucket_count(start, end, granularity)
            if count > reach.MAX_BUCKETS:
                self.add_error(
                    "granularity",
                    _(
                        "That period has %(count)d bars, more than a chart can show "
                        "(%(max)d). Choose weeks or months, or a shorter period."
                    )
                    % {"count": count, "max": reach.MAX_BUCKETS},
                )
        return cleaned


@dataclass
class ReachFilter:
    """The filter in effect: what the numbers on the page and in the CSV are of."""

    start: date
    end: date
    granularity: str = "day"
    language: str = ""
    area: str = ""
    order: str = reach.DEFAULT_SERVICE_ORDER
    #: The id of the service page the totals, the charts and the timeline CSV are of.
    service: int | None = None
    #: Whether the table per service lists the live services without any count too.
    unvisited: bool = False

    @classmethod
    def default(cls):
        start, end = default_period()
        return cls(start, end)

    def params(self, **changes) -> dict:
        values = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "granularity": self.granularity,
            "language": self.language,
            "area": self.area,
            "order": self.order,
            "service": self.service,
            "unvisited": "1" if self.unvisited else "",
            **changes,
        }
        return {key: value for key, value in values.items() if value}

    def query(self, **changes) -> str:
        """The filter as a query string, with ``changes`` (e.g. another order) applied."""
        return urlencode(self.params(**changes))

    @property
    def timeline_language(self) -> str | None:
        """The language the totals and charts are of: none of their own for one service (its
        page has its language), else the language chosen."""
        return None if self.service else (self.language or None)


FILTER_FIELDS = ("start", "end", "granularity", "language", "service", "area", "unvisited", "order")


def asked_service(request) -> int | None:
    """The service id in the address, if it looks like one (so that the choices can hold it
    even if the page is no longer live)."""
    value = request.GET.get("service", "")
    return int(value) if value.isdigit() and len(value) <= 12 else None


def read_filter(request) -> tuple[ReachFilter, ReachFilterForm]:
    """The filter the request asks for and its form. Without any filter in the address the
    defaults apply; when it asks for something invalid, the form carries the errors and the
    defaults apply."""
    default = ReachFilter.default()
    choices = {
        "area_choices": reach.search_area_choices(),
        "service_pages": reach.service_choices(also=asked_service(request)),
    }
    if not any(name in request.GET for name in FILTER_FIELDS):
        form = ReachFilterForm(initial=default.params(), **choices)
        return default, form
    data = {**default.params(language="", area=""), **request.GET.dict()}
    form = ReachFilterForm(data, **choices)
    if not form.is_valid():
        return default, form
    values = form.cleaned_data
    return (
        ReachFilter(
            values["start"],
            values["end"],
            values["granularity"],
            values["language"],
            values["area"],
            values["order"] or reach.DEFAULT_SERVICE_ORDER,
            values["service"],
            values["unvisited"],
        ),
        form,
    )


def error_text(form) -> str:
    """The form's errors in one sentence per field, for the message above the page."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(error) for error in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


# --- Charts ------------------------------------------------------------------------------------


@dataclass
class Column:
    """One column of a server-drawn SVG bar chart: its value, label and geometry."""

    label: str
    value: int
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    middle: float = 0
    value_y: float = 0
    show_label: bool = True


def column_chart(
    labels_and_values, *, height=160, max_width=900, min_column=2, max_column=60, margin=28
):
    """Columns growing upwards, one per bucket, scaled to the highest value. Values are written
    above the columns when there is room for them; only every n-th label is written when the
    labels would overlap. ``margin`` leaves room for the first and last label."""
    columns = [Column(label, value) for label, value in labels_and_values]
    count = max(len(columns), 1)
    step = min(max(max_width / count, min_column), max_column)
    top = max((column.value for column in columns), default=0) or 1
    axis_y = height - 20
    space = axis_y - 18
    # About 6.5 pixels per character at the labels' 11px, and a gap.
    label_width = 6.5 * max((len(column.label) for column in columns), default=0) + 10
    label_every = max(1, math.ceil(label_width / step))
    widest_value = 6.5 * len(str(top)) + 4
    for index, column in enumerate(columns):
        column.width = round(max(step * 0.75, 1), 2)
        column.x = round(margin + index * step + (step - column.width) / 2, 2)
        column.height = round(space * column.value / top, 1)
        column.y = round(axis_y - column.height, 1)
        column.middle = round(column.x + column.width / 2, 2)
        column.value_y = round(column.y - 4, 1)
        column.show_label = index % label_every == 0
    return {
        "columns": columns,
        "axis_start": margin,
        "axis_end": round(count * step + margin, 2),
        "width": round(count * step + 2 * margin, 2),
        "height": height,
        "axis_y": axis_y,
        "label_y": height - 5,
        "show_values": step >= widest_value,
    }


def series_charts(buckets) -> list[dict]:
    """One chart per series (page views, starts, QR scans, link visits), each with its own
    scale: page views would otherwise flatten the other three."""
    charts = []
    for series, title in reach.SERIES.items():
        chart = column_chart([(bucket.short_label, getattr(bucket, series)) for bucket in buckets])
        busiest = max(buckets, key=lambda bucket: getattr(bucket, series), default=None)
        total = sum(getattr(bucket, series) for bucket in buckets)
        if total and busiest is not None:
            summary = _("%(total)d in all; the highest: %(value)d (%(busiest)s)") % {
                "total": total,
                "busiest": busiest.label,
                "value": getattr(busiest, series),
            }
        else:
            summary = _("none in this period")
        charts.append({"series": series, "title": title, "summary": summary, **chart})
    return charts


# --- The page ----------------------------------------------------------------------------------


def percent(value: float | None) -> str:
    """A start rate for people: "12,5 %" (German) or "12.5 %"; "–" without page views."""
    if value is None:
        return "–"
    # number_format cuts off further digits: round first (1/6 is 16.7 %, not 16.6 %).
    return f"{number_format(round(value * 100, 1), 1)} %"


def language_names() -> dict:
    """Language codes and their names ("de" → "Deutsch")."""
    return dict(settings.LANGUAGES)


class ReachView(WagtailAdminTemplateMixin, TemplateView):
    """The "Reach" page: the filter, the totals, the charts over time, the table per service,
    the search terms and the CSV downloads."""

    template_name = "campaigns/reach/index.html"
    page_title = gettext_lazy("Reach")
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_reach(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get(self, request, *args, **kwargs):
        self.filter, self.form = read_filter(request)
        if self.form.is_bound and not self.form.is_valid():
            messages.error(
                request,
                _("The filter could not be used, so the last %(days)d days are shown. %(errors)s")
                % {"days": DEFAULT_DAYS, "errors": error_text(self.form)},
            )
        return super().get(request, *args, **kwargs)

    def service_columns(self) -> list[dict]:
        """The service table's headers, each a link that sorts by it (again: the other way)."""
        labels = {
            "title": _("Service"),
            "language": _("Language"),
            "views": reach.SERIES["views"],
            "starts": reach.SERIES["starts"],
            "start_rate": _("Start rate"),
            "qr": reach.SERIES["qr"],
            "links": reach.SERIES["links"],
        }
        current = self.filter.order
        columns = []
        for name, label in labels.items():
            text_column = name in ("title", "language")
            if current.lstrip("-") == name:
                sort = "descending" if current.startswith("-") else "ascending"
                next_order = name if current.startswith("-") else f"-{name}"
            else:
                sort = ""
                next_order = name if text_column else f"-{name}"
            columns.append(
                {
                    "name": name,
                    "label": label,
                    "sort": sort,
                    "numeric": not text_column,
                    "url": "?" + self.filter.query(order=next_order) + "#reach-services",
                }
            )
        return columns

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = self.filter
        language = chosen.language or None
        area = chosen.area or None
        buckets = reach.timeline(
            chosen.start,
            chosen.end,
            chosen.granularity,
            chosen.timeline_language,
            chosen.service,
        )
        totals = reach.sum_up(buckets)
        names = language_names()
        services = reach.service_rows(
            chosen.start, chosen.end, language, chosen.order, include_unvisited=chosen.unvisited
        )
        for row in services:
            row.language_name = names.get(row.language, row.language)
            row.rate_text = percent(row.start_rate)
            row.edit_url = reverse("wagtailadmin_pages:edit", args=[row.service_id])
            row.filter_url = "?" + chosen.query(service=row.service_id)
            row.chosen = row.service_id == chosen.service
        chosen_service = next(
            (
                service_label(title, code)
                for pk, title, code in self.form.service_pages
                if pk == chosen.service
            ),
            "",
        )
        for bucket in buckets:
            bucket.rate_text = percent(bucket.start_rate)
        search_filter = {"language": language, "area": area, "limit": TERMS_SHOWN}
        csv_url = reverse("campaigns_reach:csv")
        context.update(
            {
                "filter_form": self.form,
                "chosen": chosen,
                "granularity_label": reach.GRANULARITIES[chosen.granularity],
                "chosen_service": chosen_service,
                "all_services_url": "?" + chosen.query(service=None),
                "language_label": names.get(chosen.language, _("all languages")),
                "total_figures": [
                    (series, label, getattr(totals, series))
                    for series, label in reach.SERIES.items()
                ],
                "totals_rate": percent(totals.start_rate),
                "series": reach.SERIES,
                "charts": series_charts(buckets),
                "buckets": buckets,
                "services": services,
                "service_columns": self.service_columns(),
                "top_terms": reach.top_search_terms(chosen.start, chosen.end, **search_filter),
                "zero_terms": reach.zero_result_terms(chosen.start, chosen.end, **search_filter),
                "terms_shown": TERMS_SHOWN,
                "min_searches": reach.min_searches(),
                "csv_urls": {
                    table: f"{csv_url}?{chosen.query(table=table)}" for table in CSV_TABLES
                },
                "search_log_days": settings.WAGTAILSEARCH_HITS_MAX_AGE,
            }
        )
        return context


# --- CSV ---------------------------------------------------------------------------------------

CSV_TABLES = ("timeline", "services", "searches", "zero_results")

# A cell starting with one of these is a formula to a spreadsheet: search terms are typed by
# anyone, so such a cell gets a leading apostrophe and stays text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value safe to open in a spreadsheet: numbers as they are, text never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def csv_format() -> tuple[str, str]:
    """The column separator and the decimal mark for the admin's active language. German Excel
    splits columns at ";" only and reads "16.7" as a date, so German gets ";" and "16,7";
    every other language "," and "16.7"."""
    if (translation.get_language() or "").lower().startswith("de"):
        return ";", ","
    return ",", "."


def csv_rate(value: float | None, decimal_mark: str = ".") -> str:
    """A start rate in percent with one decimal ("16.7", or "16,7" with ``decimal_mark=","``),
    empty without views."""
    return "" if value is None else f"{value * 100:.1f}".replace(".", decimal_mark)


def csv_rows(table: str, chosen: ReachFilter, decimal_mark: str = "."):
    """The header and rows of one of ``CSV_TABLES`` for the filter."""
    language = chosen.language or None
    area = chosen.area or None
    if table == "timeline":
        yield [
            _("First day"),
            _("Last day"),
            _("Period"),
            *reach.SERIES.values(),
            _("Start rate (%)"),
        ]
        buckets = reach.timeline(
            chosen.start,
            chosen.end,
            chosen.granularity,
            chosen.timeline_language,
            chosen.service,
        )
        for bucket in buckets:
            yield [
                bucket.first_day.isoformat(),
                bucket.last_day.isoformat(),
                bucket.label,
                *(getattr(bucket, series) for series in reach.SERIES),
                csv_rate(bucket.start_rate, decimal_mark),
            ]
    elif table == "services":
        yield [
            _("Service"),
            _("Language"),
            _("Page ID"),
            *reach.SERIES.values(),
            _("Start rate (%)"),
        ]
        rows = reach.service_rows(
            chosen.start, chosen.end, language, chosen.order, include_unvisited=chosen.unvisited
        )
        for row in rows:
            yield [
                row.title,
                row.language,
                row.service_id,
                *(getattr(row, series) for series in reach.SERIES),
                csv_rate(row.start_rate, decimal_mark),
            ]
    else:
        zero = table == "zero_results"
        find = reach.zero_result_terms if zero else reach.top_search_terms
        yield [_("Search term"), _("Searches"), _("Searches without results")]
        for row in find(chosen.start, chosen.end, language=language, area=area, limit=None):
            yield [row.term, row.searches, row.without_results]


def plain_text_error(text: str) -> HttpResponse:
    """A 400 answer with the reason, for a download that cannot be made."""
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


@require_safe
def csv_download(request):
    """``?table=timeline|services|searches|zero_results`` with the page's filter, as CSV in
    UTF-8 with a byte order mark (so that spreadsheets read umlauts right), separated by ";"
    with decimal commas in the German admin and by "," with decimal points otherwise (see
    ``csv_format``). The timeline is of the chosen service, if any; the search terms only those
    searched at least ``reach.min_searches()`` times. An unknown table or a filter that cannot
    be used answers 400 with the reason: a download never holds other numbers than asked
    for."""
    if not can_view_reach(request.user):
        return permission_denied(request)
    table = request.GET.get("table", "")
    if table not in CSV_TABLES:
        return plain_text_error(
            _("Choose one of these tables: %(tables)s.") % {"tables": ", ".join(CSV_TABLES)}
        )
    chosen, form = read_filter(request)
    if form.is_bound and not form.is_valid():
        return plain_text_error(
            _("The filter could not be used. %(errors)s") % {"errors": error_text(form)}
        )
    filename = f"reach-{table.replace('_', '-')}-{chosen.start:%Y-%m-%d}-{chosen.end:%Y-%m-%d}"
    if chosen.service and table == "timeline":
        filename += f"-service-{chosen.service}"  # (the language does not apply to it)
    elif chosen.language:
        filename += f"-{chosen.language}"
    separator, decimal_mark = csv_format()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=separator)
    for row in csv_rows(table, chosen, decimal_mark):
        writer.writerow([csv_cell(value) for value in row])
    return response


admin_urlpatterns = [
    path("", ReachView.as_view(), name="index"),
    path("csv/", csv_download, name="csv"),
]


# --- Menu item and dashboard panel -------------------------------------------------------------


class ReachMenuItem(MenuItem):
    """The menu item, shown only to those who may see the page."""

    def is_shown(self, request):
        return can_view_reach(request.user)


@hooks.register("register_promotion_menu_item")
@hooks.register("register_reports_menu_item")
def register_reach_menu_item():
    """“Reach” under Promotion and under Reports, for those who may see it."""
    return ReachMenuItem(
        gettext_lazy("Reach"),
        reverse("campaigns_reach:index"),
        name="reach",
        icon_name="view",
        order=900,
    )


class ReachPanel(Component):
    """The dashboard's reach panel: the four totals of the last 30 days and a link to the page;
    three queries."""

    name = "campaigns_reach"
    template_name = "campaigns/reach/dashboard_panel.html"
    order = 110

    class Media:
        css = {"all": ["campaigns/reach/reach.css"]}

    def get_context_data(self, parent_context):
        start, end = default_period()
        totals = reach.period_totals(start, end)
        return {
            "days": DEFAULT_DAYS,
            "figures": [(label, getattr(totals, series)) for series, label in reach.SERIES.items()],
            "rate": percent(totals.start_rate),
            "index_url": reverse("campaigns_reach:index"),
        }


@hooks.register("construct_homepage_panels")
def reach_dashboard_panel(request, panels):
    """The reach panel for those who may see the reach page; nothing for everyone else."""
    if can_view_reach(request.user):
        panels.append(ReachPanel())
