"""Demo content of the news app: Musterstadt's news, notices and construction sites."""

import json
from datetime import timedelta

from django.utils import timezone
from wagtail.models import Locale

from home.demo import add_to_main_menu, child, translate
from home.models import HomePage

from .models import (
    InfoMonitorPage,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    NewsRelatedService,
    NoticeIndexPage,
    NoticePage,
)

CATEGORIES = [
    ("rathaus", "Rathaus", "town-hall", "Town hall"),
    ("bauen-und-verkehr", "Bauen und Verkehr", "building-and-traffic", "Building and traffic"),
    ("kultur-und-freizeit", "Kultur und Freizeit", "culture-and-leisure", "Culture and leisure"),
    ("umwelt", "Umwelt", "environment", "Environment"),
]

#: (slug, days ago, categories, German title and teaser, English title and teaser or None)
NEWS = [
    (
        "buergerbuero-online-termine",
        2,
        ["rathaus"],
        (
            "Bürgerbüro: Termine jetzt online buchen",
            "Ab sofort können Sie Termine für Pass, Ausweis und Anmeldung rund um die Uhr online buchen.",
        ),
        (
            "Citizens' office: book appointments online",
            "You can now book appointments for passports, ID cards and registration online, day and night.",
        ),
    ),
    (
        "stadtfest-2026",
        6,
        ["kultur-und-freizeit"],
        (
            "Stadtfest am Marktplatz",
            "Drei Tage Musik, Märkte und Mitmachangebote für Familien vom 12. bis 14. Juni.",
        ),
        (
            "Town festival on the market square",
            "Three days of music, markets and activities for families from 12 to 14 June.",
        ),
    ),
    (
        "sanierung-schulstrasse",
        9,
        ["bauen-und-verkehr"],
        (
            "Schulstraße wird saniert",
            "Die Schulstraße erhält eine neue Fahrbahn und sichere Radwege. Die Arbeiten dauern bis Herbst.",
        ),
        (
            "Schulstraße is being renovated",
            "Schulstraße gets a new road surface and safe cycle lanes. The work lasts until autumn.",
        ),
    ),
    (
        "stadtrat-haushalt",
        14,
        ["rathaus"],
        (
            "Stadtrat beschließt Haushalt",
            "Der Stadtrat hat den Haushalt für das kommende Jahr beschlossen. Schwerpunkte sind Kitas und Straßen.",
        ),
        (
            "Town council adopts budget",
            "The town council has adopted next year's budget, with day care and roads as priorities.",
        ),
    ),
    (
        "baumpflanzaktion",
        20,
        ["umwelt"],
        (
            "120 neue Bäume für Musterstadt",
            "Bei der Pflanzaktion im Stadtpark haben Freiwillige 120 Bäume gesetzt.",
        ),
        None,
    ),
    (
        "bibliothek-oeffnungszeiten",
        27,
        ["kultur-und-freizeit"],
        (
            "Bibliothek länger geöffnet",
            "Die Stadtbibliothek ist nun auch donnerstags bis 19 Uhr geöffnet.",
        ),
        None,
    ),
    (
        "wertstoffhof-winter",
        35,
        ["umwelt"],
        (
            "Wertstoffhof: Winteröffnungszeiten",
            "Von November bis Februar schließt der Wertstoffhof samstags bereits um 12 Uhr.",
        ),
        None,
    ),
    (
        "ehrenamtspreis",
        48,
        ["rathaus", "kultur-und-freizeit"],
        (
            "Ehrenamtspreis verliehen",
            "Die Bürgermeisterin hat fünf Vereine für ihr Engagement ausgezeichnet.",
        ),
        None,
    ),
    (
        "glasfaser-ausbau",
        60,
        ["bauen-und-verkehr"],
        (
            "Glasfaser für alle Ortsteile",
            "Bis Ende nächsten Jahres sollen alle Haushalte einen Glasfaseranschluss erhalten können.",
        ),
        None,
    ),
    (
        "freibad-saisonende",
        95,
        ["kultur-und-freizeit"],
        (
            "Freibad: Saison endet",
            "Das Freibad schließt am 15. September. Über 40.000 Gäste kamen in diesem Sommer.",
        ),
        None,
    ),
    (
        "laermaktionsplan",
        140,
        ["umwelt", "bauen-und-verkehr"],
        (
            "Lärmaktionsplan: Ihre Meinung zählt",
            "Bis Ende des Monats können Sie Vorschläge zum Lärmaktionsplan einreichen.",
        ),
        None,
    ),
    (
        "neujahrsempfang",
        330,
        ["rathaus"],
        ("Neujahrsempfang im Rathaus", "Rund 300 Gäste kamen zum Neujahrsempfang der Stadt."),
        None,
    ),
    (
        "spielplatz-eroeffnet",
        400,
        ["kultur-und-freizeit"],
        (
            "Neuer Spielplatz im Lindenviertel",
            "Der Spielplatz im Lindenviertel ist eröffnet und barrierefrei gestaltet.",
        ),
        None,
    ),
]

