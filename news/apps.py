from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    """News, notices, feeds and the InfoMonitor screen (see issue 4)."""

    name = "news"
    verbose_name = _("News")
