"""Admin for promotion: the service of the month, campaigns and short links as snippets, the
material for each service, the reach statistics; and what this app shows on public pages
through ``home``'s hooks."""

import hashlib

from django.contrib import messages
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from home.models import TownSettings
from services_catalog.models import ServicePage

from . import material_views, reach_views
from .models import (
    Campaign,
    ServiceSpotlight,
    ShortLink,
    campaign_links,
    campaigns_for_page,
    current_spotlight,
    spotlight_archive,
)


class WarnOfOverlapMixin:
    """After saving, say when another service of the month runs on some of the same days: the
    one that started later is shown then."""

    def save_instance(self):
        instance = super().save_instance()
        for other in instance.overlapping():
            messages.warning(
                self.request,
                _(
                    "“%(other)s” runs on some of the same days. On those days the one that "
                    "started later is shown."
                )
                % {"other": other},
            )
        return instance


class SpotlightCreateView(WarnOfOverlapMixin, snippet_views.CreateView):
    pass


class SpotlightEditView(WarnOfOverlapMixin, snippet_views.EditView):
    pass


class SpotlightViewSet(SnippetViewSet):
    model = ServiceSpotlight
    add_view_class = SpotlightCreateView
    edit_view_class = SpotlightEditView
    icon = "pick"
    menu_label = _("Service of the month")
    list_display = ["service", "starts_on", "ends_on", "schedule_state", "locale"]
    list_filter = ["locale"]
    ordering = ["-starts_on"]


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "doc-full-inverse"
    menu_label = _("Campaigns")
    list_display = [
        "title",
        "style",
        "starts_at",
        "ends_at",
        "schedule_state",
        "show_on_home_page",
        "locale",
    ]
    list_filter = ["locale", "style", "show_on_home_page"]


class ShortLinkCreateView(snippet_views.CreateView):
    """Opened from a service's material page with ``?service=<id>``: that service is filled
    in, and saving leads back to the material (``?next=``)."""

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or ShortLink()
        service = self.request.GET.get("service", "")
        if service.isdigit():
            instance.service = ServicePage.objects.filter(pk=service).first()
        return instance

    def get_success_url(self):
        return get_valid_next_url_from_request(self.request) or super().get_success_url()


class ShortLinkViewSet(SnippetViewSet):
    model = ShortLink
    icon = "link"
    menu_label = _("Short links")
    add_view_class = ShortLinkCreateView
    list_display = [
        "code",
        "service",
        "label",
        Column("total_visits", label=_("Visits"), sort_key="total_visits"),
        "created_at",
    ]
    search_fields = ["code", "label"]

    def get_queryset(self, request):
        """Each link with its visits of all time, summed in the same query."""
        return ShortLink.objects.select_related("service").annotate(
            total_visits=Coalesce(Sum("visits__count"), 0)
        )


class PromotionGroup(SnippetViewSetGroup):
    items = (SpotlightViewSet, CampaignViewSet, ShortLinkViewSet)
    menu_icon = "pick"
    menu_label = _("Promotion")
    menu_name = "promotion"
    menu_order = 250
    # Material and Reach add themselves here (see material_views and reach_views).
    submenu_hook = "register_promotion_menu_item"


register_snippet(PromotionGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "promotion/material/",
            include((material_views.admin_urlpatterns, "campaigns_material")),
        ),
        path("promotion/reach/", include((reach_views.admin_urlpatterns, "campaigns_reach"))),
    ]


# --- Public pages, through home's hooks ------------------------------------------------------


def render_spotlight(request, locale):
    """The service of the month teaser of ``locale``, or "" when none is running."""
    spotlight = current_spotlight(locale)
    if spotlight is None:
        return ""
    return render_to_string(
        "campaigns/spotlight_teaser.html",
        {"spotlight": spotlight, "archive": spotlight_archive(locale), "locale": locale},
        request=request,
    )


@hooks.register("rathaus_home_teasers")
def spotlight_home_teaser(request, page):
    return render_spotlight(request, page.locale)


@hooks.register("rathaus_service_of_the_month")
def spotlight_block(request, locale):
    return render_spotlight(request, locale)


@hooks.register("rathaus_page_promotions")
def page_campaigns(request, page):
    campaigns = campaigns_for_page(page)
    if not campaigns:
        return ""
    return render_to_string(
        "campaigns/campaigns.html",
        {"campaigns": campaign_links(campaigns, page.locale)},
        request=request,
    )


@hooks.register("rathaus_infomonitor_slides")
def spotlight_slide(screen):
    """The service of the month on the town hall's screen, with a QR code to start it."""
    spotlight = current_spotlight(screen.locale)
    if spotlight is None:
        return []
    link = ShortLink.for_service(spotlight.shown_service)
    slide = {
        "kind": "spotlight",
        "label": spotlight.display_heading,
        "title": spotlight.shown_service.title,
        "text": spotlight.text,
        "meta": link.url().split("://", 1)[-1],
        "qr": reverse("short_link_qr_svg", args=[link.code]),
        "qr_alt": _("QR code leading to %(address)s") % {"address": link.url()},
    }
    if spotlight.image:
        slide["image"] = spotlight.image.get_rendition("fill-800x500").url
        slide["image_alt"] = spotlight.image_alt
    return [slide]


@hooks.register("rathaus_share_image")
def service_share_image(request, page):
    """Service pages share their generated image (town, service name, short link). The
    address changes with what is drawn on it, so that social networks fetch it anew."""
    if page.specific_class is not ServicePage or not page.pk:  # (a preview of a new page)
        return ""
    link = ShortLink.for_service(page)
    town = TownSettings.for_request(request)
    # The header shows the coat of arms too, so reading its file name here costs no query.
    arms = town.coat_of_arms.file.name if town.coat_of_arms_id else ""
    url_parts = page.get_url_parts(request)  # the site's address, as drawn on the image
    site_root = url_parts[1] if url_parts else ""
    parts = [page.title, str(page.last_published_at), town.town_name, arms, site_root]
    version = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]
    url = reverse("short_link_share_image", args=[link.code])
    return request.build_absolute_uri(f"{url}?v={version}")