#: (slug, kind, starts in days, ends in days or None, place, German title and summary, English)
NOTICES = [
    (
        "bebauungsplan-lindenviertel",
        NoticePage.Kind.NOTICE,
        -5,
        25,
        "",
        (
            "Bebauungsplan „Lindenviertel“ liegt aus",
            "Der Entwurf liegt einen Monat im Rathaus und online zur Einsicht aus.",
        ),
        (
            "Development plan “Lindenviertel” on display",
            "The draft is on display at the town hall and online for one month.",
        ),
    ),
    (
        "stadtratssitzung",
        NoticePage.Kind.NOTICE,
        -2,
        10,
        "Rathaus, Ratssaal",
        (
            "Öffentliche Sitzung des Stadtrats",
            "Tagesordnung der nächsten öffentlichen Sitzung des Stadtrats.",
        ),
        None,
    ),
    (
        "hundesteuersatzung",
        NoticePage.Kind.NOTICE,
        -60,
        -30,
        "",
        ("Änderung der Hundesteuersatzung", "Die geänderte Satzung ist in Kraft getreten."),
        None,
    ),
    (
        "baustelle-schulstrasse",
        NoticePage.Kind.CONSTRUCTION,
        -9,
        120,
        "Schulstraße zwischen Markt und Bahnhof",
        (
            "Vollsperrung Schulstraße",
            "Die Schulstraße ist voll gesperrt. Die Umleitung ist ausgeschildert.",
        ),
        ("Schulstraße closed", "Schulstraße is closed to traffic. A diversion is signposted."),
    ),
    (
        "baustelle-brunnenweg",
        NoticePage.Kind.CONSTRUCTION,
        -1,
        14,
        "Brunnenweg 4–12",
        (
            "Leitungsarbeiten Brunnenweg",
            "Wegen Arbeiten an der Wasserleitung ist nur eine Fahrspur frei.",
        ),
        None,
    ),
    (
        "baustelle-parkplatz",
        NoticePage.Kind.CONSTRUCTION,
        20,
        40,
        "Parkplatz am Freibad",
        (
            "Parkplatz am Freibad wird erneuert",
            "Der Parkplatz wird neu asphaltiert und ist in dieser Zeit gesperrt.",
        ),
        None,
    ),
    (
        "baustelle-bahnhof",
        NoticePage.Kind.CONSTRUCTION,
        -200,
        -100,
        "Bahnhofsvorplatz",
        ("Umbau Bahnhofsvorplatz", "Der Bahnhofsvorplatz wurde barrierefrei umgebaut."),
        None,
    ),
]


#: Services an article is about, by catalog key: its "Online erledigen" box.
RELATED_SERVICES = {
    "buergerbuero-online-termine": ["personalausweis-beantragen", "wohnsitz-anmelden"],
    "wertstoffhof-winter": ["sperrmuell-anmelden"],
    "ehrenamtspreis": ["ehrenamtskarte"],
    "bibliothek-oeffnungszeiten": ["bibliotheksausweis"],
}


