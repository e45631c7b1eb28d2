from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesCatalogConfig(AppConfig):
    """Departments, life situations, service pages and the service finder (see issue 3)."""

    name = "services_catalog"
    verbose_name = _("Services")
