"""The defect reporter in Wagtail's admin: categories as translatable snippets. Processing
reports (the "Mängelmelder" area) comes with the staff issue."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import DefectCategory


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
