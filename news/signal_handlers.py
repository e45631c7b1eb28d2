"""Keep a caching proxy up to date with the lists that show an article or a notice.

Wagtail purges a published page itself; the news listing (with its feeds), the notices
listing, the home page teasers and the InfoMonitor screens show the page too.
"""

from django.conf import settings
from wagtail.signals import page_published, page_unpublished


def purge_lists_showing(sender, instance, **kwargs):
    """Purge the section, the home page and the screens of ``instance``'s language."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_pages_from_cache

    from .models import InfoMonitorPage

    pages = [instance.get_parent(), *instance.get_ancestors().filter(depth=2)]
    pages += list(InfoMonitorPage.objects.live().filter(locale=instance.locale))
    purge_pages_from_cache([page.specific_deferred for page in pages])


def register_signal_handlers():
    from .models import NewsPage, NoticePage

    for model in (NewsPage, NoticePage):
        for signal in (page_published, page_unpublished):
            signal.connect(
                purge_lists_showing, sender=model, dispatch_uid=f"purge-{model.__name__}-{signal}"
            )