def related_services(slug, locale):
    """The NewsRelatedService links of the article ``slug`` (services of the demo catalog)."""
    from services_catalog.models import ServicePage

    keys = RELATED_SERVICES.get(slug, [])
    services = {s.key: s for s in ServicePage.objects.filter(key__in=keys, locale=locale)}
    return [NewsRelatedService(service=services[key]) for key in keys if key in services]


def seed(stdout):
    """Create categories, the news and notices sections, articles, notices and a screen."""
    de = Locale.objects.get(language_code="de")
    en = Locale.objects.get(language_code="en")
    home_de = HomePage.objects.get(locale=de, depth=2)
    categories = seed_categories(de, en)

    new_section = not home_de.get_children().filter(slug="aktuelles").exists()
    news_de = child(
        home_de,
        NewsIndexPage,
        slug="aktuelles",
        title="Aktuelles",
        intro="Neuigkeiten aus Rathaus und Stadt.",
        show_in_menus=True,
    )
    translate(news_de, en, slug="news", title="News", intro="News from the town hall and the town.")
    today = timezone.localdate()
    created = 0
    for slug, days_ago, category_slugs, german, english in NEWS:
        page = news_de.get_children().filter(slug=slug).first()
        if page is None:
            page = NewsPage(
                slug=slug,
                title=german[0],
                teaser=german[1],
                date=today - timedelta(days=days_ago),
                body=json.dumps([{"type": "paragraph", "value": f"<p>{german[1]}</p>"}]),
            )
            page.categories = [categories[s][0] for s in category_slugs]
            page.related_services = related_services(slug, de)
            news_de.add_child(instance=page)
            page.save_revision().publish()
            created += 1
            if english:
                # The translation gets the English categories by itself (NewsPage.save).
                translate(
                    page,
                    en,
                    slug=slug,
                    title=english[0],
                    teaser=english[1],
                    body=json.dumps([{"type": "paragraph", "value": f"<p>{english[1]}</p>"}]),
                )

    notices_de = child(
        home_de,
        NoticeIndexPage,
        slug="bekanntmachungen",
        title="Bekanntmachungen und Baustellen",
        intro="Amtliche Bekanntmachungen und aktuelle Baustellen in Musterstadt.",
        show_in_menus=True,
    )
    translate(
        notices_de,
        en,
        slug="notices",
        title="Notices and construction sites",
        intro="Official notices and current construction sites in Musterstadt.",
    )
    for slug, kind, starts, ends, place, german, english in NOTICES:
        if notices_de.get_children().filter(slug=slug).exists():
            continue
        page = NoticePage(
            slug=slug,
            kind=kind,
            title=german[0],
            summary=german[1],
            place=place,
            valid_from=today + timedelta(days=starts),
            valid_until=today + timedelta(days=ends) if ends is not None else None,
        )
        notices_de.add_child(instance=page)
        page.save_revision().publish()
        created += 1
        if english:
            translate(page, en, slug=slug, title=english[0], summary=english[1])

    screen = child(
        home_de, InfoMonitorPage, slug="infomonitor", title="InfoMonitor Rathaus", slide_seconds=12
    )
    translate(screen, en, slug="infomonitor", title="InfoMonitor town hall")
    if new_section:
        add_to_main_menu([news_de, notices_de], [de, en])
    stdout.write(f"News: {created} new articles and notices.")


def seed_categories(de, en):
    """{slug: (German category, English category)}, created if missing."""
    found = {}
    for slug, name, en_slug, en_name in CATEGORIES:
        german = NewsCategory.objects.filter(locale=de, slug=slug).first()
        if german is None:
            german = NewsCategory.objects.create(locale=de, slug=slug, name=name)
        english = german.get_translation_or_none(en)
        if english is None:
            english = german.copy_for_translation(en)
            english.slug, english.name = en_slug, en_name
            english.save()
        found[slug] = (german, english)
    return found
