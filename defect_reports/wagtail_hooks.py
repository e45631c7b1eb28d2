"""The defect reporter in Wagtail's admin: categories as translatable snippets. Processing
reports (the "Mängelmelder" area) comes with the staff issue."""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Locale
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import DefectCategory, DefectReport, DefectReportPage


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


@hooks.register("register_admin_viewset")
def register_api_keys():
    from .open311.admin import api_key_viewset

    return api_key_viewset


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
