"""Reach statistics: the numbers against a known set of events (counted rows and visits through
the real counting paths), the admin page and its permissions, the filter by service, the
services without visits, the threshold for search terms, the CSV downloads (German and English
spreadsheets), and query counts that do not grow with the number of services."""

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from campaigns import reach, reach_views
from campaigns.models import ShortLink, ShortLinkVisit
from home.models import SearchTermCount
from services_catalog.models import (
    OnlineStartCount,
    ServiceIndexPage,
    ServicePage,
    ServicePageViewCount,
)

pytestmark = pytest.mark.django_db

# The period of the known events: Friday 27 March to Tuesday 7 April 2026. It spans a month
# (March | April) and two week boundaries (KW 13 | KW 14 | KW 15, weeks start on Monday).
START = date(2026, 3, 27)
END = date(2026, 4, 7)
#: The day the visits through the real counting paths happen on.
VISIT_DAY = date(2026, 3, 31)
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

INDEX = "/admin/promotion/reach/"
CSV_URL = "/admin/promotion/reach/csv/"
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


def d(month, day):
    return date(2026, month, day)


@pytest.fixture
def dog(de):
    return ServicePage.objects.get(locale=de, key="hund-anmelden")


@pytest.fixture
def dog_en(dog, en):
    return dog.get_translation(en)


@pytest.fixture
def bulky_waste(de):
    return ServicePage.objects.get(locale=de, key="sperrmuell-anmelden")


