from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The base content app: home page, standard pages, site settings, navigation, blocks."""

    name = "home"
    verbose_name = _("Pages and site settings")

    def ready(self):
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
