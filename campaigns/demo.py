"""Demo content of the promotion toolkit: a year of services of the month (like Frohburg's),
a campaign on the home page and the services section, the archive page, short links, and
three months of daily reach figures so the statistics have something to show."""

import json
import random
from datetime import date, timedelta

from django.utils import timezone
from wagtail.models import Locale

from home.demo import add_to_main_menu, child, demo_images, translate
from home.models import HomePage, SearchTermCount, StandardPage
from services_catalog.models import (
    OnlineStartCount,
    ServiceIndexPage,
    ServicePage,
    ServicePageViewCount,
)

from .models import (
    Campaign,
    CampaignPlacement,
    ServiceSpotlight,
    ShortLink,
    ShortLinkVisit,
    SpotlightArchivePage,
)

#: Services of the month, newest first: (service key, German text, English text).
SPOTLIGHTS = [
    (
        "wohnsitz-ummelden",
        "Umgezogen innerhalb von Musterstadt? Melden Sie Ihre neue Adresse online um – mit "
        "Online-Ausweis, ohne Termin und ohne Wartezeit im Bürgerbüro.",
        "Moved within Musterstadt? Register your new address online with your ID card's "
        "online function: no appointment, no queue at the citizens' office.",
    ),
    (
        "hund-anmelden",
        "Neu in der Familie? Melden Sie Ihren Hund online an. Die Hundemarke kommt per Post.",
        "A new family member? Register your dog online; the dog tag comes by post.",
    ),
    (
        "sperrmuell-anmelden",
        "Sperrmüll-Termin in zwei Minuten: online anmelden, Termin wählen, fertig.",
        "Bulky waste collection in two minutes: register online, pick a date, done.",
    ),
    (
        "briefwahl-beantragen",
        "Wählen von zu Hause: Briefwahlunterlagen können Sie online beantragen.",
        "Vote from home: apply for a postal vote online.",
    ),
    (
        "meldebescheinigung",
        "Die Meldebescheinigung gibt es online – als PDF oder per Post.",
        "Get your certificate of registration online, as a PDF or by post.",
    ),
    (
        "kita-platz-anmelden",
        "Kita-Platz gesucht? Melden Sie Ihr Kind online für Krippe und Kindergarten an.",
        "Looking for a nursery place? Register your child online.",
    ),
    (
        "anwohnerparkausweis",
        "Den Anwohnerparkausweis beantragen und bezahlen Sie jetzt online.",
        "Apply and pay for your residents' parking permit online.",
    ),
    (
        "fuehrungszeugnis-beantragen",
        "Führungszeugnis für Ehrenamt oder Job? Online beantragen mit dem Online-Ausweis.",
        "A certificate of good conduct for a job or volunteering? Apply online.",
    ),
    (
        "gewerbe-anmelden",
        "Gründen in Musterstadt: Melden Sie Ihr Gewerbe online an.",
        "Starting a business in Musterstadt? Register your trade online.",
    ),
    (
        "wunschkennzeichen",
        "Ihr Wunschkennzeichen reservieren Sie online – rund um die Uhr.",
        "Reserve your personalised number plate online, day and night.",
    ),
    (
        "baumfaellgenehmigung",
        "Baum fällen? Die Fällgenehmigung beantragen Sie online mit Fotos und Lageplan.",
        "Need to fell a tree? Apply for the permit online with photos and a site plan.",
    ),
    (
        "bibliotheksausweis",
        "Lesen ohne Wartezeit: den Bibliotheksausweis online beantragen.",
        "Read without waiting: apply for your library card online.",
    ),
]

#: Search terms for the statistics: (term, searches per day roughly, found nothing).
SEARCHES = [
    ("personalausweis", 9, False),
    ("ummelden", 7, False),
    ("sperrmüll", 6, False),
    ("hundesteuer", 4, False),
    ("kita", 4, False),
    ("wohngeld", 3, False),
    ("reisepass", 3, False),
    ("biotonne", 2, True),
    ("e-scooter", 1, True),
    ("glasfaser", 1, True),
]


