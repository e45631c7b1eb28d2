from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from campaigns import material_views
from campaigns import views as campaign_views
from defect_reports import views as defect_views
from services_catalog import views as services_views

from . import views
from .sitemaps import MultilingualSitemap

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("api/services/search", services_views.api_search, name="services_api_search"),
    path("start/<int:pk>/", services_views.start_online, name="start_online"),
    path("s/<str:code>", campaign_views.short_link, name="short_link"),
    path(
        "s/<str:code>/qr.svg",
        material_views.qr_code,
        {"image_format": "svg"},
        name="short_link_qr_svg",
    ),
    path(
        "s/<str:code>/qr.png",
        material_views.qr_code,
        {"image_format": "png"},
        name="short_link_qr_png",
    ),
    path("s/<str:code>/share.png", material_views.share_image, name="short_link_share_image"),
    path("open311/v2/", include("defect_reports.open311.urls")),
    path("api/defects/reports.geojson", defect_views.api_reports, name="defects_api_reports"),
    path("api/defects/addresses", defect_views.api_addresses, name="defects_api_addresses"),
    path("api/defects/place", defect_views.api_place, name="defects_api_place"),
    path("api/defects/drafts", defect_views.api_create_draft, name="defects_api_drafts"),
    path(
        "api/defects/drafts/<str:token>/photos",
        defect_views.api_draft_photo,
        name="defects_api_draft_photo",
    ),
    path(
        "api/defects/drafts/<str:token>/photos/<int:pk>/delete",
        defect_views.api_delete_draft_photo,
        name="defects_api_delete_draft_photo",
    ),
    path("defect-photos/<int:pk>/", defect_views.photo, name="defect_photo"),
    path(
        "defect-photos/<int:pk>/thumb/",
        defect_views.photo,
        {"size": "thumb"},
        name="defect_photo_thumb",
    ),
    path(
        "defect-photos/draft/<str:token>/<int:pk>/",
        defect_views.draft_photo,
        name="defect_draft_photo",
    ),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"pages": MultilingualSitemap}},
        name="sitemap",
    ),
]

urlpatterns += i18n_patterns(
    path(_("search/"), views.search, name="search"),
    path(
        _("request-status/<str:token>/"),
        services_views.submission_status,
        name="submission_status",
    ),
    path(_("report/<str:token>/"), defect_views.tracking, name="defect_tracking"),
    path(_("confirm-email/<str:code>/"), defect_views.confirm_email, name="defect_confirm_email"),
    # Wagtail's page serving comes last: it answers every other URL of the language.
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns = (
        staticfiles_urlpatterns()
        + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
        + urlpatterns
    )

handler404 = "rathaus.views.page_not_found"
handler500 = "rathaus.views.server_error"
