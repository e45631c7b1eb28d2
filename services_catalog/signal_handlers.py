"""Tell every process's service finder that the catalog changed (see ``CatalogVersion``)."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move


def catalog_changed(sender, **kwargs):
    from .models import CatalogVersion

    if kwargs.get("raw"):
        return
    CatalogVersion.bump()


def register_signal_handlers():
    from .models import (
        ContactPerson,
        Department,
        LifeSituation,
        OnlineFormPage,
        ServiceIndexPage,
        ServicePage,
        Synonym,
    )

    for model in (ServicePage, OnlineFormPage, ServiceIndexPage):
        for signal in (page_published, page_unpublished, post_delete):
            signal.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-{model}-{signal}")
    post_page_move.connect(catalog_changed, dispatch_uid="catalog-page-moved")
    page_slug_changed.connect(catalog_changed, dispatch_uid="catalog-slug-changed")
    for model in (Department, ContactPerson, LifeSituation, Synonym):
        for signal in (post_save, post_delete):
            signal.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-{model}-{signal}")
