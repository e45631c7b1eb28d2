"""Demo content of the services catalog: Musterstadt's departments, life situations, synonyms,
about 60 services (German, the most used also in English) and two of the town's own forms."""

import json
from pathlib import Path

from wagtail.models import Locale

from home.demo import add_to_main_menu, child, translate
from home.models import HomePage

from .catalog import import_catalog
from .models import ContactPerson, Department, LifeSituation, OnlineFormField, OnlineFormPage
from .models import Synonym as SynonymModel

CATALOGS = Path(__file__).parent / "catalogs"
DEMO_SERVICES = 60

#: (German name, English name, icon, description in German, in English)
LIFE_SITUATIONS = [
    ("Umzug und Wohnen", "Moving and housing", "house",
     "Anmelden, ummelden, Halteverbot für den Umzug, Wohngeld.",
     "Registering your address, parking bans for moving day, housing benefit."),
    ("Ausweise und Dokumente", "ID and documents", "id-card",
     "Personalausweis, Reisepass, Führungszeugnis, Bescheinigungen.",
     "ID card, passport, certificates."),
    ("Familie und Kinder", "Family and children", "family",
     "Kita-Platz, Schule, Elterngeld und Hilfen für Familien.",
     "Daycare, school, parental allowance and help for families."),
    ("Heirat und Partnerschaft", "Marriage and partnership", "rings",
     "Eheschließung anmelden, Namensänderung.", "Registering a marriage, changing your name."),
    ("Geburt", "Birth", "baby", "Geburt beurkunden, Kinderreisepass, Elterngeld.",
     "Registering a birth, child passport, parental allowance."),
    ("Todesfall", "Death", "candle", "Sterbefall beurkunden, Grabstelle, Bestattung.",
     "Registering a death, graves, funerals."),
    ("Tiere", "Animals", "paw", "Hund anmelden und abmelden, Hundesteuer.",
     "Registering your dog, dog tax."),
    ("Bauen und Grundstück", "Building and land", "crane",
     "Bauantrag, Baumfällung, Hausnummer, Grundsteuer.",
     "Building permits, tree felling, house numbers."),
    ("Arbeit und Gewerbe", "Work and business", "briefcase",
     "Gewerbe anmelden, Gaststätte, Markt.", "Registering a business, restaurants, markets."),
    ("Auto und Verkehr", "Car and traffic", "car",
     "Parkausweis, Kfz-Zulassung, Führerschein.", "Parking permits, vehicles, driving licences."),
    ("Steuern und Abgaben", "Taxes and charges", "coins",
     "Grundsteuer, Hundesteuer, Zweitwohnungssteuer.", "Property tax, dog tax, second-home tax."),
    ("Soziales und Unterstützung", "Social support", "hands",
     "Wohngeld, Wohnberechtigungsschein, Bildung und Teilhabe.",
     "Housing benefit, social housing, support for children."),
    ("Freizeit, Kultur und Ehrenamt", "Leisure, culture and volunteering", "star",
     "Veranstaltungen, Bibliothek, Ehrenamtskarte.", "Events, the library, volunteering."),
    ("Ordnung und Sicherheit", "Public order and safety", "shield",
     "Fundsachen, Lärm, Feuerwerk, Waffen.", "Lost property, noise, fireworks."),
    ("Wahlen", "Elections", "ballot", "Briefwahl und Wahlhelfer.", "Postal voting, poll workers."),
    ("Bildung und Schule", "Education and school", "book",
     "Schulanmeldung, Bibliotheksausweis.", "School enrolment, library card."),
]  # fmt: skip

ADDRESS = "Rathaus, Marktplatz 1\n12345 Musterstadt"
HOURS = "Mo, Mi 8:00–12:00\nDi 8:00–12:00 und 13:00–18:00\nDo 13:00–16:00\nFr 8:00–12:00"
HOURS_EN = "Mon, Wed 8:00–12:00\nTue 8:00–12:00 and 13:00–18:00\nThu 13:00–16:00\nFri 8:00–12:00"

