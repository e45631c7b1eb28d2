"""What every page shares: town settings in the footer, menus, the emergency banner."""

from datetime import timedelta

import pytest
from django.utils import timezone

from home.models import EmergencyBanner, NavigationMenu, TownSettings

pytestmark = pytest.mark.django_db


def test_footer_shows_the_towns_contact_and_opening_hours(client):
    html = client.get("/de/").content.decode()
    footer = html.split('<footer class="site-footer">', 1)[1]
    assert "Rathaus Musterstadt" in footer
    assert "Marktplatz 1" in footer and "+49 1234 567-0" in footer
    assert "<dt>Dienstag</dt><dd>08:00–12:00, 14:00–18:00</dd>" in footer


def test_opening_hours_are_named_in_the_page_language(client):
    footer = client.get("/en/").content.decode().split('<footer class="site-footer">', 1)[1]
    assert "<dt>Tuesday</dt>" in footer


def test_editors_change_the_town_name_in_the_settings(client, home_de):
    settings = TownSettings.objects.get()
    settings.town_name = "Frohburg"
    settings.save()
    html = client.get("/de/kontakt/").content.decode()
    assert "<title>Kontakt – Frohburg</title>" in html


def test_menus_follow_the_language(client):
    main_de = (
        client.get("/de/").content.decode().split('id="main-nav-list"', 1)[1].split("</ul>")[0]
    )
    main_en = (
        client.get("/en/").content.decode().split('id="main-nav-list"', 1)[1].split("</ul>")[0]
    )
    assert 'href="/de/kontakt/">Kontakt<' in main_de
    assert 'href="/en/contact/">Contact<' in main_en
    footer_en = client.get("/en/").content.decode().split('id="footer-links"', 1)[1]
    assert "/en/legal-notice/" in footer_en and "/en/privacy/" in footer_en


def test_menu_marks_the_current_section(client):
    html = client.get("/de/rathaus-und-politik/buergermeister/").content.decode()
    assert 'href="/de/rathaus-und-politik/" aria-current="page"' in html


def test_without_a_menu_the_main_navigation_lists_the_home_pages_menu_pages(client):
    NavigationMenu.objects.filter(slot="main").delete()
    html = client.get("/de/").content.decode().split('id="main-nav-list"', 1)[1].split("</ul>")[0]
    assert 'href="/de/rathaus-und-politik/"' in html
    assert "/de/impressum/" not in html


def banner(locale, **kwargs):
    now = timezone.now()
    fields = {
        "title": "Wasserrohrbruch",
        "message": "Die Hauptstraße ist gesperrt.",
        "starts_at": now - timedelta(hours=1),
        "ends_at": now + timedelta(hours=1),
        "locale": locale,
    }
    fields.update(kwargs)
    return EmergencyBanner.objects.create(**fields)


def test_emergency_banner_shows_during_its_time_only(client, de):
    now = timezone.now()
    banner(de)
    banner(de, title="Vorbei", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    banner(de, title="Später", starts_at=now + timedelta(days=1), ends_at=None)
    html = client.get("/de/kontakt/").content.decode()
    assert "Wasserrohrbruch" in html
    assert "Vorbei" not in html and "Später" not in html


def test_untranslated_emergency_banner_reaches_every_language(client, de):
    banner(de)
    html = client.get("/en/").content.decode()
    assert '<span lang="de">Wasserrohrbruch</span>' in html


def test_translated_emergency_banner_shows_its_translation(client, de, en):
    german = banner(de)
    banner(en, title="Burst water main", translation_key=german.translation_key)
    html = client.get("/en/").content.decode()
    assert "Burst water main" in html and "Wasserrohrbruch" not in html
    assert "Burst water main" not in client.get("/de/").content.decode()


def test_banner_end_must_follow_its_start(de):
    from django.core.exceptions import ValidationError

    now = timezone.now()
    item = EmergencyBanner(title="x", message="y", starts_at=now, ends_at=now, locale=de)
    with pytest.raises(ValidationError):
        item.full_clean()


def test_page_queries_do_not_grow_with_the_number_of_subpages(
    client, home_de, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from home.models import StandardPage

    section = home_de.get_children().get(slug="leben-in-musterstadt").specific

    def queries_for_section():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/de/leben-in-musterstadt/").status_code == 200
        return len(captured)

    queries_for_section()  # warm caches (site root paths)
    few = queries_for_section()
    for number in range(15):
        section.add_child(instance=StandardPage(title=f"Verein {number}", slug=f"verein-{number}"))
    many = queries_for_section()
    assert many == few, f"{few} queries with 2 subpages, {many} with 17"
