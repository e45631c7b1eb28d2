"""A change to something every page shows purges every page from the caching proxy."""

import pytest

from home.models import EmergencyBanner

pytestmark = pytest.mark.django_db


def test_a_new_emergency_banner_purges_every_page_in_every_language(
    caching_proxy, de, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        EmergencyBanner.objects.create(
            title="Sturmwarnung", message="Bitte zu Hause bleiben.", locale=de
        )
    paths = {url.split("/", 1)[1] for url in caching_proxy}
    assert {"de/", "de/kontakt/", "en/", "en/contact/"} <= paths
