"""Every published service gets its short link, so that its share image and material exist;
and a caching proxy learns about changed promotions.

The service of the month can sit in a content block on any page and campaigns on the pages
staff choose, so a saved or deleted spotlight or campaign purges every page (as emergency
banners do); :func:`purge_when_schedules_turn` does the same when one starts or ends.
"""

from datetime import timedelta

from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from wagtail.signals import page_published

from home.signal_handlers import purge_every_page

#: Minutes between two runs of :func:`purge_when_schedules_turn` (see rathaus.jobs).
SCHEDULE_CHECK_MINUTES = 5


def give_service_a_short_link(sender, instance, **kwargs):
    from .models import ShortLink

    ShortLink.for_service(instance)


def purge_when_schedules_turn(now=None):
    """Purge every page from the caching proxy when, in the minutes since the last run, a
    campaign started or ended, or a day began on which a service of the month starts or after
    which one ended. Does nothing without a caching proxy."""
    from .models import Campaign, ServiceSpotlight

    now = now or timezone.now()
    since = now - timedelta(minutes=SCHEDULE_CHECK_MINUTES)
    turned = Campaign.objects.filter(starts_at__gt=since, starts_at__lte=now).exists() or (
        Campaign.objects.filter(ends_at__gt=since, ends_at__lte=now).exists()
    )
    today = timezone.localdate(now)
    if not turned and timezone.localdate(since) != today:  # midnight passed
        turned = ServiceSpotlight.objects.filter(starts_on=today).exists() or (
            ServiceSpotlight.objects.filter(ends_on=today - timedelta(days=1)).exists()
        )
    if turned:
        purge_every_page()
    return turned


def register_signal_handlers():
    from services_catalog.models import ServicePage

    from .models import Campaign, ServiceSpotlight

    page_published.connect(give_service_a_short_link, sender=ServicePage)
    for model in (Campaign, ServiceSpotlight):
        post_save.connect(purge_every_page, sender=model, dispatch_uid=f"purge-{model.__name__}")
        post_delete.connect(
            purge_every_page, sender=model, dispatch_uid=f"purge-{model.__name__}-del"
        )
