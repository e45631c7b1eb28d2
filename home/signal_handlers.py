"""Keep a caching proxy in front of the site up to date with site-wide content.

Wagtail purges a page from the frontend cache when that page is published. Emergency banners,
menus and the town's settings appear on every page, so a change to them purges every page.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page

from .models import EmergencyBanner, NavigationMenu, OpeningHours, TownSettings

SITE_WIDE_MODELS = [EmergencyBanner, NavigationMenu, TownSettings, OpeningHours]


def purge_every_page(**kwargs):
    """Purge all live pages from the frontend cache (through the queue, after the commit)."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_pages_from_cache

    purge_pages_from_cache(Page.objects.live().public().specific(defer=True))


def register_signal_handlers():
    for model in SITE_WIDE_MODELS:
        post_save.connect(purge_every_page, sender=model, dispatch_uid=f"purge-{model.__name__}")
        post_delete.connect(
            purge_every_page, sender=model, dispatch_uid=f"purge-{model.__name__}-del"
        )
