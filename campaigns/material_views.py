"""Material for each service: printable poster and flyer, QR codes, share image and texts.

Public: the QR codes and the share image of a short link (they hold nothing but the short
link and the service's title, so anyone may fetch them). Admin: the list of services, each
service's material page, and its poster and flyer as documents of their own to print.

Who may use the material: staff with a permission on short links (view, add or change; the
communications team) for every live service, and page editors for the services they may edit.
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Prefetch, Q, Sum, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.menu import MenuItem
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button
from wagtail.permission_policies.pages import PagePermissionPolicy

from services_catalog.models import ServiceOnlineForm, ServicePage

from . import material
from .models import ShortLink, ShortLinkVisit
from .views import short_link_or_404

#: Model permissions on short links that make someone communications staff: they may use the
#: material of every live service.
SHORT_LINK_PERMISSIONS = (
    "campaigns.view_shortlink",
    "campaigns.add_shortlink",
    "campaigns.change_shortlink",
)
QR_CACHE_SECONDS = 24 * 60 * 60
SHARE_IMAGE_CACHE_SECONDS = 60 * 60
#: How long a generated share image is kept in Django's cache. Its key changes whenever what is
#: drawn changes, so this only bounds the cache's size over time.
SHARE_IMAGE_STORE_SECONDS = 7 * 24 * 60 * 60
#: Pixels per QR module: the PNG's default (about 600 px wide, enough for print) and its limits.
PNG_SCALE = 16
PNG_SCALES = range(4, 41)


# --- Who may use the material ---------------------------------------------------------------------


def promotes_every_service(user) -> bool:
    """Communications staff: a permission on short links gives the material of all services."""
    return any(user.has_perm(permission) for permission in SHORT_LINK_PERMISSIONS)


def can_use_material(user, service=None) -> bool:
    """Whether ``user`` may open the material (of ``service``, or of any service at all):
    communications staff always, page editors for the services they may edit."""
    if not user.is_active:
        return False
    if promotes_every_service(user):
        return True
    if service is None:
        return PagePermissionPolicy().user_has_any_permission(user, {"add", "change", "publish"})
    return service.permissions_for_user(user).can_edit()


def promotable_services(user):
    """The live services whose material ``user`` may use."""
    services = ServicePage.objects.live()
    if promotes_every_service(user):
        return services
    editable = PagePermissionPolicy(ServicePage).instances_user_has_any_permission_for(
        user, {"change", "publish"}
    )
    return services.filter(pk__in=editable.values("pk"))


def service_for_material(request, pk) -> ServicePage:
    """The live service ``pk`` if the user may use its material (404 if it is not live: a
    poster of a service nobody can reach would lead to an error page)."""
    service = get_object_or_404(ServicePage.objects.select_related("locale"), pk=pk)
    if not can_use_material(request.user, service):
        raise PermissionDenied
    if not service.live:
        raise Http404("Material exists for live services only.")
    return service


def chosen_link(request, service) -> ShortLink:
    """The short link the material is made for: ``?link=<code>`` of this service (e.g. the
    Amtsblatt's ``/s/hund``), else the service's first short link."""
    code = request.GET.get("link", "").strip().lower()
    if code:
        link = ShortLink.objects.filter(service=service, code=code).first()
        if link is not None:
            return link
    return ShortLink.for_service(service)


# --- Public: QR codes and the share image ---------------------------------------------------------


def live_link_or_404(code) -> ShortLink:
    """The short link ``code`` if it leads to a live service; 404 otherwise."""
    link = short_link_or_404(code)
    if link.target() is None:
        raise Http404("This service is no longer offered.")
    return link


def download_name(link, extension: str) -> str:
    """``qr-hundesteuer.svg`` for a service's first short link, ``qr-hundesteuer-hund.svg``
    for another, so that files for different channels can be told apart."""
    slug = link.service.slug
    first = ShortLink.objects.filter(service_id=link.service_id).order_by("created_at", "pk")
    if first.values_list("pk", flat=True).first() != link.pk:
        slug = f"{slug}-{link.code}"
    return f"qr-{slug}.{extension}"


@require_safe
def qr_code(request, code, image_format):
    """The QR code of a short link, as SVG or PNG (public: it only holds the short link).

    ``?download=1`` offers it as a file; ``?scale=`` sets the PNG's pixels per module."""
    link = live_link_or_404(code)
    data = link.qr_url(request)
    if image_format == "svg":
        response = HttpResponse(material.qr_svg(data), content_type="image/svg+xml")
    else:
        try:
            scale = int(request.GET.get("scale", PNG_SCALE))
        except ValueError:
            scale = PNG_SCALE
        scale = min(max(scale, PNG_SCALES.start), PNG_SCALES.stop - 1)
        response = HttpResponse(material.qr_png(data, scale), content_type="image/png")
    if request.GET.get("download"):
        response["Content-Disposition"] = content_disposition_header(
            True, download_name(link, image_format)
        )
    response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, public=True, max_age=QR_CACHE_SECONDS)
    return response


