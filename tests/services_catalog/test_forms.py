"""The town's own online forms: a citizen sends one, gets a reference number and a private
status link by email, staff change the status in the admin, the citizen is told."""

import csv
import io
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from services_catalog.models import OnlineFormPage, OnlineFormSubmission
from services_catalog.tasks import send_status_email, send_submission_emails
from services_catalog.wagtail_hooks import OnlineFormSubmissionViewSet

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")
STAFF_ADDRESS = "buergerbuero@musterstadt.example"
CITIZEN = "erika.mustermann@example.org"


@pytest.fixture
def form_page(de):
    page = OnlineFormPage.objects.get(locale=de, slug="sperrmuell-abholung")
    assert page.url == "/de/dienstleistungen/sperrmuell-abholung/"
    return page


@pytest.fixture
def form_page_en(en, form_page):
    return form_page.get_translation(en)


def field_names(page):
    """{label: the form field's name} of a form page."""
    return {field.label: field.clean_name for field in page.get_form_fields()}


def filled_in(page, labels, **values):
    """POST data for ``page`` from values given by label (the German demo labels by default)."""
    names = field_names(page)
    return {names[label]: value for label, value in {**labels, **values}.items()}


GERMAN = {
    "Name": "Erika Mustermann",
    "E-Mail": CITIZEN,
    "Telefon": "0170 1234567",
    "Anschrift": "Lindenweg 7, 12345 Musterstadt",
    "Beschreibung": "Ein altes Sofa und zwei Stühle.",
}
ENGLISH = {
    "Name": "Jane Doe",
    "Email": "jane@example.org",
    "Address": "Lindenweg 7, 12345 Musterstadt",
    "Description": "An old sofa.",
}


@pytest.fixture
def sent(client, form_page, mailoutbox, django_capture_on_commit_callbacks):
    """A citizen sends the German form; the response, the submission and the emails."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_page.url, filled_in(form_page, GERMAN))
    submission = OnlineFormSubmission.objects.get(page=form_page)
    return response, submission


def status_link(text):
    """The path of the status link in an email's text."""
    urls = re.findall(r"https?://\S+", text)
    assert len(urls) == 1, text
    return urlsplit(urls[0]).path


# --- sending ---------------------------------------------------------------------------------


