from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Promoting the online services: service of the month, campaigns, short links, material for
    print and social media, and the reach statistics (see issue 7)."""

    name = "campaigns"
    verbose_name = _("Promotion")

    def ready(self):
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
