"""A citizen reports a defect through the web client: the form, its review step, sending,
photos (real files with real EXIF), the draft that keeps everything across errors, the place
from the photo, the boundary, the duplicate check, abuse limits and the tracking page."""

import io
import re

import pytest
from django.core import mail
from PIL import Image

from defect_reports.models import DefectPhoto, DefectReport, DefectReportDraft, DraftPhoto

from .conftest import form_data, upload
from .photo_files import MARKTPLATZ, decompression_bomb, photo

pytestmark = pytest.mark.django_db

# A place 5 km north of Musterstadt, outside the demo boundary.
OUTSIDE = (51.1010, 12.5560)


def post_form(client, page, data, files=()):
    payload = dict(data)
    if files:
        payload["photos"] = list(files)
    return client.post(page.url, payload)


def review_token(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.search(r"/(?:review|pruefen)/([^/]+)/$", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def send(client, page, token, **meta):
    return client.post(
        page.get_url() + page.subpage_path("review", token), {"action": "send"}, **meta
    )


def test_a_report_goes_through_form_review_and_send(client, reporter_de, pothole_de):
    response = post_form(client, reporter_de, form_data(pothole_de))
    token = review_token(response)

    review = client.get(response["Location"])
    assert review.status_code == 200
    assert "Testmeldung 4711" in review.content.decode()
    assert DefectReport.objects.filter(description__startswith="Testmeldung 4711").count() == 0

    sent = send(client, reporter_de, token)
    report = DefectReport.objects.get(description__startswith="Testmeldung 4711")
    assert sent.status_code == 302
    assert sent["Location"] == f"/de/meldung/{report.token}/?sent=1"
    assert report.status == DefectReport.Status.NEW and not report.released
    assert report.category == pothole_de
    assert (report.latitude, report.longitude) == MARKTPLATZ
    assert report.address  # the nearest address of the street directory
    assert report.language == "de"
    # The draft's photos and contents are gone; a second click on "Send" (the same draft)
    # leads to the same report instead of sending it twice.
    assert DefectReportDraft.objects.get(token=token).data == {"sent_report": report.token}
    again = send(client, reporter_de, token)
    assert again["Location"] == sent["Location"]
    assert DefectReport.objects.filter(description__startswith="Testmeldung 4711").count() == 1

    tracking = client.get(sent["Location"])
    page = tracking.content.decode()
    assert tracking.status_code == 200
    assert report.reference in page
    assert tracking["Referrer-Policy"] == "no-referrer"
    assert "noindex" in tracking["X-Robots-Tag"]


def test_the_english_form_sends_an_english_report(client, reporter_en, en):
    from defect_reports.models import DefectCategory

    category = DefectCategory.objects.get(locale=en, code="schlagloch")
    token = review_token(post_form(client, reporter_en, form_data(category)))
    sent = send(client, reporter_en, token)
    report = DefectReport.objects.get(token=sent["Location"].split("/")[3])
    assert sent["Location"].startswith("/en/")
    assert report.language == "en"


def test_typed_address_without_javascript(client, reporter_de, pothole_de):
    data = form_data(pothole_de, latitude="", longitude="", address="Marktplatz 1")
    token = review_token(post_form(client, reporter_de, data))
    draft = DefectReportDraft.objects.get(token=token)
    assert draft.data["address"] == "Marktplatz 1"
    assert abs(draft.data["latitude"] - MARKTPLATZ[0]) < 0.002


def test_unknown_address_is_explained_and_keeps_the_rest(client, reporter_de, pothole_de):
    data = form_data(pothole_de, latitude="", longitude="", address="Nirgendwostraße 99")
    response = post_form(client, reporter_de, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Straßenverzeichnis" in page or "street directory" in page
    assert "Testmeldung 4711" in page
    assert 'value="Nirgendwostraße 99"' in page


def test_no_place_at_all_is_a_clear_error(client, reporter_de, pothole_de):
    data = form_data(pothole_de, latitude="", longitude="")
    response = post_form(client, reporter_de, data)
    assert response.status_code == 400
    assert "Wo ist der Mangel" in response.content.decode() or "Karte" in response.content.decode()


def test_a_place_outside_the_boundary_is_refused(client, reporter_de, pothole_de):
    data = form_data(pothole_de, latitude=str(OUTSIDE[0]), longitude=str(OUTSIDE[1]))
    response = post_form(client, reporter_de, data)
    assert response.status_code == 400
    assert "außerhalb" in response.content.decode()
    assert not DefectReportDraft.objects.exclude(data={}).filter(data__latitude=OUTSIDE[0]).exists()


def test_handled_elsewhere_says_where_to_go(client, reporter_de, motorway_de):
    response = post_form(client, reporter_de, form_data(motorway_de))
    page = response.content.decode()
    assert response.status_code == 400
    assert motorway_de.elsewhere_name in page
    assert DefectReport.objects.filter(category=motorway_de).count() == 0


# --- Photos ---------------------------------------------------------------------------


def test_photo_metadata_is_gone_from_what_is_stored(client, reporter_de, pothole_de):
    original = photo("JPEG", latitude=51.0561, longitude=12.5562, orientation=6)
    assert b"Exif" in original and b"xmpmeta" in original and b"Rathaus-Testkamera" in original

    response = post_form(
        client, reporter_de, form_data(pothole_de), files=[upload("IMG_0001.jpg", original)]
    )
    token = review_token(response)
    send(client, reporter_de, token)
    stored = DefectPhoto.objects.get(report__description__startswith="Testmeldung 4711")
    with stored.image.open("rb") as file:
        content = file.read()
    for marker in (b"Exif", b"GPS", b"xmpmeta", b"Rathaus-Testkamera", b"Geheimhausen"):
        assert marker not in content
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert "xmp" not in image.info and "icc_profile" not in image.info
    # Orientation 6 means "rotate 90°": the stored photo is upright, portrait.
    assert (image.width, image.height) == (900, 1200)
    # The dark half of the scene (left in the file) is at the top after turning it upright.
    assert sum(image.getpixel((450, 100))) < sum(image.getpixel((450, 1100)))
    # Nor is the private file anywhere under the public media folder.
    assert "private" in stored.image.path


def test_heic_from_a_phone_gives_its_place(client, reporter_de, pothole_de):
    heic = photo("HEIF", latitude=51.0565, longitude=12.5570)
    data = form_data(pothole_de, latitude="", longitude="")
    response = post_form(
        client, reporter_de, data, files=[upload("IMG_4711.HEIC", heic, "image/heic")]
    )
    token = review_token(response)
    draft = DefectReportDraft.objects.get(token=token)
    assert draft.data["place_from_photo"] is True
    assert (draft.data["latitude"], draft.data["longitude"]) == (51.0565, 12.557)
    review = client.get(response["Location"]).content.decode()
    assert "Foto" in review and "aufgenommen" in review
    send(client, reporter_de, token)
    report = DefectReport.objects.get(latitude=51.0565, longitude=12.557)
    with report.photos.get().image.open("rb") as file:
        stored = file.read()
    assert Image.open(io.BytesIO(stored)).format == "JPEG"
    assert b"Exif" not in stored


def test_photo_upload_api_offers_the_photo_place(client):
    draft = client.post("/api/defects/drafts").json()["token"]
    response = client.post(
        f"/api/defects/drafts/{draft}/photos",
        {"photo": upload("a.jpg", photo(latitude=51.0562, longitude=12.5561))},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["latitude"], body["longitude"]) == (51.0562, 12.5561)
    thumbnail = client.get(body["thumbnail_url"])
    assert thumbnail.status_code == 200
    assert b"GPS" not in b"".join(thumbnail.streaming_content)
    # Another draft's token does not show it.
    other = client.post("/api/defects/drafts").json()["token"]
    wrong = client.get(f"/defect-photos/draft/{other}/{body['id']}/", follow=True)
    assert wrong.status_code == 404


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("rechnung.jpg", b"%PDF-1.4 not a photo at all", "kein Foto"),
        ("script.png", b"<script>alert(1)</script>", "kein Foto"),
        ("bombe.png", None, "zu viele Pixel"),
    ],
)
def test_files_that_are_not_acceptable_photos(
    client, reporter_de, pothole_de, name, content, message
):
    content = decompression_bomb() if content is None else content
    response = post_form(client, reporter_de, form_data(pothole_de), files=[upload(name, content)])
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert DraftPhoto.objects.count() == 0
    # Everything else the citizen typed is still there.
    assert "Testmeldung 4711" in page


def test_a_photo_that_is_too_large(client, reporter_de, pothole_de, settings):
    settings.DEFECT_REPORTS = {**settings.DEFECT_REPORTS, "MAX_PHOTO_BYTES": 5_000}
    big = photo("PNG", size=(1600, 1200))
    assert len(big) > 5_000
    response = post_form(
        client, reporter_de, form_data(pothole_de), files=[upload("gross.png", big)]
    )
    assert response.status_code == 400
    assert "größer als" in response.content.decode()


def test_too_many_photos(client, reporter_de, pothole_de, settings):
    settings.DEFECT_REPORTS = {**settings.DEFECT_REPORTS, "MAX_PHOTOS": 2}
    files = [upload(f"foto{i}.jpg", photo(size=(400, 300))) for i in range(3)]
    response = post_form(client, reporter_de, form_data(pothole_de), files=files)
    page = response.content.decode()
    assert response.status_code == 400
    assert "höchstens 2 Fotos" in page
    assert DraftPhoto.objects.count() == 2


def test_large_photos_are_scaled_down(client, reporter_de, pothole_de):
    response = post_form(
        client,
        reporter_de,
        form_data(pothole_de),
        files=[upload("gross.jpg", photo(size=(4000, 3000)))],
    )
    token = review_token(response)
    assert DraftPhoto.objects.get(draft__token=token).width == 2048


def test_the_draft_survives_an_error_photos_included(client, reporter_de, pothole_de):
    data = form_data(pothole_de, description="", email="kein-at-zeichen")
    first = post_form(
        client, reporter_de, data, files=[upload("a.jpg"), upload("b.png", photo("PNG"))]
    )
    page = first.content.decode()
    assert first.status_code == 400
    draft = DefectReportDraft.objects.get()
    assert draft.photos.count() == 2
    assert f'name="draft" value="{draft.token}"' in page
    assert page.count('name="remove_photo"') == 2
    assert 'value="kein-at-zeichen"' in page

    # The citizen fixes the errors and removes one photo; nothing needs uploading again.
    removed = draft.photos.first().pk
    fixed = form_data(
        pothole_de, email="anna@example.org", draft=draft.token, remove_photo=str(removed)
    )
    token = review_token(post_form(client, reporter_de, fixed))
    assert token == draft.token
    send(client, reporter_de, token)
    report = DefectReport.objects.get(email="anna@example.org")
    assert report.photos.count() == 1


# --- Duplicates ----------------------------------------------------------------------


def test_open_reports_nearby_are_offered_to_follow_instead(client, reporter_de, pothole_de):
    existing = DefectReport.objects.create(
        category=pothole_de,
        description="Schlagloch",
        latitude=MARKTPLATZ[0] + 0.0002,  # about 22 m north
        longitude=MARKTPLATZ[1],
    )
    existing.release()
    far = DefectReport.objects.create(
        category=pothole_de, description="weit weg", latitude=51.0600, longitude=12.5600
    )
    token = review_token(post_form(client, reporter_de, form_data(pothole_de)))
    review_url = reporter_de.get_url() + reporter_de.subpage_path("review", token)
    page = client.get(review_url).content.decode()
    assert existing.reference in page
    assert far.reference not in page

    followed = client.post(review_url, {"action": "follow", "reference": existing.reference})
    assert followed.status_code == 200
    existing.refresh_from_db()
    assert existing.supporters == 1
    assert not DefectReport.objects.filter(description__startswith="Testmeldung 4711").exists()


def test_place_api_answers_address_boundary_and_nearby(client, pothole_de):
    existing = DefectReport.objects.create(
        category=pothole_de,
        description="x",
        latitude=MARKTPLATZ[0],
        longitude=MARKTPLATZ[1] + 0.0003,
    )
    answer = client.get(
        "/api/defects/place",
        {"lat": MARKTPLATZ[0], "lon": MARKTPLATZ[1], "category": pothole_de.pk, "lang": "de"},
    ).json()
    assert answer["inside"] is True and answer["address"]
    assert [item["reference"] for item in answer["nearby"]] == [existing.reference]
    assert answer["nearby"][0]["url"] is None  # not released: no public page
    outside = client.get("/api/defects/place", {"lat": OUTSIDE[0], "lon": OUTSIDE[1]}).json()
    assert outside["inside"] is False and outside["message"]


# --- Abuse -------------------------------------------------------------------------------


def test_honeypot_sends_nothing(client, reporter_de, pothole_de):
    response = post_form(client, reporter_de, form_data(pothole_de, website="http://spam.example"))
    assert response.status_code == 400
    assert DefectReportDraft.objects.exclude(data={}).count() == 0


def test_description_is_limited_to_4000_characters(client, reporter_de, pothole_de):
    response = post_form(client, reporter_de, form_data(pothole_de, description="x" * 4001))
    assert response.status_code == 400
    assert "4000" in response.content.decode()


def test_description_is_plain_text(client, reporter_de, pothole_de):
    text = "<script>alert('x')</script> Loch <b>tief</b>"
    token = review_token(post_form(client, reporter_de, form_data(pothole_de, description=text)))
    page = client.get(reporter_de.get_url() + reporter_de.subpage_path("review", token))
    assert "<script>alert" not in page.content.decode()
    assert "&lt;script&gt;" in page.content.decode()


def test_rate_limit_per_client_address(client, reporter_de, pothole_de, settings):
    settings.DEFECT_REPORTS = {**settings.DEFECT_REPORTS, "RATE_LIMIT_PER_HOUR": 2}
    for _ in range(2):
        token = review_token(post_form(client, reporter_de, form_data(pothole_de)))
        assert send(client, reporter_de, token).status_code == 302
    token = review_token(post_form(client, reporter_de, form_data(pothole_de)))
    limited = send(client, reporter_de, token)
    assert limited.status_code == 429
    assert "in einer Stunde" in limited.content.decode()
    # The draft is kept, so the report can still be sent later.
    assert DefectReportDraft.objects.filter(token=token).exists()
    # Another client address is not limited.
    other = send(client, reporter_de, token, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


# --- Tracking, emails, photos' visibility --------------------------------------------------


def test_wrong_tracking_token_is_404(client):
    assert client.get("/de/meldung/not-a-real-token/").status_code == 404
    assert client.get("/de/meldung/" + "A" * 32 + "/").status_code == 404


def test_email_is_confirmed_before_anything_else_is_sent(
    client, reporter_de, pothole_de, django_capture_on_commit_callbacks
):
    token = review_token(
        post_form(client, reporter_de, form_data(pothole_de, email="bert@example.org"))
    )
    with django_capture_on_commit_callbacks(execute=True):
        send(client, reporter_de, token)
    report = DefectReport.objects.get(email="bert@example.org")
    # (The department hears of the report as well; the reporter gets only the confirmation.)
    mail.outbox = [message for message in mail.outbox if message.to == ["bert@example.org"]]
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["bert@example.org"]
    assert report.tracking_path() not in confirmation.body  # nothing but the link to confirm
    link = re.search(r"https?://\S+/e-mail-bestaetigen/\S+/", confirmation.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/" + path).status_code == 200
    report.refresh_from_db()
    assert report.email_confirmed_at is not None
    assert len(mail.outbox) == 2 and report.tracking_path() in mail.outbox[1].body

    # Confirming twice sends nothing more; a forged signature is refused.
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/" + path)
    assert len(mail.outbox) == 2
    assert report.token not in confirmation.body
    assert client.get("/de/e-mail-bestaetigen/1-abc.forged.sig/").status_code == 400


def test_unreleased_photos_are_not_served(client, admin_client, reporter_de, pothole_de):
    token = review_token(post_form(client, reporter_de, form_data(pothole_de), files=[upload()]))
    send(client, reporter_de, token)
    stored = DefectPhoto.objects.get(report__description__startswith="Testmeldung 4711")
    url = f"/defect-photos/{stored.pk}/"
    assert client.get(url, follow=True).status_code == 404
    assert admin_client.get(url).status_code == 200
    # Releasing the report does not release its photos: staff look at each one first.
    assert stored.is_public is False
    stored.report.release()
    assert client.get(url, follow=True).status_code == 404
    stored.is_public = True
    stored.save()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    stored.is_public = False
    stored.save()
    assert client.get(url, follow=True).status_code == 404


def test_thumbnails_are_made_after_commit(
    client, reporter_de, pothole_de, django_capture_on_commit_callbacks
):
    token = review_token(post_form(client, reporter_de, form_data(pothole_de), files=[upload()]))
    with django_capture_on_commit_callbacks(execute=True):
        send(client, reporter_de, token)
    stored = DefectPhoto.objects.get(report__description__startswith="Testmeldung 4711")
    assert stored.thumbnail
    with stored.thumbnail.open("rb") as file:
        assert max(Image.open(file).size) <= 480


def test_a_categorys_extra_questions_are_asked_and_kept(client, reporter_de, de):
    from defect_reports.models import DefectCategory

    lantern = DefectCategory.objects.get(locale=de, code="strassenbeleuchtung")
    field = f"q{lantern.pk}_zustand"
    page = client.get(reporter_de.url).content.decode()
    assert f'name="{field}"' in page and "Was ist mit der Laterne?" in page

    # The required answer is missing: a clear message, nothing else lost.
    missing = post_form(client, reporter_de, form_data(lantern))
    assert missing.status_code == 400
    assert "Bitte beantworten Sie diese Frage." in missing.content.decode()

    answered = form_data(lantern, **{field: "flackert", f"q{lantern.pk}_mastnummer": "14-027"})
    token = review_token(post_form(client, reporter_de, answered))
    review = client.get(reporter_de.get_url() + reporter_de.subpage_path("review", token))
    assert "Sie flackert" in review.content.decode() and "14-027" in review.content.decode()
    send(client, reporter_de, token)
    report = DefectReport.objects.get(description__startswith="Testmeldung 4711")
    assert report.answers == {"zustand": "flackert", "mastnummer": "14-027"}


def test_questions_of_another_category_are_not_required(client, reporter_de, pothole_de):
    token = review_token(post_form(client, reporter_de, form_data(pothole_de)))
    assert DefectReportDraft.objects.get(token=token).data["answers"] == {}
