"""The defect reporter's part of ``seed_demo``: categories in German and English, the street
directory, the boundary, the Mängelmelder page, about 100 reports with photos, and nothing
changed when it runs again."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from defect_reports import geo, places
from defect_reports.demo import CATEGORIES, NEAR_MARKTPLATZ, RESOLVED
from defect_reports.models import (
    DefectCategory,
    DefectPhoto,
    DefectReport,
    DefectReportPage,
    DefectReportSettings,
    DefectStatusChange,
    StreetAddress,
)
from home.models import NavigationMenu

pytestmark = pytest.mark.django_db

MARKTPLATZ = (51.0560, 12.5560)
CODES = {
    "schlagloch", "gehweg", "strassenbeleuchtung", "muell", "graffiti", "spielplatz", "baum",
    "verkehrszeichen", "gully", "sitzbank", "winterdienst", "sonstiges",
}  # fmt: skip
ELSEWHERE_CODES = {"autobahn", "bahn", "kreisstrasse"}


def counts():
    return {
        "categories": DefectCategory.objects.count(),
        "addresses": StreetAddress.objects.count(),
        "reports": DefectReport.objects.count(),
        "released": DefectReport.objects.filter(released=True).count(),
        "photos": DefectPhoto.objects.count(),
        "history": DefectStatusChange.objects.count(),
        "pages": DefectReportPage.objects.count(),
        "menu links": sum(len(menu.links) for menu in NavigationMenu.objects.all()),
        "boundaries": DefectReportSettings.objects.exclude(boundary="").count(),
    }


def test_running_seed_demo_again_changes_nothing():
    report = DefectReport.objects.get(reference="MRKT-PLZ3")
    report.set_status(DefectReport.Status.RESOLVED, public_answer="Erledigt.")
    category = DefectCategory.objects.get(locale__language_code="de", code="graffiti")
    category.name = "Graffiti (von der Redaktion umbenannt)"
    category.save()
    before = counts()

    call_command("seed_demo", stdout=io.StringIO())

    assert counts() == before
    report.refresh_from_db()
    category.refresh_from_db()
    assert report.status == DefectReport.Status.RESOLVED
    assert category.name == "Graffiti (von der Redaktion umbenannt)"


def test_categories_exist_in_german_and_english_with_the_same_code(de, en):
    german = {c.code: c for c in DefectCategory.objects.filter(locale=de)}
    english = {c.code: c for c in DefectCategory.objects.filter(locale=en)}
    assert set(german) == set(english) == CODES | ELSEWHERE_CODES
    assert len(CATEGORIES) == len(german)
    for code, category in german.items():
        translation = english[code]
        assert translation.translation_key == category.translation_key
        assert (translation.icon, translation.kind, translation.sort_order) == (
            category.icon,
            category.kind,
            category.sort_order,
        )
        assert translation.name != category.name
        for field in ("name", "description", "hint", "group", "keywords", "department"):
            assert getattr(category, field) and getattr(translation, field), (code, field)
        assert category.department_email.endswith("@musterstadt.example")
        category.full_clean()
        translation.full_clean()
    assert german["muell"].name == "Illegale Müllablagerung"
    assert german["schlagloch"].group == "Straßen und Wege"


def test_three_categories_say_who_is_responsible_instead(de):
    elsewhere = DefectCategory.objects.filter(locale=de, kind=DefectCategory.Kind.ELSEWHERE)
    assert {c.code for c in elsewhere} == ELSEWHERE_CODES
    by_code = {c.code: c for c in elsewhere}
    assert by_code["autobahn"].elsewhere_name == "Autobahn GmbH des Bundes"
    assert by_code["autobahn"].elsewhere_url == "https://www.autobahn.de"
    assert by_code["autobahn"].elsewhere_phone
    assert by_code["bahn"].elsewhere_name == "DB InfraGO"
    assert by_code["bahn"].elsewhere_url == "https://www.deutschebahn.com"
    assert by_code["kreisstrasse"].elsewhere_name.startswith("Landratsamt")
    assert all(c.handled_elsewhere and c.elsewhere_text for c in elsewhere)


def test_the_reporter_page_is_in_both_languages_and_in_the_menu(home_de, de, en):
    page = DefectReportPage.objects.get(locale=de)
    assert (page.title, page.slug, page.live) == ("Mängelmelder", "maengelmelder", True)
    assert page.get_parent().pk == home_de.pk
    assert "112" in page.emergency_note
    assert page.intro and page.thank_you and page.map_intro
    english = page.get_translation(en)
    assert (english.title, english.slug, english.live) == (
        "Report a defect",
        "report-a-defect",
        True,
    )
    assert "112" in english.specific.emergency_note
    for locale, translated in ((de, page), (en, english)):
        menu = NavigationMenu.objects.get(slot="main", locale=locale)
        assert translated.pk in [link.value["page"].pk for link in menu.links]


def test_the_street_directory_and_boundary_are_in_place():
    assert StreetAddress.objects.count() > 1500
    assert StreetAddress.objects.values("street").distinct().count() >= 40
    rathaus = StreetAddress.objects.get(street="Marktplatz", house_number="1")
    assert (rathaus.latitude, rathaus.longitude) == MARKTPLATZ
    assert StreetAddress.objects.filter(search_name="schlossberg").exists()
    assert places.inside_town(*MARKTPLATZ)
    assert not places.inside_town(MARKTPLATZ[0] + 0.045, MARKTPLATZ[1])


def test_about_a_hundred_reports_spread_over_town_and_half_a_year():
    reports = list(DefectReport.objects.select_related("category"))
    assert 80 <= len(reports) <= 120
    now = timezone.now()
    boundary = places.town_boundary()
    for report in reports:
        assert report.category.kind == DefectCategory.Kind.REPORT
        assert boundary.contains(report.latitude, report.longitude), report.reference
        assert now - timedelta(days=190) < report.created_at <= now
        assert report.address, report.reference
    assert {r.category.code for r in reports} == CODES
    assert {r.language for r in reports} == {"de", "en"}
    # Spread out: reports in at least 25 streets, and over at least five months.
    assert len({r.address.rsplit(" ", 1)[0] for r in reports}) >= 25
    assert len({(r.created_at.year, r.created_at.month) for r in reports}) >= 5


def test_statuses_are_mixed_and_follow_the_rules_of_release():
    reports = DefectReport.objects.all()
    new = reports.filter(status=DefectReport.Status.NEW)
    assert 15 <= new.count() <= 25
    assert not new.filter(released=True).exists()
    released = reports.filter(released=True)
    assert released.count() == reports.count() - new.count()
    assert set(released.values_list("status", flat=True)) == {
        "released", "in_progress", "resolved", "rejected", "forwarded", "duplicate",
    }  # fmt: skip
    for report in released.prefetch_related("status_changes"):
        history = list(report.status_changes.all())
        assert history[0].status == "released"
        assert history[-1].status == report.status
        assert report.released_at == history[0].created_at
        assert [h.created_at for h in history] == sorted(h.created_at for h in history)
        assert report.created_at <= report.released_at
        if report.status in ("resolved", "rejected", "forwarded", "duplicate"):
            assert history[-1].public_answer, report.reference
    for duplicate in reports.filter(status=DefectReport.Status.DUPLICATE):
        original = duplicate.duplicate_of
        assert original.category.translation_key == duplicate.category.translation_key
        assert original.created_at < duplicate.created_at
        assert original.reference in duplicate.status_changes.last().public_answer
        assert (
            geo.distance_m(
                original.latitude, original.longitude, duplicate.latitude, duplicate.longitude
            )
            < 30
        )


def test_english_reports_have_english_categories_and_answers(en):
    english = DefectReport.objects.filter(language="en")
    assert english.exists()
    for report in english:
        assert report.category.locale == en
    answers = set(
        DefectStatusChange.objects.filter(report__language="en", status="resolved").values_list(
            "public_answer", flat=True
        )
    )
    assert answers and answers <= {english for _german, english in RESOLVED.values()}


def test_some_reports_have_contact_data_and_it_is_fictional():
    with_contact = DefectReport.objects.exclude(email="")
    assert 5 <= with_contact.count() <= 25
    assert all(r.email.endswith("@example.org") and r.name for r in with_contact)
    assert with_contact.exclude(email_confirmed_at=None).exists()
    assert with_contact.filter(email_confirmed_at=None).exists()
    # No worker may ever write to them.
    assert not with_contact.filter(confirmation_sent_at=None).exists()


def test_some_reports_have_clean_photos_with_thumbnails():
    photos = list(DefectPhoto.objects.select_related("report"))
    reports = {photo.report_id for photo in photos}
    assert 8 <= len(reports) <= 10
    assert len(photos) > len(reports)  # some reports have two
    for photo in photos:
        with photo.image.open("rb") as handle:
            image = Image.open(handle)
            image.load()
        assert image.format == "JPEG"
        assert image.size == (photo.width, photo.height) == (1200, 900)
        assert not image.getexif() and "exif" not in image.info
        with photo.thumbnail.open("rb") as handle:
            thumbnail = Image.open(handle)
            assert max(thumbnail.size) <= 480


def test_two_open_released_reports_near_the_marktplatz_show_the_duplicate_hint():
    (first, *_), (second, *_) = NEAR_MARKTPLATZ
    reports = DefectReport.objects.filter(reference__in=[first, second])
    assert len(reports) == 2
    a, b = reports
    assert a.released and b.released and a.is_open and b.is_open
    assert a.category.translation_key == b.category.translation_key
    assert geo.distance_m(a.latitude, a.longitude, b.latitude, b.longitude) < 30
    assert geo.distance_m(*MARKTPLATZ, a.latitude, a.longitude) < 150
    # Reporting a pothole between them offers both to follow instead.
    middle = ((a.latitude + b.latitude) / 2, (a.longitude + b.longitude) / 2)
    nearby = places.nearby_open_reports(a.category, *middle)
    assert {item.report.reference for item in nearby} >= {first, second}


def test_no_other_open_report_is_close_to_the_rathaus():
    """Tests and demonstrations at Marktplatz 1 start with nothing reported within 50 m."""
    for category in DefectCategory.objects.filter(kind=DefectCategory.Kind.REPORT):
        assert places.nearby_open_reports(category, *MARKTPLATZ) == []


def test_demo_has_answer_templates_and_a_processing_team(de, en):
    from defect_reports.models import AnswerTemplate, DefectTeam

    german = AnswerTemplate.objects.filter(locale=de)
    assert german.count() >= 4
    assert all(template.get_translation_or_none(en) for template in german)
    team = DefectTeam.objects.get(group__name="Mängelmelder Tiefbauamt")
    assert "Tiefbauamt" in team.department_list()
    assert not team.group.permissions.filter(codename="view_personal_data").exists()
