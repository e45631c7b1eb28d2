from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    """News, notices, feeds and the InfoMonitor screen (see issue 4)."""

    name = "news"
    verbose_name = _("News")

    def ready(self):
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
