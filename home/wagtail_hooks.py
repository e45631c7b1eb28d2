"""Admin for the home app's snippets: emergency banners and navigation menus."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import EmergencyBanner, NavigationMenu


class EmergencyBannerViewSet(SnippetViewSet):
    model = EmergencyBanner
    icon = "warning"
    menu_label = _("Emergency banners")
    list_display = ["title", "level", "starts_at", "ends_at", "locale"]
    list_filter = ["level", "locale"]
    search_fields = ["title", "message"]
    ordering = ["-starts_at"]


class NavigationMenuViewSet(SnippetViewSet):
    model = NavigationMenu
    icon = "list-ul"
    menu_label = _("Navigation")
    list_display = ["__str__", "slot", "locale"]
    list_filter = ["slot", "locale"]


class SiteContentGroup(SnippetViewSetGroup):
    menu_label = _("Site")
    menu_icon = "site"
    menu_order = 250
    items = (EmergencyBannerViewSet, NavigationMenuViewSet)


register_snippet(SiteContentGroup)
