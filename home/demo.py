"""Demo content of the home app: Musterstadt's home page and ten pages, in German and English."""

import io
import json
from datetime import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from .models import HomePage, NavigationMenu, StandardPage, TownSettings

TOWN = "Musterstadt"


def rich(*paragraphs):
    return {"type": "paragraph", "value": "".join(f"<p>{p}</p>" for p in paragraphs)}


def heading(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def contact(heading_text, name, role, phone, email, address, hours):
    return {
        "type": "contact",
        "value": {
            "heading": heading_text,
            "name": name,
            "role": role,
            "phone": phone,
            "email": email,
            "address": address,
            "hours": hours,
        },
    }


def faq(heading_text, items):
    return {
        "type": "accordion",
        "value": {
            "heading": heading_text,
            "items": [{"question": q, "answer": f"<p>{a}</p>"} for q, a in items],
        },
    }


ADDRESS = "Marktplatz 1\n12345 Musterstadt"

#: The page tree below the home page: slug, German and English version (None: German only),
#: children. Each version is (title, intro, body blocks).
PAGES = [
    {
        "slug": "rathaus-und-politik",
        "en_slug": "town-hall-and-politics",
        "menu": True,
        "de": (
            "Rathaus und Politik",
            "Wie Musterstadt verwaltet wird, wer im Stadtrat sitzt und wie Sie mitreden können.",
            [
                rich(
                    "Das Rathaus am Marktplatz ist Sitz der Stadtverwaltung und des "
                    "Bürgermeisters. Der Stadtrat tagt in der Regel am ersten Donnerstag im "
                    "Monat; die Sitzungen sind öffentlich."
                ),
            ],
        ),
        "en": (
            "Town hall and politics",
            "How Musterstadt is run, who sits on the town council and how you can take part.",
            [
                rich(
                    "The town hall on the market square houses the town administration and the "
                    "mayor. The town council usually meets on the first Thursday of the month; "
                    "its meetings are open to the public."
                ),
            ],
        ),
        "children": [
            {
                "slug": "buergermeister",
                "en_slug": "mayor",
                "de": (
                    "Bürgermeisterin",
                    "Sprechstunde der Bürgermeisterin jeden Dienstag.",
                    [
                        rich(
                            "Bürgermeisterin Anna Beispiel ist seit 2022 im Amt. Ihre "
                            "Bürgersprechstunde findet dienstags von 15 bis 17 Uhr statt."
                        ),
                        contact(
                            "Sekretariat",
                            "Büro der Bürgermeisterin",
                            "Frau Muster",
                            "+49 1234 567-100",
                            "buergermeisterin@musterstadt.example",
                            ADDRESS,
                            "Di 15–17 Uhr und nach Vereinbarung",
                        ),
                    ],
                ),
                "en": (
                    "Mayor",
                    "The mayor's office hours are every Tuesday.",
                    [
                        rich(
                            "Mayor Anna Beispiel has been in office since 2022. Her office "
                            "hours for citizens are on Tuesdays from 3 to 5 pm."
                        ),
                        contact(
                            "Office",
                            "Office of the mayor",
                            "Ms Muster",
                            "+49 1234 567-100",
                            "buergermeisterin@musterstadt.example",
                            ADDRESS,
                            "Tue 3–5 pm and by appointment",
                        ),
                    ],
                ),
            },
            {
                "slug": "stadtrat",
                "de": (
                    "Stadtrat",
                    "Der Stadtrat hat 22 Mitglieder und tagt öffentlich.",
                    [
                        rich(
                            "Der Stadtrat entscheidet über den Haushalt, Bebauungspläne und "
                            "Satzungen der Stadt. Einwohnerinnen und Einwohner können zu Beginn "
                            "jeder Sitzung Fragen stellen."
                        ),
                    ],
                ),
                "en": None,
            },
        ],
    },
    {
        "slug": "leben-in-musterstadt",
        "en_slug": "living-in-musterstadt",
        "menu": True,
        "de": (
            "Leben in Musterstadt",
            "Kitas, Schulen, Freizeit und Kultur: was Musterstadt zu bieten hat.",
            [
                rich(
                    "Musterstadt hat 12.000 Einwohnerinnen und Einwohner, vier Kitas, zwei "
                    "Grundschulen, ein Freibad und einen lebendigen Marktplatz."
                )
            ],
        ),
        "en": (
            "Living in Musterstadt",
            "Childcare, schools, leisure and culture: what Musterstadt has to offer.",
            [
                rich(
                    "Musterstadt has 12,000 inhabitants, four day-care centres, two primary "
                    "schools, an open-air pool and a lively market square."
                )
            ],
        ),
        "children": [
            {
                "slug": "kitas-und-schulen",
                "de": (
                    "Kitas und Schulen",
                    "Betreuungsplätze, Anmeldung und Schulbezirke.",
                    [
                        rich(
                            "Die Anmeldung für einen Kita-Platz ist ab dem ersten Lebensjahr "
                            "möglich. Die Schulbezirke richten sich nach der Wohnadresse."
                        )
                    ],
                ),
                "en": None,
            },
            {
                "slug": "freizeit-und-kultur",
                "de": (
                    "Freizeit und Kultur",
                    "Freibad, Bibliothek, Vereine und Veranstaltungen.",
                    [
                        rich(
                            "Das Freibad ist von Mai bis September geöffnet. Die Stadtbibliothek "
                            "am Marktplatz leiht Bücher, Filme und Spiele aus."
                        )
                    ],
                ),
                "en": None,
            },
        ],
    },
    {
        "slug": "kontakt",
        "en_slug": "contact",
        "menu": True,
        "de": (
            "Kontakt",
            "So erreichen Sie die Stadtverwaltung.",
            [
                contact(
                    "Bürgerbüro",
                    "Bürgerbüro im Rathaus",
                    "",
                    "+49 1234 567-0",
                    "buergerbuero@musterstadt.example",
                    ADDRESS,
                    "Mo, Mi, Fr 8–12 Uhr\nDi 8–12 und 14–18 Uhr\nDo 8–12 und 14–16 Uhr",
                ),
                faq(
                    "Häufige Fragen",
                    [
                        (
                            "Brauche ich einen Termin?",
                            "Für Pass- und Meldeangelegenheiten bitten wir um einen Termin. "
                            "Viele Anliegen können Sie online erledigen.",
                        ),
                        (
                            "Wo kann ich parken?",
                            "Hinter dem Rathaus gibt es kostenlose Parkplätze, zwei davon "
                            "barrierefrei.",
                        ),
                    ],
                ),
            ],
        ),
        "en": (
            "Contact",
            "How to reach the town administration.",
            [
                contact(
                    "Citizens' office",
                    "Citizens' office in the town hall",
                    "",
                    "+49 1234 567-0",
                    "buergerbuero@musterstadt.example",
                    ADDRESS,
                    "Mon, Wed, Fri 8 am–12 pm\n"
                    "Tue 8 am–12 pm and 2–6 pm\n"
                    "Thu 8 am–12 pm and 2–4 pm",
                ),
                faq(
                    "Frequently asked questions",
                    [
                        (
                            "Do I need an appointment?",
                            "Please book an appointment for passports and registration. "
                            "Many things can be done online.",
                        ),
                        (
                            "Where can I park?",
                            "There is free parking behind the town hall, two spaces are "
                            "accessible.",
                        ),
                    ],
                ),
            ],
        ),
    },
    {
        "slug": "impressum",
        "en_slug": "legal-notice",
        "footer": True,
        "de": (
            "Impressum",
            "Angaben gemäß § 5 DDG.",
            [
                rich(
                    "Stadt Musterstadt, vertreten durch die Bürgermeisterin Anna Beispiel",
                    "Marktplatz 1, 12345 Musterstadt<br>Telefon +49 1234 567-0<br>"
                    "E-Mail: info@musterstadt.example",
                )
            ],
        ),
        "en": (
            "Legal notice",
            "Information according to § 5 DDG.",
            [
                rich(
                    "Town of Musterstadt, represented by the mayor Anna Beispiel",
                    "Marktplatz 1, 12345 Musterstadt<br>Phone +49 1234 567-0<br>"
                    "Email: info@musterstadt.example",
                )
            ],
        ),
    },
    {
        "slug": "datenschutz",
        "en_slug": "privacy",
        "footer": True,
        "de": (
            "Datenschutz",
            "Wie wir mit Ihren Daten umgehen.",
            [
                rich(
                    "Diese Website setzt keine Cookies zu Analysezwecken, bindet keine Inhalte "
                    "Dritter ein und speichert keine IP-Adressen in Statistiken.",
                    "Verantwortlich ist die Stadt Musterstadt. Den Datenschutzbeauftragten "
                    "erreichen Sie unter datenschutz@musterstadt.example.",
                )
            ],
        ),
        "en": (
            "Privacy",
            "How we handle your data.",
            [
                rich(
                    "This website sets no analytics cookies, embeds no third-party content and "
                    "stores no IP addresses in its statistics.",
                    "The controller is the town of Musterstadt. You can reach the data "
                    "protection officer at datenschutz@musterstadt.example.",
                )
            ],
        ),
    },
    {
        "slug": "barrierefreiheit",
        "en_slug": "accessibility",
        "footer": True,
        "de": (
            "Erklärung zur Barrierefreiheit",
            "Diese Website soll für alle Menschen nutzbar sein.",
            [
                rich(
                    "Die Stadt Musterstadt ist bemüht, ihre Website im Einklang mit der "
                    "Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei "
                    "zugänglich zu machen. Jede Seitenart wird automatisch nach EN 301 549 "
                    "geprüft.",
                    "Barrieren melden Sie bitte an barrierefreiheit@musterstadt.example.",
                )
            ],
        ),
        "en": (
            "Accessibility statement",
            "This website should be usable by everyone.",
            [
                rich(
                    "The town of Musterstadt strives to make its website accessible in "
                    "accordance with the German accessibility regulation (BITV 2.0). Every page "
                    "type is checked automatically against EN 301 549.",
                    "Please report barriers to barrierefreiheit@musterstadt.example.",
                )
            ],
        ),
    },
]


def seed(stdout):
    """Create locales, images, the home pages, the page tree, settings and menus if missing."""
    de = Locale.objects.get_or_create(language_code="de")[0]
    en = Locale.objects.get_or_create(language_code="en")[0]
    images = demo_images()
    new_home = not HomePage.objects.filter(locale=de, depth=2).exists()
    home_de = home_page(de, images)
    new_home_en = home_de.get_translation_or_none(en) is None
    home_en = translate(
        home_de,
        en,
        slug="home-en",
        title=TOWN,
        hero_text="Your town hall online",
        hero_image_alt="The market square of Musterstadt with the town hall",
        intro="<p>Welcome to Musterstadt. Here you find the town's services, news and "
        "contacts.</p>",
    )
    pages = {}
    create_tree(home_de, home_en, PAGES, de, en, pages, stdout)
    if new_home:
        add_quick_links(home_de, de, pages, QUICK_LINKS_DE)
    if new_home_en:
        add_quick_links(home_en, en, pages, QUICK_LINKS_EN)
    town_settings(home_de, images)
    menus(de, en, pages)
    stdout.write(f"Home pages: /de/ and /en/ ({len(pages)} pages below them).")


QUICK_LINKS_DE = [
    ("kontakt", "Kontakt und Öffnungszeiten", "So erreichen Sie das Bürgerbüro"),
    ("buergermeister", "Sprechstunde der Bürgermeisterin", "Jeden Dienstag im Rathaus"),
    ("stadtrat", "Stadtrat", "Sitzungen, Mitglieder, Beschlüsse"),
    ("kitas-und-schulen", "Kita-Platz finden", "Betreuung und Schulen"),
]
QUICK_LINKS_EN = [
    ("kontakt", "Contact and opening hours", "How to reach the citizens' office"),
    ("buergermeister", "Meet the mayor", "Every Tuesday at the town hall"),
]


def add_quick_links(home, locale, pages, links):
    """The home page's quick links, set when the home page is first created."""
    home = type(home).objects.get(pk=home.pk)  # fresh: tree fields changed as pages were added
    blocks = []
    for slug, label, description in links:
        page = pages[slug].get_translation_or_none(locale)
        if page is not None:
            value = {"page": page.pk, "url": "", "label": label, "description": description}
            blocks.append({"type": "quick_link", "value": value})
    home.quick_links = json.dumps(blocks)
    home.save_revision().publish()


def demo_images():
    """The hero picture and the coat of arms, drawn here so the demo needs no download."""
    Image = get_image_model()
    found = {image.title: image for image in Image.objects.filter(title__startswith="Demo: ")}
    if "Demo: Marktplatz" not in found:
        found["Demo: Marktplatz"] = save_image(Image, "Demo: Marktplatz", draw_market_square())
    if "Demo: Wappen" not in found:
        found["Demo: Wappen"] = save_image(Image, "Demo: Wappen", draw_coat_of_arms())
    return found


def save_image(Image, title, pil_image):
    buffer = io.BytesIO()
    pil_image.save(buffer, "PNG")
    name = title.split(": ", 1)[1].lower() + ".png"
    image = Image(title=title)
    image.file = ImageFile(buffer, name=name)
    image.save()
    return image


def draw_market_square():
    width, height = 1600, 600
    img = PILImage.new("RGB", (width, height), "#8fb8de")
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 430, width, height], fill="#b9a88f")
    for i, x in enumerate(range(0, width, 200)):
        roof = ["#9c3b2e", "#7a2e24", "#a8553b"][i % 3]
        wall = ["#f1e4c9", "#e8d2b0", "#f5efe3"][i % 3]
        top = 220 + (i % 3) * 30
        draw.rectangle([x + 10, top, x + 190, 430], fill=wall)
        draw.polygon([(x, top), (x + 100, top - 110), (x + 200, top)], fill=roof)
        for wx in range(x + 35, x + 175, 50):
            for wy in range(top + 30, 400, 70):
                draw.rectangle([wx, wy, wx + 25, wy + 40], fill="#4d6b88")
    draw.rectangle([650, 120, 950, 430], fill="#f7f1e1")
    draw.polygon([(630, 120), (800, 10), (970, 120)], fill="#5a2a20")
    draw.rectangle([770, 330, 830, 430], fill="#5b3a1e")
    return img


