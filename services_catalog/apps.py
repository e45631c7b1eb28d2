from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesCatalogConfig(AppConfig):
    """Departments, life situations, services, the service finder and the town's own online
    forms (see issue 3)."""

    name = "services_catalog"
    verbose_name = _("Services")

    def ready(self):
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