def seed(stdout):
    """Create the archive page, the services of the month, a campaign, short links and figures."""
    de = Locale.objects.get(language_code="de")
    en = Locale.objects.get(language_code="en")
    home_de = HomePage.objects.get(locale=de, depth=2)
    new_archive = not home_de.get_children().filter(slug="service-des-monats").exists()
    archive = child(
        home_de,
        SpotlightArchivePage,
        slug="service-des-monats",
        title="Service des Monats",
        intro="Jeden Monat stellen wir eine Leistung vor, die Sie online erledigen können.",
    )
    translate(
        archive,
        en,
        slug="service-of-the-month",
        title="Service of the month",
        intro="Every month we present a service you can use online.",
    )
    if new_archive:
        add_to_main_menu([archive], [de, en])

    services = {
        page.key: page
        for page in ServicePage.objects.live().filter(
            locale=de, key__in=[key for key, *_ in SPOTLIGHTS] + ["hund-anmelden"]
        )
    }
    for service in ServicePage.objects.live():
        ShortLink.for_service(service)
    if "hund-anmelden" in services and not ShortLink.objects.filter(code="hund").exists():
        ShortLink.objects.create(
            service=services["hund-anmelden"], code="hund", label="Amtsblatt, Ausgabe März"
        )

    services["briefwahl-beantragen"] = ServicePage.objects.filter(
        locale=de, key="briefwahl-beantragen"
    ).first()
    created = seed_spotlights(services, de, en)
    seed_campaign(services, de, en)
    seed_online_page(de, en)
    seed_figures()
    stdout.write(f"Promotion: {created} services of the month, a campaign, short links.")


def month_start(day: date, months_back: int) -> date:
    month = day.month - months_back
    year = day.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def seed_spotlights(services, de, en) -> int:
    """One service of the month for this month and each of the eleven before it."""
    if ServiceSpotlight.objects.exists():
        return 0
    today = timezone.localdate()
    image = demo_images().get("Demo: Marktplatz")
    created = 0
    for months_back, (key, text_de, text_en) in enumerate(SPOTLIGHTS):
        service = services.get(key)
        if service is None:
            continue
        starts = month_start(today, months_back)
        ends = month_start(today, months_back - 1) - timedelta(days=1)
        german = ServiceSpotlight(
            locale=de, service=service, text=text_de, starts_on=starts, ends_on=ends
        )
        if months_back == 0 and image is not None:
            german.image = image
            german.image_alt = "Der Marktplatz von Musterstadt mit dem Rathaus"
        german.save()
        english = german.copy_for_translation(en)
        english.text = text_en
        if german.image_id:
            english.image_alt = "Musterstadt's market square with the town hall"
        english.save()
        created += 1
    return created


def seed_campaign(services, de, en):
    """A banner on the home page and over the services section for the coming weeks."""
    if Campaign.objects.exists():
        return
    service = services.get("wohnsitz-ummelden")
    now = timezone.now()
    german = Campaign(
        locale=de,
        title="Neu: Ummelden ohne Termin",
        text="Seit diesem Monat melden Sie einen Umzug innerhalb von Musterstadt online um.",
        link_page=service,
        button_text="Jetzt online ummelden",
        style=Campaign.Style.BANNER,
        starts_at=now - timedelta(days=7),
        ends_at=now + timedelta(days=60),
        show_on_home_page=True,
    )
    finder = ServiceIndexPage.objects.filter(locale=de).first()
    if finder is not None:
        german.placements = [CampaignPlacement(page=finder, include_subpages=False)]
    german.save()
    english = german.copy_for_translation(en)
    english.title = "New: change your address without an appointment"
    english.text = "Since this month you can register a move within Musterstadt online."
    english.button_text = "Change your address online"
    english.save()

    politics = (
        HomePage.objects.get(locale=de, depth=2)
        .get_children()
        .filter(slug="rathaus-und-politik")
        .first()
    )
    if politics is not None:
        teaser = Campaign(
            locale=de,
            title="Briefwahl online beantragen",
            text="Wählen von zu Hause: Die Unterlagen kommen per Post.",
            link_page=services.get("briefwahl-beantragen"),
            style=Campaign.Style.TEASER,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=45),
            show_on_home_page=False,
        )
        teaser.placements = [CampaignPlacement(page=politics, include_subpages=True)]
        teaser.save()
        english = teaser.copy_for_translation(en)
        english.title = "Apply for a postal vote online"
        english.text = "Vote from home: the papers come by post."
        english.save()