def draw_coat_of_arms():
    img = PILImage.new("RGBA", (256, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.polygon([(8, 8), (248, 8), (248, 160), (128, 292), (8, 160)], fill="#0b4f8a")
    draw.polygon([(70, 200), (70, 110), (128, 70), (186, 110), (186, 200)], fill="#ffffff")
    draw.rectangle([112, 150, 144, 200], fill="#0b4f8a")
    return img


def home_page(de, images):
    """Musterstadt's German home page, made the site's root page (replacing Wagtail's welcome)."""
    home = HomePage.objects.filter(locale=de, depth=2).first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            title=TOWN,
            slug="home",
            locale=de,
            hero_image=images["Demo: Marktplatz"],
            hero_image_alt="Der Marktplatz von Musterstadt mit dem Rathaus",
            hero_text="Ihr Rathaus online",
            intro="<p>Willkommen in Musterstadt. Hier finden Sie die Dienstleistungen der "
            "Stadt, Neuigkeiten und Ansprechpersonen.</p>",
        )
        welcome = Page.objects.filter(depth=2, slug="home", content_type__model="page").first()
        if welcome is not None:
            welcome.slug = "welcome-old"
            welcome.save(update_fields=["slug"])
        root.add_child(instance=home)
        home.save_revision().publish()
        base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
        site.hostname = base.hostname or "localhost"
        site.port = base.port or (443 if base.scheme == "https" else 80)
        site.root_page = home
        site.site_name = TOWN
        site.save()
        if welcome is not None:
            welcome.delete()
    return home


def translate(page, locale, slug=None, **fields):
    """The translation of ``page`` into ``locale``, created and published if missing."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    with transaction.atomic():
        copy = page.copy_for_translation(locale)
        copy = copy.specific
        if slug:
            copy.slug = slug
        for name, value in fields.items():
            setattr(copy, name, value)
        copy.draft_title = copy.title
        copy.save()
        copy.save_revision().publish()
    return copy


def create_tree(parent_de, parent_en, entries, de, en, pages, stdout):
    for entry in entries:
        title, intro, body = entry["de"]
        page = parent_de.get_children().filter(slug=entry["slug"]).first()
        if page is None:
            page = StandardPage(
                title=title,
                slug=entry["slug"],
                intro=intro,
                body=json.dumps(body),
                show_in_menus=entry.get("menu", False),
                locale=de,
            )
            parent_de.add_child(instance=page)
            page.save_revision().publish()
            stdout.write(f"  + {page.url_path}")
        page = page.specific
        pages[entry["slug"]] = page
        page_en = None
        if entry.get("en") and parent_en is not None:
            title_en, intro_en, body_en = entry["en"]
            page_en = translate(
                page,
                en,
                slug=entry["en_slug"],
                title=title_en,
                intro=intro_en,
                body=json.dumps(body_en),
            )
        create_tree(page, page_en, entry.get("children", []), de, en, pages, stdout)


def town_settings(home, images):
    """The town's name, coat of arms, address and opening hours, set once."""
    site = Site.objects.get(root_page=home)
    town, created = TownSettings.objects.get_or_create(site=site)
    if not created and town.street:
        return
    town.town_name = TOWN
    town.coat_of_arms = images["Demo: Wappen"]
    town.street = "Marktplatz 1"
    town.postcode = "12345"
    town.city = TOWN
    town.phone = "+49 1234 567-0"
    town.email = "buergerbuero@musterstadt.example"
    town.social_links = json.dumps(
        [
            {
                "type": "link",
                "value": {
                    "url": "https://social.example/@musterstadt",
                    "label": "Mastodon",
                    "page": None,
                },
            },
        ]
    )
    hours = [
        (0, time(8), time(12)),
        (1, time(8), time(12)),
        (1, time(14), time(18)),
        (2, time(8), time(12)),
        (3, time(8), time(12)),
        (3, time(14), time(16)),
        (4, time(8), time(12)),
    ]
    town.opening_hours.all().delete()
    for weekday, opens, closes in hours:
        town.opening_hours.create(weekday=weekday, opens=opens, closes=closes)
    town.save()


def menus(de, en, pages):
    """Main navigation and footer links in both languages, if there are none yet."""
    main = [entry["slug"] for entry in PAGES if entry.get("menu")]
    footer = [entry["slug"] for entry in PAGES if entry.get("footer")]
    for locale in (de, en):
        for slot, slugs in ((NavigationMenu.Slot.MAIN, main), (NavigationMenu.Slot.FOOTER, footer)):
            if NavigationMenu.objects.filter(slot=slot, locale=locale).exists():
                continue
            links = []
            for slug in slugs:
                page = pages[slug].get_translation_or_none(locale)
                if page is not None:
                    links.append(
                        {"type": "link", "value": {"page": page.pk, "url": "", "label": ""}}
                    )
            NavigationMenu.objects.create(slot=slot, locale=locale, links=json.dumps(links))


def child(parent, model, slug, **fields):
    """The child page of ``parent`` with ``slug``, created and published if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def add_to_main_menu(pages, locales):
    """Add ``pages`` (in each locale's translation) to the main navigation of each locale."""
    for locale in locales:
        menu = NavigationMenu.objects.filter(slot="main", locale=locale).first()
        if menu is None:
            continue
        links = list(menu.links.raw_data)
        for page in pages:
            translated = page.get_translation_or_none(locale)
            if translated is not None:
                value = {"page": translated.pk, "url": "", "label": ""}
                links.append({"type": "link", "value": value})
        menu.links = json.dumps(links)
        menu.save()