def test_the_form_opens(client, form_page):
    response = client.get(form_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sperrmüll-Abholung anmelden" in html
    for name in field_names(form_page).values():
        assert f'name="{name}"' in html
    assert 'method="post"' in html


def test_missing_required_fields_are_marked_and_the_rest_is_kept(client, form_page):
    names = field_names(form_page)
    data = filled_in(form_page, GERMAN, Name="", Beschreibung="")
    response = client.post(form_page.url, data)
    assert response.status_code == 200
    assert not OnlineFormSubmission.objects.filter(page=form_page).exists()
    html = response.content.decode()
    assert 'role="alert"' in html
    assert f'id="id_{names["Name"]}-error"' in html
    assert f'id="id_{names["Beschreibung"]}-error"' in html
    assert f'id="id_{names["Anschrift"]}-error"' not in html
    assert 'value="Lindenweg 7, 12345 Musterstadt"' in html
    assert f'value="{CITIZEN}"' in html
    assert set(response.context["form"].errors) == {names["Name"], names["Beschreibung"]}


def test_sending_leads_to_the_status_page_with_a_reference(client, form_page, sent):
    response, submission = sent
    assert response.status_code == 302
    assert response["Location"] == submission.status_path() + "?sent=1"
    assert REFERENCE.match(submission.reference), submission.reference
    assert len(submission.token) >= 30
    assert submission.status == OnlineFormSubmission.Status.RECEIVED
    assert submission.email == CITIZEN
    assert submission.language == "de"
    data = submission.get_data()
    assert data[field_names(form_page)["Beschreibung"]] == "Ein altes Sofa und zwei Stühle."

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert submission.reference in html
    assert 'role="status"' in html


def test_staff_and_sender_get_one_email_each(form_page, sent, mailoutbox):
    _response, submission = sent
    assert len(mailoutbox) == 2
    staff = next(mail for mail in mailoutbox if mail.to == [STAFF_ADDRESS])
    assert staff.from_email == "noreply@musterstadt.example"
    assert staff.subject == f"Sperrmüll-Abholung anmelden [{submission.reference}]"
    assert "Ein altes Sofa und zwei Stühle." in staff.body
    assert "Lindenweg 7" in staff.body
    assert submission.reference in staff.body

    confirmation = next(mail for mail in mailoutbox if mail.to == [CITIZEN])
    assert submission.reference in confirmation.subject
    assert submission.reference in confirmation.body
    assert submission.status_url() in confirmation.body
    assert "Your reference number" not in confirmation.body, "in the sender's language"
    # The confirmation tells the reference and the link only, not what was sent.
    assert "Sofa" not in confirmation.body


def test_the_link_in_the_confirmation_opens_the_status_page(client, sent, mailoutbox):
    _response, submission = sent
    confirmation = next(mail for mail in mailoutbox if mail.to == [CITIZEN])
    path = status_link(confirmation.body)
    assert path.startswith("/de/")
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert submission.reference in html
    assert "Sperrmüll-Abholung anmelden" in html
    with translation.override("de"):
        received = str(OnlineFormSubmission.Status.RECEIVED.label)
    assert f'<strong class="status status--received">{received}</strong>' in html


def test_the_status_page_is_in_german(client, sent, mailoutbox):
    """A German citizen reads their status in German."""
    _response, submission = sent
    html = client.get(submission.status_path()).content.decode()
    assert "Eingegangen" in html


def test_emails_are_never_sent_twice(sent, mailoutbox, django_capture_on_commit_callbacks):
    _response, submission = sent
    assert len(mailoutbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        send_submission_emails.enqueue(submission.pk)
        send_submission_emails.enqueue(submission.pk)
    assert len(mailoutbox) == 2
    submission.refresh_from_db()
    assert submission.staff_notified_at and submission.confirmation_sent_at


def test_a_form_without_sender_email_only_notifies_staff(
    client, form_page, mailoutbox, django_capture_on_commit_callbacks
):
    # Even an optional email field is where the confirmation goes; left empty, nothing goes.
    field = form_page.form_fields.get(field_type="email")
    field.required = False
    field.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_page.url, filled_in(form_page, GERMAN, **{"E-Mail": ""}))
    assert response.status_code == 302
    assert [mail.to for mail in mailoutbox] == [[STAFF_ADDRESS]]


def test_the_emails_wait_for_the_commit(
    client, form_page, mailoutbox, django_capture_on_commit_callbacks
):
    """Nothing a citizen submits is lost: the submission is saved before the emails go."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(form_page.url, filled_in(form_page, GERMAN))
    assert OnlineFormSubmission.objects.filter(page=form_page).exists()
    assert mailoutbox == []
    assert callbacks


def test_an_english_sender_gets_english_mail_and_an_english_status_link(
    client, form_page_en, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_page_en.url, filled_in(form_page_en, ENGLISH))
    submission = OnlineFormSubmission.objects.get(page=form_page_en)
    assert submission.language == "en"
    assert response["Location"].startswith("/en/")
    confirmation = next(mail for mail in mailoutbox if mail.to == ["jane@example.org"])
    assert "Your reference number" in confirmation.body
    path = status_link(confirmation.body)
    assert path.startswith("/en/")
    html = client.get(path).content.decode()
    assert submission.reference in html and "Received" in html


# --- the status page -------------------------------------------------------------------------


def test_an_unknown_status_link_is_not_found(client, sent):
    _response, submission = sent
    assert client.get(reverse("submission_status", args=["gibt-es-nicht"])).status_code == 404
    other = submission.token[:-1] + ("A" if submission.token[-1] != "A" else "B")
    assert client.get(reverse("submission_status", args=[other])).status_code == 404


def test_the_status_page_stays_private(client, sent):
    _response, submission = sent
    response = client.get(submission.status_path())
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    # Nothing the citizen typed in is on it.
    html = response.content.decode()
    assert CITIZEN not in html and "Lindenweg" not in html


# --- staff change the status -----------------------------------------------------------------


@pytest.fixture
def staff_client(django_user_model):
    """A member of staff in their own browser (the citizen's is ``client``)."""
    from django.test import Client

    staff = Client()
    staff.force_login(
        django_user_model.objects.create_superuser("sachbearbeitung", password="x-lang-genug-42")
    )
    return staff


def edit_url(submission):
    return reverse(OnlineFormSubmissionViewSet().get_url_name("edit"), args=[submission.pk])


def test_staff_change_the_status_and_the_sender_is_told_once(
    client, staff_client, sent, mailoutbox, django_capture_on_commit_callbacks
):
    _response, submission = sent
    mailoutbox.clear()
    url = edit_url(submission)
    assert staff_client.get(url).status_code == 200
    message = "Wir holen den Sperrmüll am Dienstag ab."
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"status": "in_progress", "message": message})
    assert response.status_code == 302

    submission.refresh_from_db()
    assert submission.status == "in_progress"
    assert submission.message == message
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [CITIZEN]
    with translation.override("de"):
        in_progress = str(OnlineFormSubmission.Status.IN_PROGRESS.label)
    assert submission.reference in mail.subject and in_progress in mail.subject
    assert message in mail.body
    assert submission.status_url() in mail.body

    html = client.get(status_link(mail.body)).content.decode()
    assert f'<strong class="status status--in_progress">{in_progress}</strong>' in html
    assert message in html

    # Saving again without a change, or a retried task, sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        send_status_email.enqueue(submission.pk)
    assert len(mailoutbox) == 1


def test_the_status_email_is_in_the_senders_language(
    client, form_page_en, staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_page_en.url, filled_in(form_page_en, ENGLISH))
    submission = OnlineFormSubmission.objects.get(page=form_page_en)
    mailoutbox.clear()
    # The member of staff works in German.
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            edit_url(submission), {"status": "done", "message": ""}, HTTP_ACCEPT_LANGUAGE="de"
        )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == f"Your request {submission.reference}: Done"
    assert "/en/" in mailoutbox[0].body


def test_a_german_sender_is_told_in_german(
    staff_client, sent, mailoutbox, django_capture_on_commit_callbacks
):
    _response, submission = sent
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(edit_url(submission), {"status": "done", "message": ""})
    assert len(mailoutbox) == 1
    subject = mailoutbox[0].subject
    assert submission.reference in subject and "Erledigt" in subject
    assert "Your request" not in subject


def test_only_a_change_tells_the_sender(
    staff_client, sent, mailoutbox, django_capture_on_commit_callbacks
):
    _response, submission = sent
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(edit_url(submission), {"status": "received", "message": ""})
    assert mailoutbox == []


# --- Wagtail's own submissions listing -------------------------------------------------------


def test_wagtails_submission_listing_and_csv_export_work(staff_client, form_page, sent):
    _response, submission = sent
    url = reverse("wagtailforms:list_submissions", args=[form_page.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert submission.reference in html
    assert "Erika Mustermann" in html

    response = staff_client.get(url, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header, *data = rows
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert submission.reference in row.values()
    assert "Erika Mustermann" in row.values()
