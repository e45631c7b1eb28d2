"""seed_demo creates Musterstadt and changes nothing when run again."""

import pytest
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from home.models import NavigationMenu, TownSettings

pytestmark = pytest.mark.django_db


def counts():
    return {
        "pages": Page.objects.count(),
        "images": get_image_model().objects.count(),
        "menus": NavigationMenu.objects.count(),
        "sites": Site.objects.count(),
        "settings": TownSettings.objects.count(),
    }


def test_demo_has_a_home_page_and_about_ten_pages_in_both_languages(home_de, home_en):
    assert Site.objects.get(is_default_site=True).root_page_id == home_de.pk
    german = home_de.get_descendants().live().count()
    english = home_en.get_descendants().live().count()
    assert german >= 9 and english >= 6
    titles = set(home_de.get_descendants().values_list("title", flat=True))
    assert {
        "Rathaus und Politik",
        "Leben in Musterstadt",
        "Kontakt",
        "Impressum",
        "Datenschutz",
        "Erklärung zur Barrierefreiheit",
    } <= titles


def test_running_it_again_changes_nothing(home_de):
    contact = home_de.get_children().get(slug="kontakt").specific
    contact.title = "Kontakt und Anfahrt"
    contact.save_revision().publish()
    before = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert counts() == before
    contact.refresh_from_db()
    assert contact.title == "Kontakt und Anfahrt"


def test_the_page_tree_it_builds_is_consistent():
    """treebeard's own consistency check: paths, depths and child counts agree."""
    problems = Page.find_problems()
    assert all(len(found) == 0 for found in problems), problems