def share_image_cache_key(link, town_settings, link_url: str) -> str:
    """Changes with everything drawn on the image: the service's title (on each publish), the
    town's name and coat of arms, and the short link."""
    service = link.service
    parts = [
        link.code,
        link_url,
        service.title,
        service.locale.language_code,
        str(service.last_published_at),
        town_settings.town_name,
        str(town_settings.coat_of_arms_id or ""),
        # "Change image file" keeps the image's id but gives it a new file.
        town_settings.coat_of_arms.file.name if town_settings.coat_of_arms_id else "",
        getattr(settings, "SHARE_IMAGE_FONT", ""),
        getattr(settings, "SHARE_IMAGE_FONT_BOLD", ""),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
    return f"campaigns:share-image:{digest}"


def share_image_for(link, request=None) -> bytes:
    """The PNG share image of ``link``'s service, from the cache when nothing on it changed."""
    town = material.town_settings_for(link.service)
    link_url = link.url(request)
    key = share_image_cache_key(link, town, link_url)
    png = cache.get(key)
    if png is None:
        png = material.share_image_png(link.service, town, link_url)
        cache.set(key, png, SHARE_IMAGE_STORE_SECONDS)
    return png


@require_safe
def share_image(request, code):
    """The 1200×630 share image of a short link's service (OpenGraph)."""
    link = live_link_or_404(code)
    response = HttpResponse(share_image_for(link, request), content_type="image/png")
    if request.GET.get("download"):
        filename = download_name(link, "png").replace("qr-", "share-", 1)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    patch_cache_control(response, public=True, max_age=SHARE_IMAGE_CACHE_SECONDS)
    return response


# --- Admin: the list of services ------------------------------------------------------------------


def short_address(link, service, request) -> str:
    """``link``'s address like ``ShortLink.url``, but from the site root paths Wagtail keeps
    on the request, so a list of services costs no query per service."""
    url_parts = service.get_url_parts(request)
    root = url_parts[1] if url_parts else request.build_absolute_uri("/")[:-1]
    return f"{root}{link.path}"


@dataclass
class ServiceRow:
    """One service in the list, with what the template shows of it."""

    service: ServicePage
    address: str
    online: bool
    material_url: str
    poster_url: str
    flyer_url: str


class MaterialIndexView(WagtailAdminTemplateMixin, TemplateView):
    """The live services (in the site's main language first), to find one's material."""

    template_name = "campaigns/material/index.html"
    page_title = gettext_lazy("Promotion material")
    header_icon = "pick"
    per_page = 25

    def dispatch(self, request, *args, **kwargs):
        if not can_use_material(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def services(self, query: str):
        """The services the user may promote whose title holds ``query``, in list order."""
        services = (
            promotable_services(self.request.user)
            .select_related("locale")
            .prefetch_related(
                Prefetch("short_links", queryset=ShortLink.objects.order_by("created_at", "pk")),
                Prefetch(
                    "online_forms",
                    queryset=ServiceOnlineForm.objects.select_related("form_page"),
                ),
            )
            .annotate(
                main_language_first=Case(
                    When(locale__language_code=settings.LANGUAGE_CODE, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("main_language_first", "locale__language_code", "title", "pk")
        )
        if query:
            services = services.filter(title__icontains=query)
        return services

    def row(self, service) -> ServiceRow:
        """What the list shows of ``service`` (from prefetched data: no query per service)."""
        links = list(service.short_links.all())
        return ServiceRow(
            service=service,
            # A service gets its short link when published; until then the material page
            # makes it (this list does not write).
            address=short_address(links[0], service, self.request) if links else "",
            online=bool(service.live_online_forms()),
            material_url=reverse("campaigns_material:service", args=[service.pk]),
            poster_url=reverse("campaigns_material:poster", args=[service.pk]),
            flyer_url=reverse("campaigns_material:flyer", args=[service.pk]),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        paginator = WagtailPaginator(self.services(query), self.per_page)
        page = paginator.get_page(self.request.GET.get("p"))
        context.update(
            {
                "query": query,
                "page_obj": page,
                "rows": [self.row(service) for service in page.object_list],
                "elided_page_range": paginator.get_elided_page_range(page.number),
            }
        )
        return context


# --- Admin: one service's material ----------------------------------------------------------------


def link_totals(service):
    """The service's short links with their visits so far: typed or clicked, and scanned."""
    channel = ShortLinkVisit.Channel
    return (
        ShortLink.objects.filter(service=service)
        .annotate(
            link_visits=Sum("visits__count", filter=Q(visits__channel=channel.LINK), default=0),
            qr_visits=Sum("visits__count", filter=Q(visits__channel=channel.QR), default=0),
        )
        .order_by("created_at", "pk")
    )


def with_link(url: str, link, main_link) -> str:
    """``url`` for the material of ``link``: the first short link needs no parameter."""
    return url if link.pk == main_link.pk else f"{url}?link={link.code}"


class ServiceMaterialView(WagtailAdminTemplateMixin, TemplateView):
    """Everything to promote one service: its short links and their reach, the QR code, the
    poster and flyer, the share image and suggested texts."""

    template_name = "campaigns/material/service.html"
    header_icon = "pick"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.service = None

    def dispatch(self, request, *args, **kwargs):
        self.service = service_for_material(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Promotion material")

    def get_page_subtitle(self):
        return self.service.title

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        items.append({"url": reverse("campaigns_material:index"), "label": _("Promotion material")})
        items.append({"url": "", "label": self.service.title})
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request, service, user = self.request, self.service, self.request.user
        main_link = ShortLink.for_service(service)
        link = chosen_link(request, service)
        link_url = link.url(request)
        links = list(link_totals(service))
        may_edit_links = user.has_perm("campaigns.change_shortlink")
        for each in links:
            each.address = each.url(request)
            each.material_url = with_link(request.path, each, main_link)
            each.is_chosen = each.pk == link.pk
            each.edit_url = (
                reverse("wagtailsnippets_campaigns_shortlink:edit", args=[each.pk])
                if may_edit_links
                else ""
            )
        qr_data = link.qr_url(request)
        qr_svg_url = reverse("short_link_qr_svg", args=[link.code])
        qr_png_url = reverse("short_link_qr_png", args=[link.code])
        share_url = reverse("short_link_share_image", args=[link.code])
        context.update(
            {
                "service": service,
                "link": link,
                "link_url": link_url,
                "typed_address": material.typed_address(link_url),
                "links": links,
                "add_link_url": (
                    reverse("wagtailsnippets_campaigns_shortlink:add")
                    + "?"
                    + urlencode({"service": service.pk, "next": request.path})
                    if user.has_perm("campaigns.add_shortlink")
                    else ""
                ),
                "qr_data": qr_data,
                "qr_inline": material.qr_svg(
                    qr_data,
                    inline=True,
                    label=_("QR code leading to %(address)s") % {"address": link_url},
                ),
                "qr_svg_download": f"{qr_svg_url}?download=1",
                "qr_png_download": f"{qr_png_url}?download=1",
                "poster_url": with_link(
                    reverse("campaigns_material:poster", args=[service.pk]), link, main_link
                ),
                "flyer_url": with_link(
                    reverse("campaigns_material:flyer", args=[service.pk]), link, main_link
                ),
                "share_image_url": share_url,
                "share_image_download": f"{share_url}?download=1",
                "share_texts": material.share_texts(service, link_url),
                "edit_url": (
                    reverse("wagtailadmin_pages:edit", args=[service.pk])
                    if service.permissions_for_user(user).can_edit()
                    else ""
                ),
                "online": bool(service.live_online_forms()),
            }
        )
        return context


# --- Admin: poster and flyer ----------------------------------------------------------------------

#: The printed formats: the template's stylesheet sets the page size, the view the QR's size.
PRINT_FORMATS = {
    "poster": {"template": "campaigns/material/poster.html", "label": gettext_lazy("Poster")},
    "flyer": {"template": "campaigns/material/flyer.html", "label": gettext_lazy("Flyer")},
}


def printable(request, pk, kind):
    """A poster or flyer as a document of its own, in the service's language, to print."""
    service = service_for_material(request, pk)
    link = chosen_link(request, service)
    link_url = link.url(request)
    town = material.town_settings_for(service)
    language = service.locale.language_code
    back_url = reverse("campaigns_material:service", args=[service.pk])
    if link.pk != ShortLink.for_service(service).pk:
        back_url += f"?link={link.code}"
    # Rendered now, not lazily: the whole document is in the service's language, also where
    # Wagtail's admin would switch to the editor's.
    with translation.override(language):
        context = {
            "service": service,
            "town": town,
            "language_code": language,
            "format_label": PRINT_FORMATS[kind]["label"],
            "long_title": len(service.title) > 48,
            "qr_inline": material.qr_svg(
                link.qr_url(request),
                inline=True,
                label=_("QR code leading to %(address)s") % {"address": link_url},
            ),
            "typed_address": material.typed_address(link_url),
            "contact_parts": material.contact_parts(town),
            "back_url": back_url,
        }
        return render(request, PRINT_FORMATS[kind]["template"], context)


def poster(request, pk):
    """The A4 poster of a service (one page: town, headline, title, summary, QR, address)."""
    return printable(request, pk, "poster")


def flyer(request, pk):
    """The A6 flyer of a service: the poster's content on a postcard-sized page."""
    return printable(request, pk, "flyer")


admin_urlpatterns = [
    path("", require_admin_access(MaterialIndexView.as_view()), name="index"),
    path("<int:pk>/", require_admin_access(ServiceMaterialView.as_view()), name="service"),
    path("<int:pk>/poster/", require_admin_access(poster), name="poster"),
    path("<int:pk>/flyer/", require_admin_access(flyer), name="flyer"),
]


# --- Admin: ways in -------------------------------------------------------------------------------


@hooks.register("register_page_header_buttons")
def material_page_header_button(page, user, view_name, next_url=None):
    """“Promotion material” among a live service page's actions in the page editor."""
    if page.specific_class is not ServicePage or not page.live:
        return []
    if not can_use_material(user, page):
        return []
    url = reverse("campaigns_material:service", args=[page.pk])
    return [Button(_("Promotion material"), url, icon_name="pick", priority=80)]


class MaterialMenuItem(MenuItem):
    """The material's entry in the “Promotion” menu, for those who may use it."""

    def is_shown(self, request):
        """Only for those who may open the material."""
        return can_use_material(request.user)


@hooks.register("register_promotion_menu_item")
def material_menu_item():
    """Shown when the Promotion group sets ``submenu_hook = "register_promotion_menu_item"``."""
    return MaterialMenuItem(
        gettext_lazy("Material"),
        reverse("campaigns_material:index"),
        name="promotion-material",
        icon_name="pick",
        order=400,
    )
