from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

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
