"""The page tree rules, routing in both languages, and what the pages show."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from home.blocks import CallToActionBlock, LinkBlock
from home.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


def test_home_page_lives_only_at_the_root(home_de):
    root = Page.get_first_root_node()
    assert HomePage.can_create_at(root)
    assert not HomePage.can_create_at(home_de)
    assert not StandardPage.can_create_at(root)


def test_standard_pages_nest_below_home_and_each_other(home_de):
    section = home_de.get_children().get(slug="rathaus-und-politik").specific
    assert StandardPage.can_create_at(home_de)
    assert StandardPage.can_create_at(section)
    assert not HomePage.can_create_at(section)


def test_root_redirects_to_german_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/de/"


def test_root_redirects_english_browsers_to_english(client):
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert response["Location"] == "/en/"


@pytest.mark.parametrize(
    "url, title",
    [
        ("/de/", "Musterstadt"),
        ("/en/", "Musterstadt"),
        ("/de/rathaus-und-politik/", "Rathaus und Politik"),
        ("/en/town-hall-and-politics/", "Town hall and politics"),
        ("/de/rathaus-und-politik/buergermeister/", "Bürgermeisterin"),
        ("/en/town-hall-and-politics/mayor/", "Mayor"),
    ],
)
def test_pages_are_served_in_their_language(client, url, title):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and title in html
    assert f'<html lang="{url[1:3]}">' in html


def test_a_page_is_not_served_under_the_other_language(client):
    assert client.get("/en/rathaus-und-politik/stadtrat/").status_code == 404
    assert client.get("/de/contact/").status_code == 404


def test_interface_strings_follow_the_language(client):
    assert "Zum Inhalt springen" in client.get("/de/").content.decode()
    assert "Skip to content" in client.get("/en/").content.decode()


def test_standard_page_renders_its_blocks(client):
    html = client.get("/de/kontakt/").content.decode()
    assert 'class="contact-box"' in html
    assert "buergerbuero@musterstadt.example" in html
    assert "<details" in html and "Brauche ich einen Termin?" in html


def test_section_page_lists_its_subpages(client):
    html = client.get("/de/rathaus-und-politik/").content.decode()
    assert "In diesem Bereich" in html
    assert "/de/rathaus-und-politik/stadtrat/" in html


def test_nested_page_has_breadcrumbs(client):
    html = client.get("/de/rathaus-und-politik/buergermeister/").content.decode()
    assert 'aria-label="Brotkrümelnavigation"' in html
    assert 'href="/de/rathaus-und-politik/"' in html


def test_home_page_shows_hero_and_quick_links(client, home_de):
    home_de.quick_links = [
        (
            "quick_link",
            {
                "page": home_de.get_children().first(),
                "url": "",
                "label": "",
                "description": "Alles über den Stadtrat",
            },
        ),
    ]
    home_de.save_revision().publish()
    html = client.get("/de/").content.decode()
    assert 'id="hero-title"' in html
    assert "Ihr Rathaus online" in html
    assert "Alles über den Stadtrat" in html


def test_hero_image_needs_alternative_text(home_de):
    home_de.hero_image_alt = "  "
    with pytest.raises(ValidationError) as error:
        home_de.full_clean()
    assert "hero_image_alt" in error.value.message_dict


def test_a_link_needs_a_page_or_an_address():
    block = LinkBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"page": None, "url": "", "label": "x"}))
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"page": None, "url": "https://example.org", "label": ""}))
    assert block.clean(block.to_python({"page": None, "url": "https://example.org", "label": "x"}))


def test_a_button_must_name_its_action(home_de):
    block = CallToActionBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"page": home_de.pk, "url": "", "label": ""}))


def test_image_block_requires_alternative_text():
    from wagtail.images import get_image_model

    from home.blocks import ImageWithAltBlock

    block = ImageWithAltBlock()
    image = get_image_model().objects.first()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"image": image.pk, "alt_text": "", "caption": ""}))
    assert block.clean(block.to_python({"image": image.pk, "alt_text": "Rathaus", "caption": ""}))