def seed_online_page(de, en):
    """A content page about the online services that carries the service-of-the-month block."""
    home_de = HomePage.objects.get(locale=de, depth=2)
    body = [
        {
            "type": "paragraph",
            "value": "<p>Viele Leistungen der Stadt erledigen Sie online, ohne Termin.</p>",
        },
        {"type": "service_of_the_month", "value": None},
    ]
    page = child(
        home_de,
        StandardPage,
        slug="online-dienste",
        title="Online-Dienste",
        intro="Was Sie bei der Stadt online erledigen können.",
        body=json.dumps(body),
    )
    translate(
        page,
        en,
        slug="online-services",
        title="Online services",
        intro="What you can do online with the town.",
        body=json.dumps(
            [
                {
                    "type": "paragraph",
                    "value": "<p>Many of the town's services can be done online.</p>",
                },
                {"type": "service_of_the_month", "value": None},
            ]
        ),
    )


def seed_figures(days=90):
    """Daily totals for the last ``days`` days up to yesterday, the same on every run."""
    if ServicePageViewCount.objects.exists():
        return
    rng = random.Random(7)
    today = timezone.localdate()
    spotlight_services = {
        spotlight.service_id: (spotlight.starts_on, spotlight.ends_on)
        for spotlight in ServiceSpotlight.objects.filter(locale__language_code="de")
    }
    services = list(ServicePage.objects.live().filter(locale__language_code="de")[:40])
    links = {link.service_id: link for link in ShortLink.objects.order_by("created_at", "pk")}
    views, starts, visits, searches = [], [], [], []
    for offset in range(days, 0, -1):
        day = today - timedelta(days=offset)
        weekday = day.weekday() < 5
        for service in services:
            boost = 1
            period = spotlight_services.get(service.pk)
            if period and period[0] <= day <= period[1]:
                boost = 4  # the service of the month is seen more: that is the point
            seen = rng.randint(0, 12 if weekday else 4) * boost
            if not seen:
                continue
            views.append(ServicePageViewCount(service=service, date=day, count=seen))
            started = rng.randint(0, max(1, seen // 3))
            if started:
                starts.append(OnlineStartCount(service=service, date=day, count=started))
            link = links.get(service.pk)
            if link and boost > 1:
                visits.append(
                    ShortLinkVisit(short_link=link, date=day, channel="qr", count=rng.randint(1, 6))
                )
                visits.append(
                    ShortLinkVisit(
                        short_link=link, date=day, channel="link", count=rng.randint(0, 3)
                    )
                )
        for term, per_day, nothing in SEARCHES:
            count = rng.randint(0, per_day * (2 if weekday else 1))
            if count:
                searches.append(
                    SearchTermCount(
                        date=day,
                        language="de",
                        area="site",
                        term=term,
                        searches=count,
                        without_results=count if nothing else 0,
                    )
                )
    ServicePageViewCount.objects.bulk_create(views)
    OnlineStartCount.objects.bulk_create(starts, ignore_conflicts=True)
    ShortLinkVisit.objects.bulk_create([v for v in visits if v.count])
    SearchTermCount.objects.bulk_create(searches, ignore_conflicts=True)
