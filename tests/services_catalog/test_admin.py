"""Staff reach the services catalog in Wagtail's admin: snippets, form submissions, the review
report and the service pages; editors without the right see no submissions."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from services_catalog.models import OnlineFormPage, OnlineFormSubmission, ServicePage
from services_catalog.wagtail_hooks import OnlineFormSubmissionViewSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("verwaltung", password="x-lang-genug-42")
    )
    return client


@pytest.fixture
def submission(de):
    form_page = OnlineFormPage.objects.get(locale=de, slug="sperrmuell-abholung")
    return OnlineFormSubmission.objects.create(
        page=form_page,
        form_data={"name": "Erika Mustermann", "beschreibung": "Ein Sofa"},
        email="erika@example.org",
        language="de",
    )


def submissions_url(name, *args):
    return reverse(OnlineFormSubmissionViewSet().get_url_name(name), args=args)


@pytest.mark.parametrize("model", ["department", "lifesituation", "synonym"])
def test_snippet_listings_and_forms_open(admin_client, model):
    listing = admin_client.get(reverse(f"wagtailsnippets_services_catalog_{model}:list"))
    assert listing.status_code == 200
    assert (
        admin_client.get(reverse(f"wagtailsnippets_services_catalog_{model}:add")).status_code
        == 200
    )


def test_department_listing_shows_the_departments(admin_client):
    html = admin_client.get(
        reverse("wagtailsnippets_services_catalog_department:list")
    ).content.decode()
    assert "Bürgerbüro" in html and "Standesamt" in html


def test_submissions_listing_and_inspect_view_open(admin_client, submission):
    listing = admin_client.get(submissions_url("index"))
    assert listing.status_code == 200
    assert submission.reference in listing.content.decode()
    found = admin_client.get(submissions_url("index"), {"q": submission.reference})
    assert found.status_code == 200 and submission.reference in found.content.decode()
    inspect = admin_client.get(submissions_url("inspect", submission.pk))
    assert inspect.status_code == 200
    html = inspect.content.decode()
    assert submission.reference in html and "erika@example.org" in html
    assert admin_client.get(submissions_url("edit", submission.pk)).status_code == 200


def test_submissions_cannot_be_added_by_hand(admin_client):
    """Submissions come from the form; one made up in the admin would have no page."""
    index = submissions_url("index")
    html = admin_client.get(index).content.decode()
    assert f'href="{index}new/"' not in html
    assert admin_client.get(f"{index}new/", follow=True).status_code == 404


@pytest.fixture
def review_dates(de):
    """One service last reviewed over a year ago, one last month."""
    today = timezone.localdate()
    stale = ServicePage.objects.get(locale=de, key="wohnsitz-anmelden")
    fresh = ServicePage.objects.get(locale=de, key="sperrmuell-anmelden")
    ServicePage.objects.filter(pk=stale.pk).update(last_reviewed=today - timedelta(days=400))
    ServicePage.objects.filter(pk=fresh.pk).update(last_reviewed=today - timedelta(days=30))
    return stale, fresh


def test_review_report_lists_services_not_reviewed_for_a_year(admin_client, review_dates):
    stale, fresh = review_dates
    response = admin_client.get(reverse("services_not_reviewed"))
    assert response.status_code == 200
    html = response.content.decode()
    assert stale.title in html
    assert reverse("wagtailadmin_pages:edit", args=[stale.pk]) in html
    assert fresh.title not in html
    assert reverse("wagtailadmin_pages:edit", args=[fresh.pk]) not in html


def test_review_report_exports_csv(admin_client, review_dates):
    stale, fresh = review_dates
    response = admin_client.get(reverse("services_not_reviewed"), {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "services-to-review-" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header, *data = rows
    assert len(header) == 5
    keys = [row[1] for row in data]
    assert "wohnsitz-anmelden" in keys
    assert "sperrmuell-anmelden" not in keys
    row = data[keys.index("wohnsitz-anmelden")]
    assert row[0] == stale.title
    assert row[2] == str(stale.__class__.objects.get(pk=stale.pk).last_reviewed)


def test_review_report_is_in_the_reports_menu(admin_client):
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("services_not_reviewed") in html


def test_service_page_opens_in_the_editor(admin_client, de):
    page = ServicePage.objects.get(locale=de, key="sperrmuell-anmelden")
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    assert "Sperrmüll online anmelden" in response.content.decode()


def test_online_form_page_opens_in_the_editor(admin_client, de):
    page = OnlineFormPage.objects.get(locale=de, slug="sperrmuell-abholung")
    assert admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("redakteurin", password="x-lang-genug-42")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def plain_staff(django_user_model):
    user = django_user_model.objects.create_user(
        "praktikant", password="x-lang-genug-42", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.mark.parametrize("who", ["editor", "plain_staff"])
def test_editors_without_the_permission_see_no_submissions(client, submission, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("wagtailadmin_home")).status_code == 200, "they use the admin"
    for url in (
        submissions_url("index"),
        submissions_url("inspect", submission.pk),
        submissions_url("edit", submission.pk),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert submission.reference not in response.content.decode()
    response = client.post(submissions_url("edit", submission.pk), {"status": "done"})
    assert response.status_code in (302, 403)
    submission.refresh_from_db()
    assert submission.status == "received"


@pytest.mark.parametrize("who", ["editor", "plain_staff"])
def test_editors_see_no_submissions_in_wagtails_form_listing(client, submission, who, request):
    client.force_login(request.getfixturevalue(who))
    listing = reverse("wagtailforms:list_submissions", args=[submission.page_id])
    for query in ({}, {"export": "csv"}):
        response = client.get(listing, query)
        assert response.status_code in (302, 403), query
        assert submission.reference not in response.content.decode()
    forms = client.get(reverse("wagtailforms:index"))
    assert "Sperrmüll-Abholung anmelden" not in forms.content.decode()


def test_staff_with_the_permission_see_submissions(client, submission, django_user_model):
    group = Group.objects.create(name="Sachbearbeitung")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_onlineformsubmission"),
        Permission.objects.get(codename="change_onlineformsubmission"),
    )
    user = django_user_model.objects.create_user("sb", password="x-lang-genug-42")
    user.groups.add(group)
    client.force_login(user)
    response = client.get(submissions_url("index"))
    assert response.status_code == 200
    assert submission.reference in response.content.decode()
