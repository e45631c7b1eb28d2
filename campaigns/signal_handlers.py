"""Every published service gets its short link, so that its share image and material exist."""

from wagtail.signals import page_published


def give_service_a_short_link(sender, instance, **kwargs):
    from .models import ShortLink

    ShortLink.for_service(instance)


def register_signal_handlers():
    from services_catalog.models import ServicePage

    page_published.connect(give_service_a_short_link, sender=ServicePage)
