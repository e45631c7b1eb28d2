"""Editors can reach everything of the home app in Wagtail's admin."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("redaktion", password="x-lang-genug-42")
    client.force_login(user)
    return client


def test_page_editors_open(editor_client, home_de):
    contact = home_de.get_children().get(slug="kontakt")
    for page in (home_de, contact):
        response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code == 200


def test_new_standard_page_form_opens(editor_client, home_de):
    url = reverse("wagtailadmin_pages:add", args=["home", "standardpage", home_de.pk])
    assert editor_client.get(url).status_code == 200


def test_town_settings_open(editor_client):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=["home", "townsettings", site.pk])
    response = editor_client.get(url)
    assert response.status_code == 200
    assert "Marktplatz 1" in response.content.decode()


@pytest.mark.parametrize("model", ["emergencybanner", "navigationmenu"])
def test_snippet_lists_and_forms_open(editor_client, model):
    assert editor_client.get(reverse(f"wagtailsnippets_home_{model}:list")).status_code == 200
    assert editor_client.get(reverse(f"wagtailsnippets_home_{model}:add")).status_code == 200


def test_search_promotions_and_translations_are_in_the_admin(editor_client):
    assert editor_client.get(reverse("wagtailsearchpromotions:index")).status_code == 200
    assert editor_client.get(reverse("wagtaillocales:index")).status_code == 200


def test_editors_translate_a_page_with_wagtail_localize(editor_client, home_de, en):
    council = (
        home_de.get_children().get(slug="rathaus-und-politik").get_children().get(slug="stadtrat")
    )
    assert council.get_translation_or_none(en) is None
    url = reverse("wagtail_localize:submit_page_translation", args=[council.pk])
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(url, {"locales": [en.pk]})
    assert response.status_code == 302
    translation = council.get_translation(en)
    assert translation.get_parent().get_translation_or_none(en) is not None
    # The translation editor opens on the English draft.
    assert editor_client.get(response["Location"]).status_code == 200


def test_editors_translate_a_menu_with_wagtail_localize(editor_client, de, en):
    from home.models import NavigationMenu

    NavigationMenu.objects.filter(locale=en).delete()
    menu = NavigationMenu.objects.get(locale=de, slot="footer")
    url = reverse(
        "wagtail_localize:submit_snippet_translation", args=["home", "navigationmenu", menu.pk]
    )
    response = editor_client.post(url, {"locales": [en.pk]})
    assert response.status_code == 302
    assert NavigationMenu.objects.filter(locale=en, slot="footer").exists()
