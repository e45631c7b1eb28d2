"""Staff process defect reports in Wagtail's admin as they would in a browser: the list with its
filters and search, the processing form, photos (hide, release, black out), bulk release and
close, the map and the dashboard panel; and nobody without a team sees any report or personal
data."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from PIL import Image
from wagtail.models import ModelLogEntry

from defect_reports import admin_views, photos
from defect_reports.models import (
    AnswerTemplate,
    DefectCategory,
    DefectPhoto,
    DefectReport,
    DefectStatusChange,
    DefectTeam,
)

from .photo_files import MARKTPLATZ, photo

pytestmark = pytest.mark.django_db

PASSWORD = "x-lang-genug-42"


# --- Users, teams and reports -------------------------------------------------------------


def make_team(name, departments, codenames=("view_defectreport", "change_defectreport")):
    group = Group.objects.create(name=name)
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="defect_reports", codename__in=codenames
        ),
    )
    DefectTeam.objects.create(group=group, departments="\n".join(departments))
    return group


def make_user(django_user_model, username, *groups):
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    user.groups.add(*groups)
    return user


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("verwaltung", password=PASSWORD))
    return client


@pytest.fixture
def tiefbau(django_user_model):
    """Staff of the civil engineering office, who may see reporters' contact data."""
    team = make_team(
        "Tiefbauamt",
        ["Tiefbauamt"],
        ("view_defectreport", "change_defectreport", "view_personal_data"),
    )
    return make_user(django_user_model, "tiefbau", team)


@pytest.fixture
def bauhof(django_user_model):
    """Staff of the works depot, without the permission to see contact data."""
    return make_user(django_user_model, "bauhof", make_team("Bauhof", ["Bauhof"]))


@pytest.fixture
def editor(django_user_model):
    """A page editor: uses the admin, belongs to no defect processing team."""
    return make_user(django_user_model, "redakteurin", Group.objects.get(name="Editors"))


@pytest.fixture
def editor_with_model_permissions(django_user_model):
    """Has the model permissions (a careless group setting), but no team."""
    group = Group.objects.create(name="Ohne Team")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="defect_reports",
            codename__in=["view_defectreport", "change_defectreport", "view_personal_data"],
        ),
    )
    return make_user(django_user_model, "ohne-team", group)


def login(client, user):
    client.force_login(user)
    return client


def category(de, code):
    return DefectCategory.objects.get(locale=de, code=code)


def new_report(cat, **fields):
    values = {
        "category": cat,
        "description": "Testmeldung: tiefes Loch vor dem Rathaus.",
        "latitude": MARKTPLATZ[0],
        "longitude": MARKTPLATZ[1],
        "address": "Marktplatz 1",
        "name": "Erika Mustermann",
        "email": "erika.mustermann@example.org",
        "phone": "0341 4711",
    }
    values.update(fields)
    return DefectReport.objects.create(**values)


@pytest.fixture
def pothole(de):
    return new_report(category(de, "schlagloch"), description="Schlagloch Zebrastreifen 4711")


@pytest.fixture
def graffiti(de):
    """A report of the works depot (Bauhof), not of the civil engineering office."""
    return new_report(
        category(de, "graffiti"),
        description="Graffiti an der Schulmauer 0815",
        address="Schulstraße 3",
    )


def edit_url(report):
    return reverse("defect_reports:edit", args=[report.pk])


def list_url():
    return reverse("defect_reports:index")


def html(response):
    return response.content.decode()


def status_of(client, url, **params):
    """The final status code (a 404 outside the language prefix redirects into it first)."""
    return client.get(url, params, follow=True).status_code


def workflow_data(report, **fields):
    data = {
        "status": report.status,
        "answer_template": "",
        "public_answer": "",
        "internal_note": "",
        "duplicate_of": "",
        "forwarded_to": "",
    }
    if report.released:
        data["released"] = "on"
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def jpeg_photo(report, size=(1200, 900)):
    """A cleaned JPEG (as the reporter's form stores it) attached to the report."""
    cleaned = photos.clean_photo(ContentFile(photo("JPEG", size=size), name="foto.jpg"))
    item = DefectPhoto(report=report, width=cleaned.width, height=cleaned.height)
    item.image.save("foto.jpg", cleaned.as_file(), save=False)
    item.thumbnail.save("thumb.jpg", ContentFile(photos.thumbnail(cleaned.content)), save=False)
    item.save()
    return item