#: (German name, English name, phone, email, room or address, (contact name, role))
DEPARTMENTS = [
    ("Bürgerbüro", "Citizens' Office", "03456 789-100", "buergerbuero", ADDRESS,
     ("Sabine Krause", "Leiterin Bürgerbüro")),
    ("Standesamt", "Registry Office", "03456 789-200", "standesamt", ADDRESS,
     ("Thomas Richter", "Standesbeamter")),
    ("Ordnungsamt", "Public Order Office", "03456 789-300", "ordnungsamt",
     "Technisches Rathaus, Bahnhofstraße 12\n12345 Musterstadt", ("Jens Vogel", "Sachgebietsleiter")),
    ("Bauamt", "Building Authority", "03456 789-400", "bauamt",
     "Technisches Rathaus, Bahnhofstraße 12\n12345 Musterstadt", ("Petra Schulze", "Bauverwaltung")),
    ("Steueramt", "Tax Office", "03456 789-500", "steueramt", ADDRESS,
     ("Martin Wolf", "Steuern und Abgaben")),
    ("Sozialamt", "Social Welfare Office", "03456 789-600", "sozialamt", ADDRESS,
     ("Anja Becker", "Wohngeldstelle")),
    ("Amt für Bildung und Familie", "Office for Education and Family", "03456 789-700",
     "familie", ADDRESS, ("Claudia Neumann", "Kita-Platzvergabe")),
    ("Gewerbeamt", "Trade Office", "03456 789-350", "gewerbe",
     "Technisches Rathaus, Bahnhofstraße 12\n12345 Musterstadt", ("Frank Lehmann", "Gewerbe")),
    ("Friedhofsverwaltung", "Cemetery Administration", "03456 789-800", "friedhof",
     "Friedhofsweg 3\n12345 Musterstadt", ("Karin Hahn", "Friedhofsverwaltung")),
    ("Stadtbibliothek", "Town Library", "03456 789-900", "bibliothek",
     "Schulstraße 5\n12345 Musterstadt", ("Eva Schmitt", "Bibliothek")),
    ("Wahlamt", "Elections Office", "03456 789-150", "wahlamt", ADDRESS,
     ("Uwe Schröder", "Wahlleiter")),
    ("Kfz-Zulassungsstelle (Landkreis)", "Vehicle Registration Office (district)",
     "03456 555-0", "zulassung", "Landratsamt, Kreisstraße 1\n12340 Kreisstadt",
     ("Service-Team", "Zulassung")),
    ("Bauhof", "Municipal Works Depot", "03456 789-450", "bauhof",
     "Am Bauhof 2\n12345 Musterstadt", ("Dirk Zimmermann", "Bauhofleiter")),
]  # fmt: skip

#: The town's own forms: slug, German and English title and button text, catalog key of the
#: service they serve.
OWN_FORMS = [
    ("sperrmuell-abholung", "Sperrmüll-Abholung anmelden", "Book a bulky waste collection",
     "Sperrmüll online anmelden", "Book the collection online", "sperrmuell-anmelden"),
    ("veranstaltung-anzeigen", "Veranstaltung anzeigen", "Notify us of an event",
     "Veranstaltung online anzeigen", "Notify us online", "veranstaltung-anmelden"),
]  # fmt: skip

FIELDS = [
    ("Name", "Name", "singleline", True),
    ("E-Mail", "Email", "email", True),
    ("Telefon", "Phone", "singleline", False),
    ("Anschrift", "Address", "singleline", True),
    ("Wunschtermin", "Preferred date", "date", False),
    ("Beschreibung", "Description", "multiline", True),
]


def load_catalog(language):
    return json.loads((CATALOGS / f"musterstadt-{language}.json").read_text(encoding="utf-8"))


def load_synonyms():
    return json.loads((CATALOGS / "synonyms.json").read_text(encoding="utf-8"))["synonyms"]


