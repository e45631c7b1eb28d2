"""Admin for the services catalog: snippets, form submissions with their status, the review
report; and the service finder box on the home page."""

from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.models import EditView
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Locale
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import (
    Department,
    LifeSituation,
    OnlineFormPage,
    OnlineFormSubmission,
    ServicePage,
    Synonym,
    finder_page,
    services_not_reviewed,
)


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = ["name", "phone", "email", "locale"]
    list_filter = ["locale"]


class LifeSituationViewSet(SnippetViewSet):
    model = LifeSituation
    icon = "list-ul"
    menu_label = _("Life situations")
    list_display = ["name", "order", "locale"]
    list_filter = ["locale"]


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "search"
    menu_label = _("Search synonyms")
    list_display = ["words"]


class SubmissionEditView(EditView):
    """Staff set the status and the message; the sender is told by email (once per status)."""

    def save_instance(self):
        from .tasks import send_status_email

        changed = self.form.changed_data
        if {"status", "message"} & set(changed):
            self.form.instance.status_changed_at = timezone.now()
        instance = super().save_instance()
        if "status" in changed or "message" in changed:
            send_status_email.enqueue(instance.pk)
        return instance


class OnlineFormSubmissionViewSet(ModelViewSet):
    """Submissions of the town's own forms, with the status their senders see."""

    model = OnlineFormSubmission
    icon = "form"
    menu_label = _("Form submissions")
    menu_order = 255
    add_to_admin_menu = True
    form_fields = ["status", "message"]
    list_display = ["reference", "page", "submit_time", "status", "status_changed_at"]
    list_filter = ["status", "submit_time"]
    search_fields = ["reference", "email"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_fields = [
        "reference",
        "page",
        "submit_time",
        "form_data",
        "email",
        "language",
        "status",
        "message",
        "status_changed_at",
    ]
    edit_view_class = SubmissionEditView
    copy_view_enabled = False

    # Submissions come from the form only: no "add" button and no page to add one by hand.
    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), "add_url_name": None}

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "add"]


@hooks.register("filter_form_submissions_for_user")
def town_form_submissions_for_staff_only(user, editable_forms):
    """Submissions of the town's own forms hold personal data: Wagtail's form listing shows
    them to the staff who may see them in the submissions viewset, not to every page editor."""
    if user.has_perm("services_catalog.view_onlineformsubmission"):
        return editable_forms
    return editable_forms.not_type(OnlineFormPage)


class ServicesGroup(SnippetViewSetGroup):
    """Departments, life situations and synonyms: snippets, so wagtail-localize translates the
    first two."""

    menu_label = _("Services")
    menu_icon = "help"
    menu_order = 250
    items = (DepartmentViewSet, LifeSituationViewSet, SynonymViewSet)


register_snippet(ServicesGroup)


@hooks.register("register_admin_viewset")
def register_submission_viewset():
    return OnlineFormSubmissionViewSet()


class ServicesNotReviewedView(ReportView):
    """Services nobody has checked for a year: the page's facts (fees, documents) may be stale."""

    page_title = _("Services to review")
    header_icon = "time"
    index_url_name = "services_not_reviewed"
    index_results_url_name = "services_not_reviewed_results"
    template_name = "wagtailadmin/reports/base_report.html"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    permission_policy = None
    list_export = ["title", "key", "last_reviewed", "department", "locale"]
    export_headings = {"last_reviewed": _("Last reviewed"), "key": _("Catalog key")}
    columns = [
        TitleColumn(
            "title",
            label=_("Service"),
            url_name="wagtailadmin_pages:edit",
        ),
        DateColumn("last_reviewed", label=_("Last reviewed")),
        Column("department", label=_("Department")),
        Column("locale", label=_("Language")),
    ]

    def get_queryset(self):
        return services_not_reviewed().select_related("department", "locale")

    def get_filename(self):
        return f"services-to-review-{timezone.localdate():%Y-%m-%d}"

    def user_has_permission(self, permission):
        return self.request.user.has_perm("wagtailadmin.access_admin")


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "reports/services-to-review/",
            ServicesNotReviewedView.as_view(),
            name="services_not_reviewed",
        ),
        path(
            "reports/services-to-review/results/",
            ServicesNotReviewedView.as_view(results_only=True),
            name="services_not_reviewed_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return MenuItem(
        _("Services to review"),
        reverse("services_not_reviewed"),
        icon_name="time",
        order=800,
    )


@hooks.register("rathaus_home_teasers")
def service_finder_teaser(request, page):
    """The service finder's search box and life situations on the home page."""
    locale = page.locale if page else Locale.get_active()
    finder = finder_page(locale)
    if finder is None:
        return ""
    situations = LifeSituation.objects.filter(locale=locale)
    online_count = (
        ServicePage.objects.live()
        .filter(locale=locale, online_forms__isnull=False)
        .distinct()
        .count()
    )
    return render_to_string(
        "services_catalog/home_teaser.html",
        {"finder": finder, "situations": situations, "online_count": online_count},
        request=request,
    )