def photo_bytes(client, item, size="full", **params):
    name = "defect_photo_thumb" if size == "thumb" else "defect_photo"
    response = client.get(reverse(name, args=[item.pk]), params)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


# --- The menu and the list ----------------------------------------------------------------


def test_menu_item_leads_to_the_list(admin_client):
    home = html(admin_client.get(reverse("wagtailadmin_home")))
    assert list_url() in home
    assert reverse("defect_reports:map") in home
    assert admin_client.get(list_url()).status_code == 200


def test_list_shows_the_columns_and_no_add_button(admin_client, pothole):
    jpeg_photo(pothole)
    response = admin_client.get(list_url(), {"q": pothole.reference})
    assert response.status_code == 200
    page = html(response)
    assert pothole.reference in page
    assert "Schlagloch" in page and "Marktplatz 1" in page
    assert edit_url(pothole) in page
    assert "erika.mustermann@example.org" not in page
    assert f'href="{list_url()}new/"' not in page
    assert status_of(admin_client, f"{list_url()}new/") == 404


def test_list_search_finds_reference_description_and_address(admin_client, pothole, graffiti):
    for query in (pothole.reference, "Zebrastreifen 4711", "Marktplatz 1"):
        page = html(admin_client.get(list_url(), {"q": query}))
        assert pothole.reference in page, query
        assert graffiti.reference not in page, query
    page = html(admin_client.get(list_url(), {"q": "Schulstraße 3"}))
    assert graffiti.reference in page and pothole.reference not in page


@pytest.mark.parametrize(
    "query, pothole_listed, graffiti_listed",
    [
        ({"status": "new"}, True, False),
        ({"status": "in_progress"}, False, True),
        ({"status": "open"}, True, True),
        ({"status": "closed"}, False, False),
        ({"category": "schlagloch"}, True, False),
        ({"department": "Bauhof"}, False, True),
        ({"department": "Tiefbauamt"}, True, False),
        ({"has_photos": "true"}, True, False),
        ({"has_photos": "false"}, False, True),
        ({"released": "true"}, False, True),
    ],
)
def test_list_filters(admin_client, de, pothole, graffiti, query, pothole_listed, graffiti_listed):
    jpeg_photo(pothole)
    graffiti.release()
    graffiti.set_status("in_progress")
    if query.get("category"):
        query = {"category": str(category(de, query["category"]).translation_key)}
    page = html(admin_client.get(list_url(), query))
    assert (pothole.reference in page) == pothole_listed, page[:0]
    assert (graffiti.reference in page) == graffiti_listed