def seed(stdout):
    """Create the snippets, the finder, the town's own forms and import the demo catalog."""
    de = Locale.objects.get(language_code="de")
    en = Locale.objects.get(language_code="en")
    home_de = HomePage.objects.get(locale=de, depth=2)
    seed_life_situations(de, en)
    seed_departments(de, en)
    if not SynonymModel.objects.exists():
        SynonymModel.objects.bulk_create(
            [SynonymModel(words=", ".join(group)) for group in load_synonyms()]
        )
    new_section = not home_de.get_children().filter(slug="dienstleistungen").exists()
    from .models import ServiceIndexPage

    finder_de = child(
        home_de,
        ServiceIndexPage,
        slug="dienstleistungen",
        title="Dienstleistungen",
        intro="Was möchten Sie erledigen? Finden Sie die richtige Stelle und starten Sie online.",
        show_in_menus=True,
    )
    finder_en = translate(
        finder_de,
        en,
        slug="services",
        title="Services",
        intro="What do you need to do? Find the right office and start online.",
    )
    own_forms = seed_own_forms(finder_de, finder_en, en)

    german = load_catalog("de")
    german["services"] = german["services"][:DEMO_SERVICES]
    keys = {service["key"] for service in german["services"]}
    english = load_catalog("en")
    english["services"] = [s for s in english["services"] if s["key"] in keys]
    for catalog, language in ((german, "de"), (english, "en")):
        for service in catalog["services"]:
            if service["key"] in own_forms:
                title, url = own_forms[service["key"]][language]
                service["online_forms"] = [{"title": title, "url": url}]
    result_de = import_catalog(german)
    result_en = import_catalog(english)
    if new_section:
        add_to_main_menu([finder_de], [de, en])
    stdout.write(
        f"Services: {result_de.created} new German and {result_en.created} new English services."
    )


def seed_life_situations(de, en):
    for order, (name, name_en, icon, text, text_en) in enumerate(LIFE_SITUATIONS, start=1):
        german = LifeSituation.objects.filter(locale=de, name=name).first()
        if german is None:
            german = LifeSituation(
                locale=de, name=name, icon=icon, description=text, order=order * 10
            )
            german.save()
        if german.get_translation_or_none(en) is None:
            english = german.copy_for_translation(en)
            english.name, english.description = name_en, text_en
            english.slug = ""
            english.save()


def seed_departments(de, en):
    for name, name_en, phone, mailbox, address, (person, role) in DEPARTMENTS:
        german = Department.objects.filter(locale=de, name=name).first()
        if german is None:
            german = Department(
                locale=de,
                name=name,
                address=address,
                phone=phone,
                email=f"{mailbox}@musterstadt.example",
                opening_hours=HOURS,
            )
            german.contact_people = [
                ContactPerson(name=person, role=role, phone=phone, email=german.email)
            ]
            german.save()
        if german.get_translation_or_none(en) is None:
            english = german.copy_for_translation(en)
            english.name = name_en
            english.opening_hours = HOURS_EN
            english.save()


def seed_own_forms(finder_de, finder_en, en):
    """{service key: {"de": (button text, form URL), "en": …}} for the town's own forms."""
    found = {}
    for slug, title, title_en, button, button_en, key in OWN_FORMS:
        page = finder_de.get_children().filter(slug=slug).first()
        if page is None:
            page = OnlineFormPage(
                slug=slug,
                title=title,
                intro=f"<p>Mit diesem Formular können Sie „{title}“ direkt bei der Stadt "
                "beantragen. Sie erhalten eine Vorgangsnummer und einen Link, unter dem Sie den "
                "Stand sehen.</p>",
                thank_you_text="<p>Vielen Dank! Wir melden uns, sobald wir Ihren Antrag "
                "bearbeitet haben.</p>",
                to_address="buergerbuero@musterstadt.example",
                from_address="noreply@musterstadt.example",
                subject=title,
            )
            page.form_fields = [
                OnlineFormField(label=label, field_type=kind, required=required)
                for label, _label_en, kind, required in FIELDS
            ]
            finder_de.add_child(instance=page)
            page.save_revision().publish()
        page = page.specific
        page_en = translate(
            page,
            en,
            slug=slug,
            title=title_en,
            intro=f"<p>Use this form to apply for “{title_en}” directly with the town. You will "
            "get a reference number and a link that shows the status.</p>",
            thank_you_text="<p>Thank you! We will be in touch once we have dealt with your "
            "request.</p>",
            form_fields=[
                OnlineFormField(label=label_en, field_type=kind, required=required)
                for _label, label_en, kind, required in FIELDS
            ],
        )
        found[key] = {"de": (button, page.full_url), "en": (button_en, page_en.full_url)}
    return found
