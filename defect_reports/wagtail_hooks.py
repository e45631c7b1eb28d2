"""The defect reporter in Wagtail's admin: categories and answer templates as translatable
snippets, the "Mängelmelder" area where staff process reports (admin_views.py), processing
teams, API keys for Open311, the dashboard panel, and the reporter's box on the home page."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.models import Locale
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, permissions
from .models import AnswerTemplate, DefectCategory, DefectReport, DefectReportPage

# Registered before the viewsets, so that Wagtail's views, menus and bulk actions all ask it.
register_permission_policy(
    DefectReport, permissions.DefectReportPermissionPolicy(DefectReport), exact_class=True
)


class DefectCategoryViewSet(SnippetViewSet):
    model = DefectCategory
    icon = "warning"
    menu_label = _("Defect categories")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["name", "code", "group", "kind", "department", "active"]
    list_filter = ["kind", "active", "locale"]
    search_fields = ["name", "code", "keywords"]
    ordering = ["sort_order", "name"]


register_snippet(DefectCategoryViewSet)


class AnswerTemplateViewSet(SnippetViewSet):
    """Public answers staff often give; translatable, so each language has its own."""

    model = AnswerTemplate
    icon = "comment"
    menu_label = _("Answer templates")
    add_to_admin_menu = False
    list_display = ["title", "status", "locale"]
    list_filter = ["status", "locale"]
    search_fields = ["title", "text"]
    ordering = ["title"]


register_snippet(AnswerTemplateViewSet)


@hooks.register("register_admin_viewset")
def register_api_keys():
    from .open311.admin import api_key_viewset

    return api_key_viewset


@hooks.register("register_admin_viewset")
def register_defect_report_viewsets():
    return [admin_views.DefectReportViewSet(), admin_views.DefectTeamViewSet()]


class ReportsMenuItem(MenuItem):
    """Shown to staff of a defect processing team only."""

    def is_shown(self, request):
        return permissions.can_view_reports(request.user)


class AnswerTemplatesMenuItem(MenuItem):
    def is_shown(self, request):
        policy = policy_registry.get_by_type(AnswerTemplate)
        return policy.user_has_any_permission(request.user, {"add", "change", "delete", "view"})


@hooks.register("register_admin_menu_item")
def register_defect_reports_menu():
    """The "Mängelmelder" area: the list, the map and the answer templates."""
    return SubmenuMenuItem(
        _("Defect reports"),
        Menu(
            items=[
                ReportsMenuItem(
                    _("Reports"),
                    reverse("defect_reports:index"),
                    name="defect-reports-list",
                    icon_name="tasks",
                    order=100,
                ),
                ReportsMenuItem(
                    _("Map of open reports"),
                    reverse("defect_reports:map"),
                    name="defect-reports-map",
                    icon_name="site",
                    order=200,
                ),
                AnswerTemplatesMenuItem(
                    _("Answer templates"),
                    reverse(AnswerTemplateViewSet.model.snippet_viewset.get_url_name("list")),
                    name="defect-answer-templates",
                    icon_name="comment",
                    order=300,
                ),
            ]
        ),
        name="defect-reports",
        icon_name="clipboard-list",
        order=300,
    )


hooks.register("register_bulk_action", admin_views.ReleaseBulkAction)
hooks.register("register_bulk_action", admin_views.CloseBulkAction)
hooks.register("register_log_actions", admin_views.register_log_actions)


@hooks.register("construct_homepage_panels")
def defect_reports_dashboard_panel(request, panels):
    """Numbers of the reports the user processes; nothing for everyone else."""
    if permissions.can_view_reports(request.user):
        panels.append(admin_views.DefectReportsPanel(request))


@hooks.register("rathaus_home_teasers")
def defect_reporter_teaser(request, page):
    """A "report a defect" box on the home page: the most common categories and the map."""
    locale = page.locale if page else Locale.get_active()
    reporter = DefectReportPage.objects.live().filter(locale=locale).first()
    if reporter is None:
        return ""
    categories = DefectCategory.objects.filter(
        locale=locale, active=True, kind=DefectCategory.Kind.REPORT
    ).order_by("sort_order", "name")[:6]
    open_count = DefectReport.objects.filter(
        released=True, status__in=DefectReport.OPEN_STATUSES
    ).count()
    return render_to_string(
        "defect_reports/home_teaser.html",
        {"reporter": reporter, "categories": categories, "open_count": open_count},
        request=request,
    )
