"""After a report was sent: the reporter's private tracking page, the photos as they are
served, the hourly cleanup of drafts by django-q2's scheduler, the emails' tasks that never
send twice, the home page's teaser, the categories in Wagtail's admin and the town's boundary
setting."""

import json
import os
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Site

from defect_reports import places, reporting
from defect_reports.models import (
    DefectCategory,
    DefectPhoto,
    DefectReport,
    DefectReportDraft,
    DefectReportSettings,
    DraftPhoto,
)
from defect_reports.tasks import send_acknowledgement, send_confirmation_email
from rathaus.jobs import SCHEDULES

from .conftest import form_data, upload
from .photo_files import MARKTPLATZ, photo

pytestmark = pytest.mark.django_db

ERIKA = {"name": "Erika Geheimname", "email": "erika.geheim@example.org", "phone": "0171 5550199"}


def new_report(category, **fields):
    fields.setdefault("description", "Prüfmeldung: Laterne aus.")
    fields.setdefault("address", "Marktplatz 1")
    return DefectReport.objects.create(
        category=category, latitude=MARKTPLATZ[0], longitude=MARKTPLATZ[1], **fields
    )


# --- The tracking page --------------------------------------------------------------------


def test_the_tracking_page_shows_status_and_answers_but_no_notes_or_contact(client, pothole_de):
    report = new_report(pothole_de, **ERIKA)
    report.status_changes.create(status=report.status)
    report.release(answer="Ihre Meldung ist jetzt öffentlich.")
    report.set_status(
        DefectReport.Status.IN_PROGRESS,
        public_answer="Der Bauhof ist beauftragt.",
        internal_note="geheim: Auftrag 2026-0815 an Firma Schmidt",
    )
    response = client.get(f"/de/meldung/{report.token}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert report.reference in page
    assert pothole_de.name in page
    assert "In Bearbeitung" in page  # the status now
    assert "Freigegeben" in page  # and in the history
    assert "Ihre Meldung ist jetzt öffentlich." in page
    assert "Der Bauhof ist beauftragt." in page
    assert "geheim" not in page and "Firma Schmidt" not in page
    # Anyone with the address can see the page: no contact data on it.
    for value in ERIKA.values():
        assert value not in page
    assert f'href="/de/maengelmelder/meldungen/{report.reference}/"' in page


def test_the_tracking_page_is_never_cached_indexed_or_referred(client, pothole_de):
    report = new_report(pothole_de)
    response = client.get(f"/de/meldung/{report.token}/")
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private"} <= cache_control
    assert "public" not in cache_control
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_a_wrong_token_of_the_right_length_is_404(client, pothole_de):
    report = new_report(pothole_de)
    token = report.token
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert len(wrong) == len(token)
    assert client.get(f"/de/meldung/{wrong}/").status_code == 404
    assert client.get(f"/de/meldung/{token[:-1]}/").status_code == 404
    assert client.get(f"/de/meldung/{token}x/").status_code == 404
    assert client.get(f"/meldung/{wrong}/", follow=True).status_code == 404
    assert client.get(f"/de/meldung/{token}/").status_code == 200


def test_the_english_reports_tracking_page_is_english(client, en):
    category = DefectCategory.objects.get(locale=en, code="strassenbeleuchtung")
    report = new_report(category, language="en")
    path = report.tracking_path()
    assert path == f"/en/report/{report.token}/"
    response = client.get(path)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in page
    assert category.name in page and "History" in page
    assert report.tracking_url().endswith(path)


# --- Photos as served ---------------------------------------------------------------------


def sent_with_photo(client, reporter_de, pothole_de, captured_callbacks):
    """A report sent through the form with a phone's photo (GPS, camera, XMP)."""
    original = photo(latitude=51.0561, longitude=12.5562, orientation=6)
    response = client.post(
        reporter_de.url, {**form_data(pothole_de), "photos": [upload("IMG_1.jpg", original)]}
    )
    token = re.search(r"/pruefen/([^/]+)/$", response["Location"]).group(1)
    with captured_callbacks(execute=True):
        client.post(reporter_de.url + f"pruefen/{token}/", {"action": "send"})
    return DefectReport.objects.get(description__startswith="Testmeldung 4711")


def test_a_released_photo_is_served_as_jpeg_without_exif(
    client, reporter_de, pothole_de, django_capture_on_commit_callbacks
):
    report = sent_with_photo(client, reporter_de, pothole_de, django_capture_on_commit_callbacks)
    report.release()
    stored = report.photos.get()
    stored.is_public = True  # staff released the photo
    stored.save()
    for url in (f"/defect-photos/{stored.pk}/", f"/defect-photos/{stored.pk}/thumb/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        content = b"".join(response.streaming_content)
        assert content.startswith(b"\xff\xd8")
        for marker in (b"Exif", b"GPS", b"xmpmeta", b"Rathaus-Testkamera", b"Geheimhausen"):
            assert marker not in content, (url, marker)
    full = b"".join(client.get(f"/defect-photos/{stored.pk}/").streaming_content)
    thumb = b"".join(client.get(f"/defect-photos/{stored.pk}/thumb/").streaming_content)
    assert len(thumb) < len(full)


def test_a_photo_that_does_not_exist_is_404(client, admin_client):
    missing = (DefectPhoto.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    assert client.get(f"/defect-photos/{missing}/", follow=True).status_code == 404
    assert client.get(f"/defect-photos/{missing}/thumb/", follow=True).status_code == 404
    assert admin_client.get(f"/defect-photos/{missing}/", follow=True).status_code == 404


# --- Drafts are cleaned up ----------------------------------------------------------------


def draft_with_photo(hours_old=0):
    draft = DefectReportDraft.objects.create(data={"description": "angefangen"})
    item = reporting.add_draft_photo(draft, upload())
    if hours_old:
        DefectReportDraft.objects.filter(pk=draft.pk).update(
            created_at=timezone.now() - timedelta(hours=hours_old)
        )
    return draft, item.image.path


def test_expired_drafts_go_with_their_photo_files(private_root):
    old, old_file = draft_with_photo(hours_old=25)
    fresh, fresh_file = draft_with_photo(hours_old=23)
    assert os.path.exists(old_file) and str(private_root) in old_file

    assert reporting.delete_expired_drafts() == 1

    assert not DefectReportDraft.objects.filter(pk=old.pk).exists()
    assert not DraftPhoto.objects.filter(draft_id=old.pk).exists()
    assert not os.path.exists(old_file)
    assert DefectReportDraft.objects.filter(pk=fresh.pk).exists()
    assert fresh.photos.count() == 1 and os.path.exists(fresh_file)


def test_django_q2s_scheduler_deletes_expired_drafts_every_hour():
    from django_q.brokers import get_broker
    from django_q.models import Schedule
    from django_q.scheduler import scheduler

    assert SCHEDULES["delete_expired_report_drafts"] == (
        "defect_reports.reporting.delete_expired_drafts",
        60,
    )
    schedule = Schedule.objects.get(name="delete_expired_report_drafts")
    assert schedule.func == "defect_reports.reporting.delete_expired_drafts"
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes == 60

    old, old_file = draft_with_photo(hours_old=25)
    fresh, _fresh_file = draft_with_photo()
    # Only this job is due, so whatever happens is its doing.
    Schedule.objects.update(next_run=timezone.now() + timedelta(hours=1))
    Schedule.objects.filter(name="delete_expired_report_drafts").update(
        next_run=timezone.now() - timedelta(seconds=1)
    )
    scheduler(broker=get_broker())

    assert not DefectReportDraft.objects.filter(pk=old.pk).exists()
    assert not os.path.exists(old_file)
    assert DefectReportDraft.objects.filter(pk=fresh.pk).exists()
    schedule.refresh_from_db()
    assert schedule.next_run > timezone.now()


# --- Emails are sent once, and only to confirmed addresses ----------------------------------


def test_the_confirmation_email_is_sent_once(pothole_de, django_capture_on_commit_callbacks):
    report = new_report(pothole_de, email="bert@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        send_confirmation_email.enqueue(report.pk)
        send_confirmation_email.enqueue(report.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bert@example.org"]
    assert "/de/e-mail-bestaetigen/" in mail.outbox[0].body
    # Run again directly, as a retry after a crash would: still nothing more.
    send_confirmation_email.call(report.pk)
    assert len(mail.outbox) == 1
    report.refresh_from_db()
    assert report.confirmation_sent_at is not None


def test_no_confirmation_email_without_an_address(pothole_de, django_capture_on_commit_callbacks):
    report = new_report(pothole_de)
    with django_capture_on_commit_callbacks(execute=True):
        send_confirmation_email.enqueue(report.pk)
    assert mail.outbox == []


def test_the_acknowledgement_waits_for_the_confirmed_address(
    pothole_de, django_capture_on_commit_callbacks
):
    report = new_report(pothole_de, email="carla@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        send_acknowledgement.enqueue(report.pk)
    assert mail.outbox == []
    report.refresh_from_db()
    assert report.acknowledgement_sent_at is None

    report.email_confirmed_at = timezone.now()
    report.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_acknowledgement.enqueue(report.pk)
        send_acknowledgement.enqueue(report.pk)
    assert len(mail.outbox) == 1
    assert report.tracking_path() in mail.outbox[0].body
    assert report.reference in mail.outbox[0].subject + mail.outbox[0].body


# --- The home page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "home,reporter,label",
    [
        ("/de/", "/de/maengelmelder/", "Mangel melden"),
        ("/en/", "/en/report-a-defect/", "Report a defect"),
    ],
)
def test_the_home_page_offers_to_report_a_defect(client, home, reporter, label):
    page = client.get(home).content.decode()
    teaser = page[page.index('<section class="home-defects"') :]
    teaser = teaser[: teaser.index("</section>")]
    assert f'<a class="button" href="{reporter}">{label}</a>' in teaser
    assert f'href="{reporter}?category=' in teaser
    open_count = DefectReport.objects.filter(
        released=True, status__in=DefectReport.OPEN_STATUSES
    ).count()
    assert f">{open_count} " in teaser


# --- The categories in Wagtail's admin ----------------------------------------------------


def test_staff_see_the_categories_in_the_admin(admin_client, pothole_de, motorway_de):
    viewset = DefectCategory.snippet_viewset
    listing = admin_client.get(reverse(viewset.get_url_name("list")))
    assert listing.status_code == 200
    assert pothole_de.name in listing.content.decode()

    edit_url = AdminURLFinder().get_edit_url(motorway_de)
    assert edit_url == reverse(viewset.get_url_name("edit"), args=[motorway_de.pk])
    edit = admin_client.get(edit_url)
    assert edit.status_code == 200
    assert motorway_de.elsewhere_name in edit.content.decode()


def test_the_public_cannot_open_the_category_admin(client):
    listing = reverse(DefectCategory.snippet_viewset.get_url_name("list"))
    response = client.get(listing)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_category_handled_elsewhere_must_say_by_whom(de, motorway_de):
    category = DefectCategory(
        locale=de, code="bundeswasserstrasse", name="Bundeswasserstraße", kind="elsewhere"
    )
    with pytest.raises(ValidationError) as error:
        category.full_clean()
    assert "elsewhere_name" in error.value.message_dict
    category.elsewhere_text = "Wasserstraßen- und Schifffahrtsamt, Telefon 0351 1234"
    category.full_clean()

    motorway_de.elsewhere_name = motorway_de.elsewhere_text = ""
    with pytest.raises(ValidationError):
        motorway_de.full_clean()


def category_form(category, **changes):
    """What the admin's edit form of ``category`` sends, with ``changes``."""
    fields = (
        "name", "code", "icon", "group", "description", "hint", "keywords", "department",
        "department_email", "kind", "elsewhere_name", "elsewhere_text", "elsewhere_url",
        "elsewhere_phone", "sort_order",
    )  # fmt: skip
    data = {field: getattr(category, field) for field in fields}
    data.update(active="on" if category.active else "", **changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_admin_refuses_an_elsewhere_category_without_an_authority(admin_client, motorway_de):
    url = AdminURLFinder().get_edit_url(motorway_de)
    refused = admin_client.post(
        url, category_form(motorway_de, elsewhere_name="", elsewhere_text="")
    )
    assert refused.status_code == 200  # the form again, with the error at the field
    assert "Geben Sie an, wer stattdessen zuständig ist" in refused.content.decode()
    motorway_de.refresh_from_db()
    assert motorway_de.elsewhere_name

    # The same form with an authority is saved.
    saved = admin_client.post(url, category_form(motorway_de, elsewhere_name="Autobahn GmbH"))
    assert saved.status_code == 302
    motorway_de.refresh_from_db()
    assert motorway_de.elsewhere_name == "Autobahn GmbH"


# --- The town's boundary ------------------------------------------------------------------


@pytest.fixture
def boundary_setting(db):
    return DefectReportSettings.for_site(Site.objects.get(is_default_site=True))


def square(south, west, north, east):
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize(
    "boundary",
    [
        "kein GeoJSON",
        json.dumps({"type": "Point", "coordinates": [12.556, 51.056]}),
        json.dumps({"type": "Polygon", "coordinates": [[[12.5, 51.0], [12.6, 51.0]]]}),
        json.dumps({"type": "Polygon", "coordinates": "Musterstadt"}),
        json.dumps({"type": "Feature", "properties": {}}),
        json.dumps({"type": "FeatureCollection", "features": []}),
        # Positions with one number instead of two.
        json.dumps({"type": "Polygon", "coordinates": [[[12.5], [12.6], [12.6], [12.5]]]}),
    ],
    ids=["text", "point", "short-ring", "no-rings", "no-geometry", "empty", "one-number"],
)
def test_a_boundary_that_is_not_a_polygon_is_refused(boundary_setting, boundary):
    boundary_setting.boundary = boundary
    with pytest.raises(ValidationError) as error:
        boundary_setting.full_clean()
    assert error.value.message_dict["boundary"][0]


@pytest.mark.parametrize(
    "boundary",
    [
        "kein GeoJSON",
        json.dumps({"type": "Polygon", "coordinates": [[[12.5], [12.6], [12.6], [12.5]]]}),
    ],
    ids=["text", "one-number"],
)
def test_the_admin_explains_a_boundary_that_is_not_a_polygon(
    admin_client, boundary_setting, boundary
):
    before = boundary_setting.boundary
    url = reverse(
        "wagtailsettings:edit",
        args=["defect_reports", "defectreportsettings", boundary_setting.site_id],
    )
    response = admin_client.post(url, {"boundary": boundary})
    assert response.status_code == 200
    assert "Das ist kein GeoJSON-Polygon" in response.content.decode()
    boundary_setting.refresh_from_db()
    assert boundary_setting.boundary == before


def test_the_boundary_set_is_the_one_used(boundary_setting):
    # A small square around the Bahnhof, away from the Marktplatz.
    boundary_setting.boundary = json.dumps(
        {"type": "Feature", "geometry": square(51.060, 12.560, 51.064, 12.566)}
    )
    boundary_setting.full_clean()
    boundary_setting.save()

    assert places.inside_town(51.062, 12.563)
    assert not places.inside_town(*MARKTPLATZ)
    site = Site.objects.get(is_default_site=True)
    assert places.inside_town(51.062, 12.563, site)
    assert not places.inside_town(*MARKTPLATZ, site)


def test_the_form_uses_the_boundary_set(client, reporter_de, pothole_de, boundary_setting):
    boundary_setting.boundary = json.dumps(square(51.060, 12.560, 51.064, 12.566))
    boundary_setting.save()
    response = client.post(reporter_de.url, form_data(pothole_de))
    assert response.status_code == 400
    assert "außerhalb" in response.content.decode()


def test_a_step_with_only_an_internal_note_is_not_shown_to_citizens(client, pothole_de):
    report = DefectReport.objects.create(
        category=pothole_de, description="Loch", latitude=51.056, longitude=12.556
    )
    report.status_changes.create(status=report.status)
    report.release(answer="Wir sehen es uns an.")
    report.set_status(DefectReport.Status.RELEASED, internal_note="Bauhof anrufen")
    report.set_status(DefectReport.Status.IN_PROGRESS)
    shown = [(change.status, change.public_answer) for change in report.public_history()]
    assert shown == [("new", ""), ("released", "Wir sehen es uns an."), ("in_progress", "")]
    page = client.get(f"/de/meldung/{report.token}/").content.decode()
    assert page.count('class="status-badge status-released"') == 1
    assert "Bauhof anrufen" not in page