def test_list_filters_by_date_range(admin_client, pothole, graffiti):
    DefectReport.objects.filter(pk=graffiti.pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    page = html(admin_client.get(list_url(), {"created_at_from": since}))
    assert pothole.reference in page and graffiti.reference not in page
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    page = html(admin_client.get(list_url(), {"created_at_to": until, "q": "0815"}))
    assert graffiti.reference in page and pothole.reference not in page


def test_list_is_paginated_and_sortable(admin_client, pothole):
    response = admin_client.get(list_url(), {"ordering": "created_at"})
    assert response.status_code == 200
    assert response.context["paginator"].per_page == 50
    assert response.context["paginator"].count == DefectReport.objects.count()


# --- Permissions --------------------------------------------------------------------------


def test_team_sees_only_the_reports_of_its_departments(client, tiefbau, pothole, graffiti):
    login(client, tiefbau)
    page = html(client.get(list_url()))
    assert pothole.reference in page
    assert graffiti.reference not in page
    assert client.get(edit_url(pothole)).status_code == 200
    assert status_of(client, edit_url(graffiti)) == 404
    assert status_of(client, reverse("defect_reports:inspect", args=[graffiti.pk])) == 404
    assert status_of(client, reverse("defect_reports:history", args=[graffiti.pk])) == 404


def test_team_sees_its_categories_in_every_language(client, tiefbau, en):
    english = DefectCategory.objects.get(locale=en, code="schlagloch")
    english.department = "Civil Engineering Office"  # the department's name in English
    english.save()
    report = new_report(english, language="en")
    login(client, tiefbau)
    assert report.reference in html(client.get(list_url()))
    assert client.get(edit_url(report)).status_code == 200


def test_team_with_star_sees_every_department(client, django_user_model, pothole, graffiti):
    login(client, make_user(django_user_model, "alle", make_team("Alle", ["*"])))
    page = html(client.get(list_url()))
    assert pothole.reference in page and graffiti.reference in page


@pytest.mark.parametrize("who", ["editor", "editor_with_model_permissions"])
def test_editors_without_a_team_see_no_reports_and_no_personal_data(client, request, who, pothole):
    user = request.getfixturevalue(who)
    item = jpeg_photo(pothole)
    login(client, user)
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200, "they use the admin"
    assert list_url() not in html(home), "no menu item"
    assert "defect-reports-dashboard" not in html(home), "no dashboard panel"
    urls = [
        list_url(),
        edit_url(pothole),
        reverse("defect_reports:inspect", args=[pothole.pk]),
        reverse("defect_reports:history", args=[pothole.pk]),
        reverse("defect_reports:map"),
        reverse("defect_reports:photo_redact", args=[item.pk]),
        reverse("wagtail_bulk_action", args=["defect_reports", "defectreport", "release"])
        + f"?id={pothole.pk}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert pothole.reference not in html(response), url
        assert "erika.mustermann@example.org" not in html(response), url
    response = client.post(edit_url(pothole), workflow_data(pothole, status="resolved"))
    assert response.status_code in (302, 403, 404)
    pothole.refresh_from_db()
    assert pothole.status == "new"
    # Photos of a report that is not released are not theirs to see either.
    assert status_of(client, reverse("defect_photo", args=[item.pk])) == 404
    assert status_of(client, reverse("defect_photo_thumb", args=[item.pk])) == 404


def test_view_personal_data_controls_the_contact_data(client, tiefbau, django_user_model, de):
    report = new_report(category(de, "graffiti"))
    login(client, make_user(django_user_model, "bauhof-2", make_team("Bauhof 2", ["Bauhof"])))
    page = html(client.get(edit_url(report)))
    assert report.reference in page
    assert "erika.mustermann@example.org" not in page
    assert "Erika Mustermann" not in page and "0341 4711" not in page

    team = Group.objects.get(name="Bauhof 2")
    team.permissions.add(Permission.objects.get(codename="view_personal_data"))
    client.force_login(django_user_model.objects.get(username="bauhof-2"))
    page = html(client.get(edit_url(report)))
    assert "erika.mustermann@example.org" in page and "0341 4711" in page


def test_view_only_staff_get_the_read_only_page(client, django_user_model, pothole):
    viewer = make_user(
        django_user_model,
        "leserin",
        make_team("Tiefbau lesen", ["Tiefbauamt"], ("view_defectreport",)),
    )
    login(client, viewer)
    response = client.get(edit_url(pothole))
    assert response.status_code == 302
    assert response.url == reverse("defect_reports:inspect", args=[pothole.pk])
    page = html(client.get(response.url))
    assert pothole.reference in page and "Schlagloch Zebrastreifen 4711" in page
    assert 'name="status"' not in page
    response = client.post(edit_url(pothole), workflow_data(pothole, status="resolved"))
    pothole.refresh_from_db()
    assert pothole.status == "new"


# --- The workflow, as staff use the form --------------------------------------------------


@pytest.fixture
def template_de(de):
    return AnswerTemplate.objects.create(
        locale=de,
        title="Repariert",
        status="resolved",
        text="Vielen Dank! Das Schlagloch wurde heute ausgebessert.",
    )


def test_status_change_with_a_template_answer(client, tiefbau, pothole, template_de, reporter_de):
    login(client, tiefbau)
    page = html(client.get(edit_url(pothole)))
    assert "Repariert" in page and "erika.mustermann@example.org" in page

    # Without scripts: "Use template" fills the public answer and saves nothing.
    form = workflow_data(pothole, status="resolved", answer_template=str(template_de.pk))
    response = client.post(edit_url(pothole), {**form, "use_template": "1"})
    assert response.status_code == 200
    assert response.context["form"]["public_answer"].value() == template_de.text
    assert response.context["form"]["status"].value() == "resolved"
    assert not pothole.status_changes.exists()

    form.update(
        public_answer=template_de.text + " Ihr Bauhof.",
        internal_note="Kolonne 3, Kosten 120 Euro (intern 4711)",
        released="on",
    )
    response = client.post(edit_url(pothole), form)
    assert response.status_code == 302
    pothole.refresh_from_db()
    assert pothole.status == "resolved" and pothole.released and pothole.closed_at
    change = pothole.status_changes.get()
    assert change.user == tiefbau
    assert change.status == "resolved"
    assert change.public_answer.endswith("Ihr Bauhof.")
    assert change.internal_note.startswith("Kolonne 3")

    entry = ModelLogEntry.objects.for_instance(pothole).get(action="defect_reports.processed")
    assert entry.user == tiefbau and entry.data["status"] == "resolved"
    history = html(client.get(reverse("defect_reports:history", args=[pothole.pk])))
    messages = []
    for language in ("de", "en"):
        with translation.override(language):
            messages.append(escape(admin_views.ProcessedLogFormatter().format_message(entry)))
    assert any(message in history for message in messages)

    public = client.get(reporter_de.report_url(pothole))
    assert public.status_code == 200
    assert "Das Schlagloch wurde heute ausgebessert." in html(public)
    tracking = client.get(pothole.tracking_path())
    assert "Das Schlagloch wurde heute ausgebessert." in html(tracking)
    for response in (public, tracking):
        assert "Kolonne 3" not in html(response)
        assert "intern 4711" not in html(response)
        assert "erika.mustermann@example.org" not in html(response)
    processing = html(client.get(edit_url(pothole)))
    assert "Kolonne 3, Kosten 120 Euro" in processing


def test_templates_follow_the_reporters_language(client, tiefbau, en, pothole, template_de):
    english = AnswerTemplate.objects.create(
        locale=en, title="Repaired", status="resolved", text="Thank you! Fixed today."
    )
    login(client, tiefbau)
    assert "Repariert" in html(client.get(edit_url(pothole)))
    report = new_report(pothole.category, language="en")
    page = html(client.get(edit_url(report)))
    assert english.title in page and "Repariert" not in page


def test_duplicate_needs_an_existing_original(client, tiefbau, pothole, de):
    original = new_report(category(de, "schlagloch"))
    login(client, tiefbau)
    for reference in ("", "ZZZZ-9999", pothole.reference):
        response = client.post(
            edit_url(pothole), workflow_data(pothole, status="duplicate", duplicate_of=reference)
        )
        assert response.status_code == 200, reference
        assert response.context["form"].errors["duplicate_of"], reference
        pothole.refresh_from_db()
        assert pothole.status == "new" and pothole.duplicate_of is None

    response = client.post(
        edit_url(pothole),
        workflow_data(pothole, status="duplicate", duplicate_of=original.reference.lower()),
    )
    assert response.status_code == 302
    pothole.refresh_from_db()
    assert pothole.status == "duplicate" and pothole.duplicate_of == original
    page = html(client.get(edit_url(original)))
    assert pothole.reference in page  # the original lists its duplicates


def test_forwarding_needs_the_authority(client, tiefbau, pothole):
    login(client, tiefbau)
    response = client.post(edit_url(pothole), workflow_data(pothole, status="forwarded"))
    assert response.status_code == 200
    assert response.context["form"].errors["forwarded_to"]
    response = client.post(
        edit_url(pothole),
        workflow_data(pothole, status="forwarded", forwarded_to="Autobahn GmbH des Bundes"),
    )
    assert response.status_code == 302
    pothole.refresh_from_db()
    assert pothole.status == "forwarded"
    assert pothole.forwarded_to == "Autobahn GmbH des Bundes"
    assert pothole.closed_at is not None


def test_internal_note_alone_keeps_the_status(client, tiefbau, pothole):
    login(client, tiefbau)
    response = client.post(
        edit_url(pothole), workflow_data(pothole, internal_note="Rückruf am Montag")
    )
    assert response.status_code == 302
    pothole.refresh_from_db()
    assert pothole.status == "new"
    change = pothole.status_changes.get()
    assert change.internal_note == "Rückruf am Montag" and change.user == tiefbau


def test_releasing_a_new_report_and_hiding_it_again(client, tiefbau, pothole, reporter_de):
    login(client, tiefbau)
    client.post(edit_url(pothole), workflow_data(pothole, released="on"))
    pothole.refresh_from_db()
    assert pothole.released and pothole.status == "released"
    assert client.get(reporter_de.report_url(pothole)).status_code == 200
    client.post(edit_url(pothole), workflow_data(pothole, released=None))
    pothole.refresh_from_db()
    assert not pothole.released
    assert status_of(client, reporter_de.report_url(pothole)) == 404


# --- Bulk actions -------------------------------------------------------------------------


def bulk_url(action, *reports, **params):
    url = reverse("wagtail_bulk_action", args=["defect_reports", "defectreport", action])
    query = "&".join([f"id={report.pk}" for report in reports])
    extra = "&".join(f"{key}={value}" for key, value in params.items())
    return url + "?" + "&".join(part for part in (query, extra) if part)


def test_list_offers_the_bulk_actions(client, tiefbau, pothole):
    login(client, tiefbau)
    page = html(client.get(list_url()))
    assert "data-bulk-action-checkbox" in page
    assert "defectreport/release/" in page and "defectreport/close/" in page


def test_bulk_release(client, tiefbau, pothole, graffiti, de):
    other = new_report(category(de, "gehweg"))
    login(client, tiefbau)
    url = bulk_url("release", pothole, other, graffiti)
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert pothole.reference in html(confirm) and other.reference in html(confirm)
    assert graffiti.reference not in html(confirm), "not the team's report"
    response = client.post(url)
    assert response.status_code == 302
    for report in (pothole, other):
        report.refresh_from_db()
        assert report.released and report.status == "released"
        assert report.status_changes.get().user == tiefbau
    graffiti.refresh_from_db()
    assert not graffiti.released


def test_bulk_close_with_an_answer(client, tiefbau, pothole, de):
    done = new_report(category(de, "gehweg"))
    done.set_status("rejected")
    login(client, tiefbau)
    url = bulk_url("close", pothole, done)
    assert client.get(url).status_code == 200
    response = client.post(url, {"public_answer": "Erledigt, danke!"})
    assert response.status_code == 302
    pothole.refresh_from_db()
    done.refresh_from_db()
    assert pothole.status == "resolved"
    last = pothole.status_changes.last()
    assert last.public_answer == "Erledigt, danke!" and last.user == tiefbau
    assert done.status == "rejected", "closed reports stay as they are"


def test_bulk_select_all_in_listing_keeps_the_filters(client, tiefbau, pothole, de):
    other = new_report(category(de, "gehweg"), description="Gehweg kaputt 999")
    login(client, tiefbau)
    url = reverse("wagtail_bulk_action", args=["defect_reports", "defectreport", "close"])
    response = client.post(url + "?id=all&q=Zebrastreifen+4711")
    assert response.status_code == 302
    pothole.refresh_from_db()
    other.refresh_from_db()
    assert pothole.status == "resolved" and other.status == "new"


def test_bulk_actions_need_the_change_permission(client, django_user_model, pothole):
    viewer = make_user(
        django_user_model, "leser", make_team("Lesen", ["Tiefbauamt"], ("view_defectreport",))
    )
    login(client, viewer)
    response = client.post(bulk_url("release", pothole))
    assert response.status_code in (302, 403)  # Wagtail sends a refusal home with a message
    assert response.status_code == 403 or response.url == reverse("wagtailadmin_home")
    pothole.refresh_from_db()
    assert not pothole.released


# --- Photos -------------------------------------------------------------------------------


def test_photo_hide_and_show(client, tiefbau, pothole):
    item = jpeg_photo(pothole)
    pothole.release()
    anonymous = client.__class__()
    assert anonymous.get(reverse("defect_photo", args=[item.pk])).status_code == 200
    login(client, tiefbau)
    visibility = reverse("defect_reports:photo_visibility", args=[item.pk])
    response = client.post(visibility, {"public": "0"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert not item.is_public
    assert status_of(anonymous, reverse("defect_photo", args=[item.pk])) == 404
    assert client.get(reverse("defect_photo", args=[item.pk])).status_code == 200, "staff"
    client.post(visibility, {"public": "1"})
    item.refresh_from_db()
    assert item.is_public
    assert anonymous.get(reverse("defect_photo", args=[item.pk])).status_code == 200
    actions = set(ModelLogEntry.objects.for_instance(pothole).values_list("action", flat=True))
    assert {"defect_reports.photo_hidden", "defect_reports.photo_shown"} <= actions


def test_photos_of_other_departments_stay_hidden(client, tiefbau, graffiti):
    item = jpeg_photo(graffiti)
    login(client, tiefbau)
    assert status_of(client, reverse("defect_photo", args=[item.pk])) == 404
    client.post(reverse("defect_reports:photo_visibility", args=[item.pk]), {"public": "0"})
    item.refresh_from_db()
    assert item.is_public


def mean_colour(data: bytes, box) -> tuple:
    with Image.open(io.BytesIO(data)) as image:
        area = image.convert("RGB").crop(box)
        pixels = list(area.get_flattened_data())
    return tuple(sum(channel) / len(pixels) for channel in zip(*pixels, strict=True))


def test_redaction_blacks_out_the_public_photo_only(client, tiefbau, pothole):
    item = jpeg_photo(pothole)
    pothole.release()
    anonymous = client.__class__()
    original = photo_bytes(anonymous, item)
    login(client, tiefbau)
    redact = reverse("defect_reports:photo_redact", args=[item.pk])
    page = client.get(redact)
    assert page.status_code == 200 and "data-defect-redact" in html(page)

    # The keyboard's way: typed pixels, added to what the page already held.
    response = client.post(
        redact,
        {
            "redactions": "[]",
            "action": "add",
            "x": "700",
            "y": "100",
            "width": "300",
            "height": "200",
        },
    )
    assert response.status_code == 302
    # The mouse's way: rectangles drawn on the canvas arrive in the hidden field.
    response = client.post(
        redact, {"redactions": json.dumps([[700, 100, 300, 200], [100, 600, 150, 100]])}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.redactions == [[700, 100, 300, 200], [100, 600, 150, 100]]
    assert item.redacted

    public = photo_bytes(anonymous, item)
    assert public != original
    assert max(mean_colour(public, (720, 120, 980, 280))) < 12, "black where covered"
    assert min(mean_colour(public, (1000, 400, 1150, 500))) > 120, "unchanged elsewhere"
    assert max(mean_colour(public, (110, 610, 240, 690))) < 12
    # The thumbnail is made from the blacked-out copy.
    thumb = photo_bytes(anonymous, item, "thumb")
    with Image.open(io.BytesIO(thumb)) as image:
        scale = image.width / 1200
    assert max(mean_colour(thumb, tuple(int(v * scale) for v in (740, 140, 960, 260)))) < 20

    # Staff still get the original, and the public version on request.
    assert photo_bytes(client, item) == original
    assert photo_bytes(client, item, redacted="1") == public
    assert "no-store" in client.get(reverse("defect_photo", args=[item.pk]))["Cache-Control"]

    # Removing an area makes the public copy again; removing all serves the original.
    client.post(redact, {"redactions": json.dumps(item.redactions), "remove": "1"})
    item.refresh_from_db()
    assert item.redactions == [[700, 100, 300, 200]]
    client.post(redact, {"redactions": json.dumps(item.redactions), "action": "clear"})
    item.refresh_from_db()
    assert item.redactions == [] and not item.redacted
    assert photo_bytes(anonymous, item) == original
    assert (
        ModelLogEntry.objects.for_instance(pothole)
        .filter(action="defect_reports.photo_redacted")
        .exists()
    )


def test_redaction_refuses_bad_input(client, tiefbau, pothole):
    item = jpeg_photo(pothole)
    login(client, tiefbau)
    redact = reverse("defect_reports:photo_redact", args=[item.pk])
    response = client.post(redact, {"redactions": "not json"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.redactions == []
    response = client.post(
        redact, {"redactions": "[]", "action": "add", "x": "-5", "y": "", "width": "0"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    # Areas reaching over the edge are clipped to the photo.
    client.post(redact, {"redactions": json.dumps([[1100, 800, 500, 500]])})
    item.refresh_from_db()
    assert item.redactions == [[1100, 800, 100, 100]]


def test_public_never_gets_an_original_whose_copy_is_missing(client, pothole):
    item = jpeg_photo(pothole)
    pothole.release()
    DefectPhoto.objects.filter(pk=item.pk).update(redactions=[[0, 0, 10, 10]], redacted="")
    assert status_of(client, reverse("defect_photo", args=[item.pk])) == 404


# --- Map and dashboard --------------------------------------------------------------------


def test_admin_map_of_open_reports(client, tiefbau, pothole, graffiti, de):
    closed = new_report(category(de, "gehweg"))
    closed.set_status("resolved")
    login(client, tiefbau)
    response = client.get(reverse("defect_reports:map"))
    assert response.status_code == 200
    page = html(response)
    assert "vendor/leaflet/leaflet.js" in page
    assert pothole.reference in page
    assert graffiti.reference not in page and closed.reference not in page
    config = response.context["map_config"]
    assert config["tiles"]
    urls = [marker["url"] for marker in config["markers"]]
    assert edit_url(pothole) in urls
    assert edit_url(graffiti) not in urls and edit_url(closed) not in urls
    assert all(url.startswith("/admin/defect-reports/edit/") for url in urls)


def test_processing_page_shows_the_place_and_the_photos(client, tiefbau, pothole):
    item = jpeg_photo(pothole)
    login(client, tiefbau)
    page = html(client.get(edit_url(pothole)))
    assert "51.056000, 12.556000" in page
    assert reverse("defect_photo_thumb", args=[item.pk]) in page
    assert reverse("defect_reports:photo_redact", args=[item.pk]) in page
    assert "defect-admin-map-config" in page


@pytest.fixture
def known_reports(de):
    """A department only the tests use, with a known set of reports."""
    strassen = DefectCategory.objects.create(
        locale=de, name="Prüfkategorie A", code="pruef-a", department="Prüfamt"
    )
    laternen = DefectCategory.objects.create(
        locale=de, name="Prüfkategorie B", code="pruef-b", department="Prüfamt"
    )
    now = timezone.now()
    for _ in range(3):
        new_report(strassen)
    new_report(laternen).set_status("in_progress")
    # Resolved in the last 90 days after 2, 4 and 10 days: the median is 4 days.
    for days, age in ((2, 20), (4, 30), (10, 40)):
        report = new_report(laternen, created_at=now - timedelta(days=age))
        report.set_status("resolved")
        DefectReport.objects.filter(pk=report.pk).update(closed_at=now - timedelta(days=age - days))
    # Resolved long ago: not part of the median, not of the last 12 weeks.
    old = new_report(strassen, created_at=now - timedelta(days=200))
    old.set_status("resolved")
    DefectReport.objects.filter(pk=old.pk).update(closed_at=now - timedelta(days=150))
    return strassen, laternen


def test_dashboard_numbers(django_user_model, known_reports):
    user = make_user(django_user_model, "pruefer", make_team("Prüfamt", ["Prüfamt"]))
    numbers = admin_views.dashboard_numbers(user)
    assert [(bar.label, bar.value) for bar in numbers["categories"]] == [
        ("Prüfkategorie A", 3),
        ("Prüfkategorie B", 1),
    ]
    assert numbers["open_total"] == 4
    assert len(numbers["weeks"]) == 12
    assert numbers["week_total"] == 7
    assert numbers["weeks"][-1].value >= 4  # the four made this week
    assert numbers["median_seconds"] == pytest.approx(4 * 86400, abs=5)
    assert numbers["resolved_count"] == 3


def test_dashboard_panel_on_the_admin_home(client, django_user_model, known_reports):
    user = make_user(django_user_model, "pruefer", make_team("Prüfamt", ["Prüfamt"]))
    login(client, user)
    page = html(client.get(reverse("wagtailadmin_home")))
    assert "defect-reports-dashboard" in page
    assert "<svg" in page and 'role="img"' in page
    assert "Prüfkategorie A" in page
    assert "data-defect-categories" in page and "data-defect-weeks" in page


def test_dashboard_panel_has_a_constant_number_of_queries(client, django_user_model, de):
    user = make_user(django_user_model, "pruefer", make_team("Prüfamt", ["Prüfamt"]))
    strassen = DefectCategory.objects.create(
        locale=de, name="Prüfkategorie A", code="pruef-a", department="Prüfamt"
    )
    new_report(strassen)

    def count():
        fresh = django_user_model.objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as queries:
            admin_views.DefectReportsPanel(_request(fresh)).get_context_data({})
        return len(queries)

    few = count()
    for index in range(15):
        other = DefectCategory.objects.create(
            locale=de, name=f"Prüf {index}", code=f"pruef-{index}", department="Prüfamt"
        )
        report = new_report(other)
        report.set_status("resolved")
    assert count() == few


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_list_has_a_constant_number_of_queries(client, tiefbau, de):
    login(client, tiefbau)
    client.get(list_url())

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(list_url()).status_code == 200
        return len(queries)

    few = count()
    for _ in range(10):
        jpeg_photo(new_report(category(de, "gehweg")))
    assert count() == few


def test_status_changes_are_recorded_for_bulk_and_form(client, tiefbau, pothole):
    login(client, tiefbau)
    client.post(bulk_url("release", pothole))
    client.post(
        edit_url(pothole),
        workflow_data(DefectReport.objects.get(pk=pothole.pk), status="in_progress"),
    )
    users = set(DefectStatusChange.objects.filter(report=pothole).values_list("user", flat=True))
    assert users == {tiefbau.pk}
    assert ModelLogEntry.objects.for_instance(pothole).filter(user=tiefbau).count() == 2


def test_list_export_has_no_contact_data(admin_client, pothole):
    response = admin_client.get(list_url(), {"export": "csv", "q": pothole.reference})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8-sig")
    assert pothole.reference in text and "Marktplatz 1" in text
    assert "erika.mustermann@example.org" not in text and "0341 4711" not in text


def test_teams_and_the_contact_data_permission_are_set_up_in_the_admin(admin_client):
    teams = reverse("defect_teams:index")
    assert teams in html(admin_client.get(reverse("wagtailadmin_home")))
    group = Group.objects.create(name="Grünflächenamt")
    response = admin_client.post(
        reverse("defect_teams:add"), {"group": group.pk, "departments": "Grünflächenamt"}
    )
    assert response.status_code == 302
    assert DefectTeam.objects.get(group=group).department_list() == ["Grünflächenamt"]
    form = html(admin_client.get(reverse("wagtailusers_groups:add")))
    permission = Permission.objects.get(codename="view_personal_data")
    assert f'value="{permission.pk}"' in form


def test_answer_templates_are_translatable_snippets(admin_client, de):
    listing = reverse("wagtailsnippets_defect_reports_answertemplate:list")
    assert admin_client.get(listing).status_code == 200
    response = admin_client.post(
        reverse("wagtailsnippets_defect_reports_answertemplate:add") + "?locale=de",
        {"title": "Weitergeleitet", "status": "forwarded", "text": "Wir haben es weitergegeben."},
    )
    assert response.status_code == 302
    assert AnswerTemplate.objects.get(title="Weitergeleitet").locale == de


def test_photo_count_with_the_photo_filter(admin_client, pothole):
    jpeg_photo(pothole)
    jpeg_photo(pothole)
    response = admin_client.get(list_url(), {"has_photos": "true", "q": pothole.reference})
    [listed] = response.context["object_list"]
    assert listed.photo_count == 2


def test_redacting_again_replaces_old_copies_but_keeps_the_photo(
    client, tiefbau, pothole, django_capture_on_commit_callbacks
):
    """An old blacked-out copy is removed once a new one is saved; but retention makes the
    blacked-out copy the photo itself, and a later change must not delete that file."""
    item = jpeg_photo(pothole)
    storage = item.image.storage
    login(client, tiefbau)
    redact = reverse("defect_reports:photo_redact", args=[item.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(redact, {"redactions": json.dumps([[0, 0, 100, 100]])})
    item.refresh_from_db()
    first_copy = item.redacted.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(redact, {"redactions": json.dumps([[0, 0, 120, 100]])})
    item.refresh_from_db()
    assert not storage.exists(first_copy) and storage.exists(item.redacted.name)

    DefectPhoto.objects.filter(pk=item.pk).update(image=item.redacted.name)  # as retention does
    item.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(redact, {"redactions": json.dumps([[0, 0, 100, 100], [200, 200, 50, 50]])})
    item.refresh_from_db()
    assert storage.exists(item.image.name)
    assert photo_bytes(client, item)


def test_hidden_and_blacked_out_photos_are_purged_from_the_proxy(
    client, tiefbau, pothole, caching_proxy, django_capture_on_commit_callbacks
):
    item = jpeg_photo(pothole)
    pothole.release()
    login(client, tiefbau)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("defect_reports:photo_redact", args=[item.pk]),
            {"redactions": json.dumps([[0, 0, 50, 50]])},
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("defect_reports:photo_visibility", args=[item.pk]), {"public": "0"})
    path = reverse("defect_photo", args=[item.pk])
    assert sum(url.endswith(path) for url in caching_proxy) == 2
    assert any(url.endswith(reverse("defect_photo_thumb", args=[item.pk])) for url in caching_proxy)