@pytest.fixture
def on_visit_day(monkeypatch):
    """Counting happens "today": make today the visit day (for ``timezone.localdate()``)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return VISIT_DAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


@pytest.fixture
def events(dog, dog_en, bulky_waste, visitor, on_visit_day):
    """The known events: daily rows written directly, and visits on VISIT_DAY through the real
    paths (service page, "start online", short link and QR code, site search, finder)."""
    for service, day, count in [
        (dog, d(3, 26), 100),  # before the period
        (dog, d(3, 29), 10),
        (dog, d(3, 30), 5),
        (dog, d(4, 2), 7),
        (dog, d(4, 8), 100),  # after the period
        (dog_en, d(3, 31), 4),
        (bulky_waste, d(4, 6), 3),
    ]:
        ServicePageViewCount.objects.create(service=service, date=day, count=count)
    for service, day, count in [
        (dog, d(3, 26), 50),
        (dog, d(3, 29), 2),
        (dog, d(4, 2), 1),
        (bulky_waste, d(4, 6), 1),
    ]:
        OnlineStartCount.objects.create(service=service, date=day, count=count)
    dog_link = ShortLink.for_service(dog)
    bulky_link = ShortLink.objects.create(service=bulky_waste, code="sperrmuell-amtsblatt")
    QR, LINK = ShortLinkVisit.Channel.QR, ShortLinkVisit.Channel.LINK
    for link, day, channel, count in [
        (dog_link, d(3, 31), QR, 3),
        (dog_link, d(3, 31), LINK, 2),
        (dog_link, d(4, 9), QR, 100),
        (bulky_link, d(4, 1), LINK, 4),
    ]:
        ShortLinkVisit.objects.create(short_link=link, date=day, channel=channel, count=count)
    for term, language, area, day, searches, without in [
        ("hund", "de", "services", d(3, 30), 5, 0),
        ("hund", "de", "services", d(3, 20), 100, 0),  # before the period
        ("parken", "de", "site", d(4, 1), 3, 1),
        ("müll", "de", "site", d(4, 7), 2, 2),
    ]:
        SearchTermCount.objects.create(
            term=term,
            language=language,
            area=area,
            date=day,
            searches=searches,
            without_results=without,
        )

    # Through the real paths, on VISIT_DAY.
    assert visitor.get(dog.url).status_code == 200
    assert visitor.get(dog.url).status_code == 200
    assert visitor.get(dog.url, HTTP_USER_AGENT=BOT).status_code == 200  # not counted
    online_form = dog.online_forms.first()
    assert visitor.get(online_form.start_url()).status_code == 302
    assert visitor.get(f"/s/{dog_link.code}").status_code == 302
    assert visitor.get(f"/s/{dog_link.code}?qr").status_code == 302
    assert visitor.get(f"/s/{dog_link.code}?qr", HTTP_USER_AGENT=BOT).status_code == 302
    assert visitor.get("/de/suche/", {"q": "Hund"}).status_code == 200
    assert visitor.get("/de/suche/", {"q": "Qwxzy"}).status_code == 200
    assert visitor.get("/en/search/", {"q": "qwxzy"}).status_code == 200
    assert visitor.get("/de/dienstleistungen/", {"q": "qwxzy"}).status_code == 200
    return {"dog_link": dog_link, "bulky_link": bulky_link}


def series(buckets):
    return [(b.views, b.starts, b.qr, b.links) for b in buckets]


# --- The numbers -------------------------------------------------------------------------------


def test_the_real_paths_counted_on_the_visit_day(events, dog):
    assert ServicePageViewCount.objects.get(service=dog, date=VISIT_DAY).count == 2
    assert OnlineStartCount.objects.get(service=dog, date=VISIT_DAY).count == 1
    term = SearchTermCount.objects.get(term="qwxzy", language="de", area="site", date=VISIT_DAY)
    assert (term.searches, term.without_results) == (1, 1)
    found = SearchTermCount.objects.get(term="hund", area="site", date=VISIT_DAY)
    assert (found.searches, found.without_results) == (1, 0)


def test_totals_per_day_have_every_day_of_the_period(events):
    buckets = reach.timeline(START, END, "day")
    assert [b.start for b in buckets] == [d(3, day) for day in range(27, 32)] + [
        d(4, day) for day in range(1, 8)
    ]
    assert series(buckets) == [
        (0, 0, 0, 0),  # 27.3.
        (0, 0, 0, 0),
        (10, 2, 0, 0),  # 29.3.
        (5, 0, 0, 0),
        (4 + 2, 1, 3 + 1, 2 + 1),  # 31.3.: rows and the real visits
        (0, 0, 0, 4),  # 1.4.
        (7, 1, 0, 0),
        (0, 0, 0, 0),
        (0, 0, 0, 0),
        (0, 0, 0, 0),
        (3, 1, 0, 0),  # 6.4.
        (0, 0, 0, 0),
    ]


def test_totals_per_week_start_on_monday(events):
    buckets = reach.timeline(START, END, "week")
    assert [b.start for b in buckets] == [d(3, 23), d(3, 30), d(4, 6)]
    assert [(b.first_day, b.last_day) for b in buckets] == [
        (START, d(3, 29)),
        (d(3, 30), d(4, 5)),
        (d(4, 6), END),
    ]
    assert series(buckets) == [(10, 2, 0, 0), (5 + 6 + 7, 2, 4, 3 + 4), (3, 1, 0, 0)]
    with translation.override("en"):
        labels = [b.label for b in reach.timeline(START, END, "week")]
    assert labels == ["Week 13 2026", "Week 14 2026", "Week 15 2026"]


def test_totals_per_month(events):
    buckets = reach.timeline(START, END, "month")
    assert [b.start for b in buckets] == [d(3, 1), d(4, 1)]
    assert series(buckets) == [(10 + 5 + 6, 3, 4, 3), (7 + 3, 2, 0, 4)]
    with translation.override("de"):
        assert [b.label for b in reach.timeline(START, END, "month")] == [
            "März 2026",
            "April 2026",
        ]


def test_totals_of_one_language(events):
    german = reach.timeline(START, END, "month", language="de")
    assert series(german) == [(21 - 4, 3, 4, 3), (10, 2, 0, 4)]
    english = reach.timeline(START, END, "month", language="en")
    assert series(english) == [(4, 0, 0, 0), (0, 0, 0, 0)]
    assert reach.period_totals(START, END) == reach.sum_up(reach.timeline(START, END, "week"))


def test_buckets_and_labels():
    # ISO weeks: 29 December 2025 is a Monday of week 1 of 2026.
    with translation.override("en"):
        assert reach.bucket_labels(d(11, 16), "week") == ("Week 47 2026", "Wk 47")
        assert reach.bucket_labels(date(2025, 12, 29), "week")[0] == "Week 1 2026"
    assert reach.bucket_starts(date(2025, 11, 30), date(2026, 2, 1), "month") == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    for granularity in reach.GRANULARITIES:
        assert reach.bucket_count(date(2025, 11, 30), END, granularity) == len(
            reach.bucket_starts(date(2025, 11, 30), END, granularity)
        )
    empty = reach.timeline(date(2001, 1, 1), date(2001, 1, 3), "day")
    assert series(empty) == [(0, 0, 0, 0)] * 3


def test_rows_per_service(events, dog, dog_en, bulky_waste):
    rows = {row.service_id: row for row in reach.service_rows(START, END)}
    assert set(rows) == {dog.pk, dog_en.pk, bulky_waste.pk}
    german = rows[dog.pk]
    assert (german.title, german.language) == (dog.title, "de")
    assert (german.views, german.starts, german.qr, german.links) == (24, 4, 4, 3)
    assert german.start_rate == pytest.approx(4 / 24)
    english = rows[dog_en.pk]
    assert (english.title, english.language) == (dog_en.title, "en")
    assert (english.views, english.starts, english.qr, english.links) == (4, 0, 0, 0)
    assert english.start_rate == 0
    bulky = rows[bulky_waste.pk]
    assert (bulky.views, bulky.starts, bulky.qr, bulky.links) == (3, 1, 0, 4)
    assert [row.service_id for row in reach.service_rows(START, END, language="en")] == [dog_en.pk]


def test_rows_per_service_sort_by_each_column(events, dog, dog_en, bulky_waste):
    def order(by):
        return [row.service_id for row in reach.service_rows(START, END, order=by)]

    assert order("-views") == [dog.pk, dog_en.pk, bulky_waste.pk]
    assert order("views") == [bulky_waste.pk, dog_en.pk, dog.pk]
    assert order("-links") == [bulky_waste.pk, dog.pk, dog_en.pk]
    assert order("-start_rate") == [bulky_waste.pk, dog.pk, dog_en.pk]
    assert order("-qr")[0] == dog.pk
    assert order("language")[-1] == dog_en.pk
    titles = [row.title for row in reach.service_rows(START, END, order="title")]
    assert titles == sorted(titles, key=reach._sort_text)
    assert order("-title") == list(reversed(order("title")))
    with pytest.raises(ValueError):
        reach.sort_service_rows([], "visitors")


def test_rows_without_views_have_no_start_rate_and_come_last():
    rows = [
        reach.ServiceRow(1, "A", views=0, starts=2),
        reach.ServiceRow(2, "B", views=10, starts=1),
        reach.ServiceRow(3, "C", views=4, starts=2),
    ]
    assert rows[0].start_rate is None
    assert [r.service_id for r in reach.sort_service_rows(rows, "-start_rate")] == [3, 2, 1]
    assert [r.service_id for r in reach.sort_service_rows(rows, "start_rate")] == [2, 3, 1]


def test_top_search_terms_and_those_without_results(events):
    # "müll" was searched only twice in the period: left out (see the privacy tests below).
    top = reach.top_search_terms(START, END)
    assert [(t.term, t.searches, t.without_results) for t in top] == [
        ("hund", 6, 0),
        ("parken", 3, 1),
        ("qwxzy", 3, 3),
    ]
    zero = reach.zero_result_terms(START, END)
    assert [(t.term, t.without_results, t.searches) for t in zero] == [
        ("qwxzy", 3, 3),
        ("parken", 1, 3),
    ]
    every = reach.top_search_terms(START, END, at_least=1)
    assert [(t.term, t.searches) for t in every][-1] == ("müll", 2)
    every_zero = reach.zero_result_terms(START, END, at_least=1)
    assert [(t.term, t.without_results) for t in every_zero] == [
        ("qwxzy", 3),
        ("müll", 2),
        ("parken", 1),
    ]
    assert [t.term for t in reach.top_search_terms(START, END, limit=2)] == ["hund", "parken"]
    # The threshold holds within the filter: "qwxzy" was searched once in English.
    assert reach.top_search_terms(START, END, language="en") == []
    english = reach.top_search_terms(START, END, language="en", at_least=1)
    assert [(t.term, t.searches) for t in english] == [("qwxzy", 1)]
    finder = reach.zero_result_terms(START, END, area="services", at_least=1)
    assert [(t.term, t.without_results) for t in finder] == [("qwxzy", 1)]
    finder_top = reach.top_search_terms(START, END, area="services", language="de", at_least=1)
    assert [(t.term, t.searches) for t in finder_top] == [("hund", 5), ("qwxzy", 1)]
    assert [t.term for t in reach.top_search_terms(START, END, area="services")] == ["hund"]
    with translation.override("en"):
        labels = [(area, str(label)) for area, label in reach.search_area_choices()]
    assert ("site", "Site search") in labels


def test_charts_thin_out_their_labels_and_write_values_only_with_room():
    few = reach_views.column_chart([("Wk 13", 10), ("Wk 14", 18), ("Wk 15", 0)])
    assert [column.show_label for column in few["columns"]] == [True, True, True]
    assert few["show_values"]
    tallest = max(few["columns"], key=lambda column: column.height)
    assert tallest.value == 18 and tallest.y + tallest.height == few["axis_y"]
    assert few["columns"][2].height == 0
    many = reach_views.column_chart([(f"{day:02d}.01.", day) for day in range(1, 366)])
    assert not many["show_values"]
    assert 0 < sum(column.show_label for column in many["columns"]) < 40
    assert many["width"] <= 900 + 2 * 28 + 1
    empty = reach_views.column_chart([("1.1.", 0)])
    assert empty["columns"][0].height == 0


def test_start_rate_text():
    with translation.override("de"):
        assert reach_views.percent(1 / 6) == "16,7 %"
        assert reach_views.percent(None) == "–"
    with translation.override("en"):
        assert reach_views.percent(0.25) == "25.0 %"


# --- The admin page ----------------------------------------------------------------------------


def make_user(django_user_model, username, *codenames):
    user = django_user_model.objects.create_user(username, password="x-lang-genug-42")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def set_admin_language(user, language):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


@pytest.fixture
def editor(django_user_model):
    """A page editor of Wagtail's default "Editors" group (page permissions through
    GroupPagePermission, and access to the admin), with the admin in English so that the tests
    do not depend on the German translation."""
    user = django_user_model.objects.create_user("redaktion", password="x-lang-genug-42")
    user.groups.add(Group.objects.get(name="Editors"))
    set_admin_language(user, "en")
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_the_page_shows_the_numbers_of_the_period(editor_client, events, dog):
    response = editor_client.get(INDEX, {**PERIOD, "granularity": "week"})
    assert response.status_code == 200
    context = response.context
    assert series(context["buckets"]) == [(10, 2, 0, 0), (18, 2, 4, 7), (3, 1, 0, 0)]
    assert [figure[2] for figure in context["total_figures"]] == [31, 5, 4, 7]
    assert context["services"][0].service_id == dog.pk
    assert [t.term for t in context["zero_terms"]] == ["qwxzy", "parken"]
    html = response.content.decode()
    assert 'data-reach-total="views">31<' in html
    assert html.count('data-reach-chart="') == 4
    assert html.count('<rect class="reach-chart__bar"') == 4 * 3
    assert "<table" in html and "data-reach-timeline" in html  # the charts' text alternative
    assert f'data-reach-service="{dog.pk}"' in html
    assert reverse("wagtailadmin_pages:edit", args=[dog.pk]) in html
    assert "reach-row--chosen" not in html and "data-reach-chosen-service" not in html
    for table in ("timeline", "services", "searches", "zero_results"):
        assert f"table={table}" in html
    assert "<script" not in html.split('class="reach"', 1)[1].split("</main>", 1)[0]


def test_the_page_filters_by_language_and_area(editor_client, events, dog_en):
    response = editor_client.get(
        INDEX, {**PERIOD, "granularity": "month", "language": "en", "area": "site"}
    )
    context = response.context
    assert series(context["buckets"]) == [(4, 0, 0, 0), (0, 0, 0, 0)]
    assert [row.service_id for row in context["services"]] == [dog_en.pk]
    assert context["top_terms"] == []  # "qwxzy" was searched only once in English
    assert "No term was searched often enough" in response.content.decode()


def test_the_service_table_sorts_by_the_chosen_column(editor_client, events, bulky_waste):
    response = editor_client.get(INDEX, {**PERIOD, "order": "-links"})
    assert response.context["services"][0].service_id == bulky_waste.pk
    html = response.content.decode()
    assert 'aria-sort="descending"' in html
    assert "order=links" in html  # choosing the sorted column again sorts the other way


def test_without_filter_the_last_30_days_are_shown(editor_client):
    response = editor_client.get(INDEX)
    assert response.status_code == 200
    chosen = response.context["chosen"]
    today = timezone.localdate()
    assert (chosen.end - chosen.start).days == 29 and chosen.end == today
    assert chosen.granularity == "day"
    assert len(response.context["buckets"]) == 30


@pytest.mark.parametrize(
    "params, field",
    [
        ({"start": "banana", "end": "2026-04-07"}, "start"),
        ({"start": "2026-04-07", "end": "2026-03-01"}, "end"),
        ({"start": "2020-01-01", "end": "2026-01-01", "granularity": "day"}, "granularity"),
        ({**PERIOD, "granularity": "year"}, "granularity"),
        ({**PERIOD, "language": "fr"}, "language"),
        ({**PERIOD, "order": "visitors"}, "order"),
        ({"start": "9999-12-01", "end": "9999-12-31"}, "start"),
    ],
)
def test_invalid_filter_shows_an_error_and_the_defaults(editor_client, params, field):
    response = editor_client.get(INDEX, params)
    assert response.status_code == 200
    assert field in response.context["filter_form"].errors
    chosen = response.context["chosen"]
    assert chosen.end == timezone.localdate() and (chosen.end - chosen.start).days == 29
    messages = [str(message) for message in response.context["messages"]]
    assert any("could not be used" in message for message in messages)


def test_reach_is_refused_without_the_permission(client, django_user_model, events):
    client.force_login(make_user(django_user_model, "presse", "access_admin"))
    response = client.get(INDEX)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert client.get(CSV_URL, {"table": "services"}).status_code == 302
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert INDEX not in home
    client.logout()
    assert client.get(INDEX).status_code == 302  # to the login
    assert client.get(CSV_URL, {"table": "timeline"}).status_code == 302


def test_wagtail_editors_see_the_reach_of_all_services(editor, editor_client, events, dog):
    """People who may use the material may see the reach: a member of Wagtail's "Editors"
    group has page permissions, not the model permission to change service pages."""
    assert editor.has_perm("wagtailadmin.access_admin")
    assert not editor.has_perm("services_catalog.change_servicepage")
    assert reach_views.can_view_reach(editor)
    assert editor_client.get(reverse("campaigns_material:index")).status_code == 200
    response = editor_client.get(INDEX, PERIOD)
    assert response.status_code == 200
    assert len(response.context["services"]) == 3
    assert editor_client.get(CSV_URL, {**PERIOD, "table": "services"}).status_code == 200


def test_short_link_viewers_and_superusers_may_see_it(client, django_user_model):
    client.force_login(
        make_user(django_user_model, "kommunikation", "access_admin", "view_shortlink")
    )
    assert client.get(INDEX).status_code == 200
    client.force_login(django_user_model.objects.create_superuser("chefin", password="x-42-lang"))
    assert client.get(INDEX).status_code == 200
    # without access to the admin, nothing
    client.force_login(make_user(django_user_model, "ohne", "change_servicepage"))
    assert client.get(INDEX).status_code == 302


def test_menu_item_and_dashboard_panel(editor_client, events):
    home = editor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert INDEX in home
    assert 'id="campaigns-reach-dashboard-section"' in home


# --- CSV ---------------------------------------------------------------------------------------


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_of_the_timeline(editor_client, events):
    with translation.override("en"):
        response = editor_client.get(
            CSV_URL, {**PERIOD, "granularity": "week", "table": "timeline"}
        )
    assert response["Content-Disposition"] == (
        'attachment; filename="reach-timeline-2026-03-27-2026-04-07.csv"'
    )
    rows = read_csv(response)
    assert len(rows[0]) == 8
    assert rows[1:] == [
        ["2026-03-27", "2026-03-29", "Week 13 2026", "10", "2", "0", "0", "20.0"],
        ["2026-03-30", "2026-04-05", "Week 14 2026", "18", "2", "4", "7", "11.1"],
        ["2026-04-06", "2026-04-07", "Week 15 2026", "3", "1", "0", "0", "33.3"],
    ]


def test_csv_of_the_services(editor_client, events, dog, dog_en, bulky_waste):
    response = editor_client.get(CSV_URL, {**PERIOD, "table": "services"})
    rows = read_csv(response)
    assert rows[1:] == [
        [dog.title, "de", str(dog.pk), "24", "4", "4", "3", "16.7"],
        [dog_en.title, "en", str(dog_en.pk), "4", "0", "0", "0", "0.0"],
        [bulky_waste.title, "de", str(bulky_waste.pk), "3", "1", "0", "4", "33.3"],
    ]
    german = editor_client.get(CSV_URL, {**PERIOD, "table": "services", "language": "de"})
    assert "-de.csv" in german["Content-Disposition"]
    assert len(read_csv(german)) == 3


def test_csv_of_the_searches(editor_client, events):
    SearchTermCount.objects.create(
        term="=hyperlink(1)", language="de", area="site", date=END, searches=3, without_results=2
    )
    rows = read_csv(editor_client.get(CSV_URL, {**PERIOD, "table": "searches"}))
    assert rows[1:] == [
        ["hund", "6", "0"],
        ["'=hyperlink(1)", "3", "2"],  # never a formula in a spreadsheet
        ["parken", "3", "1"],
        ["qwxzy", "3", "3"],
    ]  # not "müll": searched only twice
    zero = read_csv(editor_client.get(CSV_URL, {**PERIOD, "table": "zero_results"}))
    assert [row[0] for row in zero[1:]] == ["qwxzy", "'=hyperlink(1)", "parken"]


def test_csv_refuses_unknown_tables_and_invalid_filters(editor_client):
    unknown = editor_client.get(CSV_URL, {"table": "visitors"})
    assert unknown.status_code == 400 and "timeline" in unknown.content.decode()
    response = editor_client.get(CSV_URL, {"table": "timeline", "start": "banana"})
    assert response.status_code == 400
    assert "could not be used" in response.content.decode()


def test_csv_for_german_excel_has_semicolons_and_decimal_commas(editor, editor_client, events):
    """German Excel splits columns at ";" only and reads "16.7" as a date."""
    SearchTermCount.objects.create(
        term="=1+1;x", language="de", area="site", date=END, searches=3, without_results=0
    )
    set_admin_language(editor, "de")
    timeline = editor_client.get(CSV_URL, {**PERIOD, "granularity": "week", "table": "timeline"})
    text = timeline.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text[1:].splitlines()
    assert lines[1] == "2026-03-27;2026-03-29;KW 13 2026;10;2;0;0;20,0"
    assert lines[2] == "2026-03-30;2026-04-05;KW 14 2026;18;2;4;7;11,1"
    assert lines[0].count(";") == 7 and "," not in lines[0]

    services = editor_client.get(CSV_URL, {**PERIOD, "table": "services"}).content.decode()
    rows = list(csv.reader(io.StringIO(services[1:]), delimiter=";"))
    assert [row[3:] for row in rows[1:]] == [
        ["24", "4", "4", "3", "16,7"],
        ["4", "0", "0", "0", "0,0"],
        ["3", "1", "0", "4", "33,3"],
    ]
    searches = editor_client.get(CSV_URL, {**PERIOD, "table": "searches"}).content.decode()
    rows = list(csv.reader(io.StringIO(searches[1:]), delimiter=";"))
    assert ["'=1+1;x", "3", "0"] in rows  # quoted for the ";", and never a formula

    set_admin_language(editor, "en")
    english = editor_client.get(CSV_URL, {**PERIOD, "table": "services"}).content.decode()
    assert english[1:].splitlines()[1].endswith(",24,4,4,3,16.7")


def test_csv_format_follows_the_active_language():
    with translation.override("de"):
        assert reach_views.csv_format() == (";", ",")
    with translation.override("de-at"):
        assert reach_views.csv_format() == (";", ",")
    with translation.override("en"):
        assert reach_views.csv_format() == (",", ".")
    assert reach_views.csv_rate(1 / 6, ",") == "16,7"
    assert reach_views.csv_rate(None, ",") == ""


# --- One service over time ---------------------------------------------------------------------


def test_timeline_of_one_service(events, dog, dog_en, bulky_waste):
    # The dog's German page: the rows, the two real views, the real start and the visits of its
    # short link (3 + 1 scans, 2 + 1 typed); nothing of the English page or the bulky waste.
    dog_weeks = reach.timeline(START, END, "week", service=dog.pk)
    assert series(dog_weeks) == [(10, 2, 0, 0), (5 + 2 + 7, 1 + 1, 4, 3), (0, 0, 0, 0)]
    bulky_weeks = reach.timeline(START, END, "week", service=bulky_waste.pk)
    assert series(bulky_weeks) == [(0, 0, 0, 0), (0, 0, 0, 4), (3, 1, 0, 0)]
    assert series(reach.timeline(START, END, "month", service=dog_en.pk)) == [
        (4, 0, 0, 0),
        (0, 0, 0, 0),
    ]
    assert reach.period_totals(START, END, service=dog.pk) == reach.Totals(24, 4, 4, 3)


def test_the_page_shows_one_service_over_time(editor_client, events, dog, dog_en):
    params = {**PERIOD, "granularity": "week", "service": dog.pk}
    response = editor_client.get(INDEX, params)
    assert response.status_code == 200
    context = response.context
    assert context["chosen"].service == dog.pk
    assert series(context["buckets"]) == [(10, 2, 0, 0), (14, 2, 4, 3), (0, 0, 0, 0)]
    assert [figure[2] for figure in context["total_figures"]] == [24, 4, 4, 3]
    assert context["totals_rate"] == "16.7 %"
    assert [chart["summary"] for chart in context["charts"]][0] == (
        "24 in all; the highest: 14 (Week 14 2026)"
    )
    # The table per service stays of all services, the chosen one marked.
    assert len(context["services"]) == 3
    html = response.content.decode()
    assert html.count('class="reach-row--chosen" aria-current="true"') == 1
    assert f'data-reach-service="{dog.pk}" class="reach-row--chosen"' in html
    assert f"“{dog.title} – Deutsch” only" in html
    assert f'<option value="{dog.pk}" selected>{dog.title} – Deutsch</option>' in html
    assert f"service={dog.pk}" in context["csv_urls"]["timeline"]
    # The language filter does not apply to one service's timeline, only to the table.
    english = editor_client.get(INDEX, {**params, "language": "en"}).context
    assert series(english["buckets"]) == series(context["buckets"])
    assert [row.service_id for row in english["services"]] == [dog_en.pk]


def test_each_service_in_the_table_leads_to_its_reach(editor_client, events, dog):
    response = editor_client.get(INDEX, {**PERIOD, "order": "-links"})
    row = next(row for row in response.context["services"] if row.service_id == dog.pk)
    assert row.filter_url == "?" + response.context["chosen"].query(service=dog.pk)
    html = response.content.decode().replace("&amp;", "&")
    assert f'<a href="{row.filter_url}" data-reach-service-filter>{dog.title}</a>' in html
    edit_url = reverse("wagtailadmin_pages:edit", args=[dog.pk])
    assert (
        f'<a href="{edit_url}" class="reach-edit">Edit<span class="w-sr-only"> {dog.title}' in html
    )
    assert "order=-links" in row.filter_url  # the rest of the filter is kept
    followed = editor_client.get(INDEX + row.filter_url)
    assert followed.context["chosen"].service == dog.pk
    assert [figure[2] for figure in followed.context["total_figures"]] == [24, 4, 4, 3]
    back = followed.context["all_services_url"]
    assert "service=" not in back
    assert [figure[2] for figure in editor_client.get(INDEX + back).context["total_figures"]] == [
        31,
        5,
        4,
        7,
    ]


def test_csv_of_one_service_over_time(editor_client, events, dog):
    response = editor_client.get(
        CSV_URL, {**PERIOD, "granularity": "week", "table": "timeline", "service": dog.pk}
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="reach-timeline-2026-03-27-2026-04-07-service-{dog.pk}.csv"'
    )
    assert read_csv(response)[1:] == [
        ["2026-03-27", "2026-03-29", "Week 13 2026", "10", "2", "0", "0", "20.0"],
        ["2026-03-30", "2026-04-05", "Week 14 2026", "14", "2", "4", "3", "14.3"],
        ["2026-04-06", "2026-04-07", "Week 15 2026", "0", "0", "0", "0", ""],
    ]


def test_the_service_choices_are_the_live_services(editor_client, events, dog, bulky_waste):
    pages = reach.service_choices()
    assert len(pages) == ServicePage.objects.live().count()
    assert (dog.pk, dog.title, "de") in pages
    assert [reach._sort_text(title) for _pk, title, _lang in pages] == sorted(
        reach._sort_text(title) for _pk, title, _lang in pages
    )
    # A page no longer live is only a choice when asked for (it may have counts from before).
    bulky_waste.unpublish()
    assert bulky_waste.pk not in [pk for pk, _title, _lang in reach.service_choices()]
    assert bulky_waste.pk in [pk for pk, _title, _lang in reach.service_choices(bulky_waste.pk)]
    response = editor_client.get(INDEX, {**PERIOD, "service": bulky_waste.pk})
    assert not response.context["filter_form"].errors
    assert [figure[2] for figure in response.context["total_figures"]] == [3, 1, 0, 4]


@pytest.mark.parametrize("service", ["hund", "99999999", "-1"])
def test_an_unknown_service_is_an_invalid_filter(editor_client, events, service):
    response = editor_client.get(INDEX, {**PERIOD, "service": service})
    assert "service" in response.context["filter_form"].errors
    assert response.context["chosen"].service is None
    csv_response = editor_client.get(CSV_URL, {**PERIOD, "service": service, "table": "timeline"})
    assert csv_response.status_code == 400


# --- Services without visits -------------------------------------------------------------------


def test_services_without_visits_are_listed_with_zeros_on_request(
    events, dog, dog_en, bulky_waste, de, en
):
    assert len(reach.service_rows(START, END)) == 3
    rows = reach.service_rows(START, END, include_unvisited=True)
    live = ServicePage.objects.live()
    assert {row.service_id for row in rows} == set(live.values_list("pk", flat=True))
    assert len(rows) == live.count() > 3
    by_id = {row.service_id: row for row in rows}
    assert (by_id[dog.pk].views, by_id[dog.pk].qr) == (24, 4)  # the counted ones as before
    unvisited = [row for row in rows if row.service_id not in (dog.pk, dog_en.pk, bulky_waste.pk)]
    assert all((r.views, r.starts, r.qr, r.links) == (0, 0, 0, 0) for r in unvisited)
    assert all(r.title and r.language in ("de", "en") for r in unvisited)
    assert all(r.start_rate is None for r in unvisited)
    assert rows[:3] == reach.service_rows(START, END)  # most viewed first, the zeros last
    english = reach.service_rows(START, END, language="en", include_unvisited=True)
    assert {row.service_id for row in english} == set(
        live.filter(locale=en).values_list("pk", flat=True)
    )


def test_the_page_lists_services_without_visits_when_asked(editor_client, events, de):
    listed = editor_client.get(INDEX, PERIOD)
    assert len(listed.context["services"]) == 3
    assert "Include services with no visits" in listed.content.decode()
    everything = editor_client.get(INDEX, {**PERIOD, "unvisited": "on"})
    assert everything.context["chosen"].unvisited
    assert len(everything.context["services"]) == ServicePage.objects.live().count()
    assert "unvisited=1" in everything.context["csv_urls"]["services"]
    rows = read_csv(editor_client.get(CSV_URL, {**PERIOD, "table": "services", "unvisited": "1"}))
    assert len(rows) == 1 + ServicePage.objects.live().count()
    assert rows[-1][3:] == ["0", "0", "0", "0", ""]


def test_services_without_visits_take_a_constant_number_of_queries(
    editor_client, events, de, django_assert_num_queries
):
    params = {**PERIOD, "unvisited": "1"}
    add_services(de, 3, counted=False, prefix="ohne")
    editor_client.get(INDEX, params)  # warm Wagtail's caches
    live = ServicePage.objects.live().count()
    with CaptureQueriesContext(connection) as page_queries:
        response = editor_client.get(INDEX, params)
    assert len(response.context["services"]) == live
    with CaptureQueriesContext(connection) as csv_queries:
        editor_client.get(CSV_URL, {**params, "table": "services"})

    add_services(de, 27, counted=False, prefix="ohne-mehr")  # 30 without visits now

    with django_assert_num_queries(len(page_queries)):
        response = editor_client.get(INDEX, params)
    assert len(response.context["services"]) == live + 27
    with django_assert_num_queries(len(csv_queries)):
        rows = read_csv(editor_client.get(CSV_URL, {**params, "table": "services"}))
    assert len(rows) == 1 + live + 27
    with django_assert_num_queries(4):
        reach.service_rows(START, END, include_unvisited=True)


# --- Privacy of the search terms ---------------------------------------------------------------


@pytest.fixture
def rare_and_common_terms(events):
    """ "erika mustermann" searched twice in the period (and often before it), "wohngeld"
    three times in the period, on different days, once without results."""
    for term, day, searches, without in [
        ("erika mustermann", d(3, 20), 10, 10),  # before the period: does not count
        ("erika mustermann", d(3, 28), 1, 1),
        ("erika mustermann", d(4, 3), 1, 1),
        ("wohngeld", d(3, 28), 1, 1),
        ("wohngeld", d(4, 3), 2, 0),
    ]:
        SearchTermCount.objects.create(
            term=term,
            language="de",
            area="site",
            date=day,
            searches=searches,
            without_results=without,
        )


def test_terms_searched_fewer_than_three_times_are_not_shown(editor_client, rare_and_common_terms):
    assert reach.MIN_SEARCHES == 3 and reach.min_searches() == 3
    response = editor_client.get(INDEX, PERIOD)
    top = [(t.term, t.searches) for t in response.context["top_terms"]]
    assert ("wohngeld", 3) in top
    assert "erika mustermann" not in [term for term, _searches in top]
    zero = [(t.term, t.without_results) for t in response.context["zero_terms"]]
    assert ("wohngeld", 1) in zero
    assert "erika mustermann" not in [term for term, _without in zero]
    html = response.content.decode()
    assert "wohngeld" in html and "erika mustermann" not in html.lower()
    assert "Terms searched fewer than 3 times in the period are not shown" in html
    for table in ("searches", "zero_results"):
        rows = read_csv(editor_client.get(CSV_URL, {**PERIOD, "table": table}))
        terms = [row[0] for row in rows[1:]]
        assert "wohngeld" in terms and "erika mustermann" not in terms


def test_the_threshold_for_search_terms_is_a_setting(
    editor_client, rare_and_common_terms, settings
):
    settings.REACH_MIN_SEARCHES = 2
    response = editor_client.get(INDEX, PERIOD)
    assert ("erika mustermann", 2) in [(t.term, t.searches) for t in response.context["top_terms"]]
    assert "fewer than 2 times" in response.content.decode()
    settings.REACH_MIN_SEARCHES = 5
    rows = read_csv(editor_client.get(CSV_URL, {**PERIOD, "table": "searches"}))
    assert [row[0] for row in rows[1:]] == ["hund"]  # 6 searches; "wohngeld" only 3


# --- Query counts ------------------------------------------------------------------------------


def add_services(de, number, counted=True, prefix="testleistung"):
    """``number`` new live service pages, with counts in the period (or without any)."""
    finder = ServiceIndexPage.objects.get(locale=de)
    for index in range(number):
        service = finder.add_child(
            instance=ServicePage(
                title=f"{prefix.capitalize()} {index}",
                slug=f"{prefix}-{index}",
                summary="Eine Leistung für den Test.",
            )
        )
        if not counted:
            continue
        ServicePageViewCount.objects.create(service=service, date=d(4, 1), count=index + 1)
        OnlineStartCount.objects.create(service=service, date=d(4, 2), count=1)
        link = ShortLink.objects.create(service=service, code=f"{prefix}-{index}")
        ShortLinkVisit.objects.create(
            short_link=link, date=d(4, 3), channel=ShortLinkVisit.Channel.QR, count=2
        )


@pytest.mark.parametrize("one_service", [False, True])
def test_query_counts_do_not_grow_with_the_services(
    editor_client, events, de, dog, django_assert_num_queries, one_service
):
    params = {**PERIOD, "granularity": "week"}
    if one_service:
        params["service"] = dog.pk
    editor_client.get(INDEX, params)  # warm Wagtail's caches
    with CaptureQueriesContext(connection) as page_queries:
        response = editor_client.get(INDEX, params)
    assert len(response.context["services"]) == 3
    with CaptureQueriesContext(connection) as csv_queries:
        editor_client.get(CSV_URL, {**params, "table": "services"})

    add_services(de, 30)

    with django_assert_num_queries(len(page_queries)):
        response = editor_client.get(INDEX, params)
    assert len(response.context["services"]) == 33
    with django_assert_num_queries(len(csv_queries)):
        rows = read_csv(editor_client.get(CSV_URL, {**params, "table": "services"}))
    assert len(rows) == 1 + 33


def test_statistics_use_a_constant_number_of_queries(de, django_assert_num_queries):
    add_services(de, 5)
    with django_assert_num_queries(3):
        reach.timeline(START, END, "day")
    with django_assert_num_queries(4):
        assert len(reach.service_rows(START, END)) == 5
    with django_assert_num_queries(1):
        reach.top_search_terms(START, END)
    with django_assert_num_queries(1):
        reach.zero_result_terms(START, END)
