"""Demo content of the defect reporter: Musterstadt's categories (German and English), its
street directory and boundary, the Mängelmelder page and about 100 reports with photos."""

import io
import math
import random
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image, ImageDraw
from wagtail.models import Locale, Site

from home.demo import add_to_main_menu, child, translate
from home.models import HomePage
from home.references import REFERENCE_ALPHABET

from . import geo, photos, places
from .models import (
    DefectCategory,
    DefectPhoto,
    DefectReport,
    DefectReportPage,
    DefectReportSettings,
    DefectStatusChange,
    StreetAddress,
)
from .street_directory import import_addresses, read_addresses

DATA = Path(__file__).parent / "data"
ADDRESSES = DATA / "musterstadt-addresses.csv"
BOUNDARY = DATA / "musterstadt-boundary.geojson"

STREETS = ("Straßen und Wege", "Streets and paths")
TRAFFIC = ("Beleuchtung und Verkehr", "Lighting and traffic")
CLEAN = ("Sauberkeit", "Cleanliness")
GREEN = ("Grün und Freizeit", "Green spaces and leisure")
OTHER = ("Sonstiges", "Other")
ELSEWHERE = ("Nicht Sache der Stadt", "Not the town's responsibility")

TIEFBAU = ("Tiefbauamt", "Civil Engineering Office", "tiefbau")
LIGHTING = (
    "Tiefbauamt, Straßenbeleuchtung",
    "Civil Engineering Office, street lighting",
    "beleuchtung",
)
DRAINAGE = ("Tiefbauamt, Stadtentwässerung", "Civil Engineering Office, drainage", "entwaesserung")
ORDNUNG = ("Ordnungsamt", "Public Order Office", "ordnungsamt")
TRAFFIC_OFFICE = (
    "Ordnungsamt, Straßenverkehrsbehörde",
    "Public Order Office, road traffic",
    "verkehr",
)
BAUHOF = ("Bauhof", "Municipal Works Depot", "bauhof")
GRUEN = ("Grünflächenamt", "Parks Department", "gruen")
BUERGERBUERO = ("Bürgerbüro", "Citizens' Office", "buergerbuero")


@dataclass
class Category:
    """One demo category: its code, icon, group and department, and per language
    (name, description, hint, keywords)."""

    code: str
    icon: str
    group: tuple
    department: tuple
    de: tuple
    en: tuple
    kind: str = DefectCategory.Kind.REPORT
    elsewhere: dict = field(default_factory=dict)


CATEGORIES = [
    Category(
        "schlagloch", "road", STREETS, TIEFBAU,
        ("Schlagloch oder Straßenschaden",
         "Schlaglöcher, Risse, abgesackte Fahrbahn oder lose Pflastersteine auf den Straßen der Stadt.",
         "Wie groß und wie tief ist der Schaden ungefähr? Liegt er mitten auf der Fahrbahn oder am Rand?",
         "Schlagloch, Loch, Riss, Fahrbahn, Asphalt, Pflaster, Straße, Straßenschaden"),
        ("Pothole or road damage",
         "Potholes, cracks, a sunken road surface or loose paving stones on the town's roads.",
         "Roughly how big and how deep is the damage? Is it in the middle of the road or at the edge?",
         "pothole, hole, crack, road, asphalt, paving, road damage"),
    ),
    Category(
        "gehweg", "road", STREETS, TIEFBAU,
        ("Gehweg oder Radweg",
         "Stolperfallen, von Wurzeln angehobene Platten, beschädigte Geh- und Radwege und fehlende Bordsteinabsenkungen.",
         "Kommt man mit Rollstuhl, Rollator oder Kinderwagen noch vorbei? Das hilft uns, die Dringlichkeit einzuschätzen.",
         "Gehweg, Bürgersteig, Fußweg, Radweg, Gehwegplatte, Stolperfalle, Bordstein, Barriere"),
        ("Pavement or cycle path",
         "Trip hazards, slabs lifted by roots, damaged pavements and cycle paths, missing dropped kerbs.",
         "Can you still get past with a wheelchair, walker or pushchair? It helps us judge how urgent it is.",
         "pavement, sidewalk, footpath, cycle path, paving slab, trip hazard, kerb, barrier"),
    ),
    Category(
        "strassenbeleuchtung", "light", TRAFFIC, LIGHTING,
        ("Straßenbeleuchtung",
         "Laternen, die nicht leuchten, flackern oder tagsüber brennen, und beschädigte Lichtmasten.",
         "Auf vielen Masten steht eine Nummer, z. B. 14-027. Wenn Sie sie erkennen, schreiben Sie sie bitte dazu.",
         "Laterne, Straßenlaterne, Licht, Beleuchtung, dunkel, Lampe, Lichtmast"),
        ("Street lighting",
         "Street lights that are out, flicker or stay on during the day, and damaged lamp posts.",
         "Many lamp posts carry a number, e.g. 14-027. If you can see it, please add it.",
         "street light, lamp, lamp post, light, lighting, dark"),
    ),
    Category(
        "verkehrszeichen", "sign", TRAFFIC, TRAFFIC_OFFICE,
        ("Verkehrszeichen und Ampeln",
         "Umgefahrene, verdrehte oder zugewachsene Schilder, defekte Ampeln und verblasste Markierungen.",
         "Ist eine Ampel ganz ausgefallen und die Kreuzung dadurch gefährlich, rufen Sie bitte die Polizei unter 110.",
         "Schild, Verkehrsschild, Verkehrszeichen, Ampel, Markierung, Zebrastreifen, Spiegel"),
        ("Traffic signs and lights",
         "Signs that were knocked over, turned or are overgrown, broken traffic lights and faded road markings.",
         "If traffic lights are completely out and the junction is dangerous, please call the police on 110.",
         "sign, road sign, traffic sign, traffic lights, markings, zebra crossing, mirror"),
    ),
    Category(
        "muell", "rubbish", CLEAN, ORDNUNG,
        ("Illegale Müllablagerung",
         "Wilder Müll, abgestellter Sperrmüll, Altreifen oder überquellende Papierkörbe auf öffentlichen Flächen.",
         "Fassen Sie bitte nichts an, wenn es nach Chemikalien, Asbest oder Spritzen aussieht, und sagen Sie es uns.",
         "Müll, wilder Müll, Sperrmüll, Abfall, Papierkorb, Ablagerung, Dreck, Reifen"),
        ("Fly-tipping",
         "Dumped rubbish, bulky waste, old tyres or overflowing litter bins on public ground.",
         "Please do not touch anything that looks like chemicals, asbestos or needles, and tell us about it.",
         "rubbish, litter, fly-tipping, bulky waste, bin, dumping, tyres"),
    ),
    Category(
        "graffiti", "graffiti", CLEAN, BAUHOF,
        ("Graffiti und Schmierereien",
         "Graffiti, Aufkleber und Schmierereien an städtischen Gebäuden, Brücken, Schildern und Haltestellen.",
         "Beleidigende, rassistische oder verfassungsfeindliche Schmierereien entfernen wir vorrangig – bitte geben Sie das an.",
         "Graffiti, Schmiererei, Sprayer, Aufkleber, Farbe, Hakenkreuz"),
        ("Graffiti",
         "Graffiti, stickers and scrawls on the town's buildings, bridges, signs and bus stops.",
         "We remove offensive, racist or extremist graffiti first – please say if that is the case.",
         "graffiti, tagging, spray paint, stickers, vandalism"),
    ),
    Category(
        "spielplatz", "playground", GREEN, GRUEN,
        ("Spielplatz",
         "Kaputte Spielgeräte, Scherben im Sand, beschädigte Zäune oder Tore auf städtischen Spielplätzen.",
         "Welches Spielgerät ist betroffen? Bei Verletzungsgefahr sperren wir es noch am selben Tag.",
         "Spielplatz, Schaukel, Rutsche, Sandkasten, Klettergerüst, Wippe, Scherben"),
        ("Playground",
         "Broken play equipment, glass in the sand, damaged fences or gates at the town's playgrounds.",
         "Which piece of equipment is it? If someone could get hurt, we close it the same day.",
         "playground, swing, slide, sandpit, climbing frame, seesaw, glass"),
    ),
    Category(
        "baum", "tree", GREEN, GRUEN,
        ("Bäume und Grünanlagen",
         "Abgebrochene Äste, umgestürzte oder kranke Bäume, ungepflegte Grünflächen und Hecken, die Wege oder Sicht versperren.",
         "Droht ein Baum oder großer Ast auf eine Straße oder einen Weg zu stürzen, rufen Sie bitte sofort die Feuerwehr unter 112.",
         "Baum, Ast, Hecke, Grünfläche, Rasen, Park, Sturmschaden, Wurzel"),
        ("Trees and green spaces",
         "Broken branches, fallen or diseased trees, neglected green spaces and hedges blocking paths or the view.",
         "If a tree or a large branch could fall onto a road or path, please call the fire brigade on 112 at once.",
         "tree, branch, hedge, green space, lawn, park, storm damage, roots"),
    ),
    Category(
        "gully", "drain", STREETS, DRAINAGE,
        ("Gully und Abwasser",
         "Verstopfte oder klappernde Gullys, fehlende Schachtdeckel, Überflutungen nach Regen und Geruch aus dem Kanal.",
         "Fehlt ein Schachtdeckel ganz, ist das gefährlich: Bitte rufen Sie zusätzlich die Polizei unter 110.",
         "Gully, Kanal, Abfluss, Schachtdeckel, Gullydeckel, Überschwemmung, Geruch, Regenwasser"),
        ("Drains and sewers",
         "Blocked or rattling drains, missing manhole covers, flooding after rain and smells from the sewer.",
         "A missing manhole cover is dangerous: please also call the police on 110.",
         "drain, gully, sewer, manhole, manhole cover, flooding, smell, rainwater"),
    ),
    Category(
        "sitzbank", "bench", GREEN, BAUHOF,
        ("Sitzbank und Stadtmöbel",
         "Beschädigte Bänke, Papierkörbe, Fahrradständer, Poller und Brunnen.",
         "Bitte beschreiben Sie, was genau kaputt ist, damit der Bauhof gleich das richtige Material mitbringt.",
         "Bank, Sitzbank, Papierkorb, Fahrradständer, Poller, Brunnen, Stadtmöbel"),
        ("Benches and street furniture",
         "Damaged benches, litter bins, bike racks, bollards and fountains.",
         "Please describe what exactly is broken, so that the works depot brings the right material.",
         "bench, seat, litter bin, bike rack, bollard, fountain, street furniture"),
    ),
    Category(
        "winterdienst", "snow", STREETS, BAUHOF,
        ("Winterdienst: Schnee und Glätte",
         "Nicht geräumte oder nicht gestreute städtische Straßen, Wege, Treppen und Haltestellen.",
         "Für Gehwege vor Wohnhäusern sind meist die Eigentümer zuständig. Wir prüfen das und sprechen sie an.",
         "Schnee, Eis, Glätte, Glatteis, streuen, räumen, Winterdienst"),
        ("Snow and ice",
         "Town roads, paths, steps and bus stops that have not been cleared or gritted.",
         "Owners are usually responsible for the pavement outside their houses. We check and contact them.",
         "snow, ice, black ice, slippery, gritting, clearing, winter service"),
    ),
    Category(
        "sonstiges", "other", OTHER, BUERGERBUERO,
        ("Sonstiger Mangel",
         "Alles im öffentlichen Raum, was in keine andere Kategorie passt.",
         "Beschreiben Sie bitte möglichst genau, was wo ist. Wir leiten Ihre Meldung an die richtige Stelle weiter.",
         "Sonstiges, anderes, Mangel, Schaden, Problem"),
        ("Something else",
         "Anything in public space that fits no other category.",
         "Please describe as exactly as you can what is where. We pass your report on to the right people.",
         "other, something else, defect, damage, problem"),
    ),
    Category(
        "autobahn", "motorway", ELSEWHERE, TIEFBAU,
        ("Autobahn, Autobahnbrücke oder Rastanlage",
         "Für Autobahnen mit ihren Brücken, Anschlussstellen und Rastanlagen ist nicht die Stadt zuständig.",
         "Bei Gefahr auf der Fahrbahn – Gegenstände, Unfall, Falschfahrer – rufen Sie sofort die Polizei unter 110.",
         "Autobahn, Autobahnbrücke, Rastplatz, Raststätte, Auffahrt, Anschlussstelle, Lärmschutzwand"),
        ("Motorway, motorway bridge or service area",
         "The town is not responsible for motorways with their bridges, junctions and service areas.",
         "If there is danger on the carriageway – objects, an accident, a wrong-way driver – call the police on 110 at once.",
         "motorway, autobahn, motorway bridge, service area, rest area, junction, noise barrier"),
        kind=DefectCategory.Kind.ELSEWHERE,
        elsewhere={
            "name": ("Autobahn GmbH des Bundes", "Autobahn GmbH des Bundes (federal motorway company)"),
            "text": (
                "Schäden an Autobahnen, Anschlussstellen, Autobahnbrücken, Lärmschutzwänden und "
                "Rastanlagen beseitigt die Autobahn GmbH des Bundes. Melden Sie sie bitte direkt "
                "dort, telefonisch oder über das Kontaktformular auf autobahn.de.",
                "Damage to motorways, junctions, motorway bridges, noise barriers and service "
                "areas is repaired by the Autobahn GmbH des Bundes. Please report it to them "
                "directly, by phone or with the contact form on autobahn.de.",
            ),
            "url": "https://www.autobahn.de",
            # A placeholder in the format of a free hotline; a real town enters the number
            # the Autobahn GmbH gives for its region.
            "phone": "0800 000 0000",
        },
    ),
    Category(
        "bahn", "railway", ELSEWHERE, ORDNUNG,
        ("Bahnanlagen, Bahnübergang oder Bahnhof",
         "Für Gleise, Bahnübergänge, Bahnsteige und Bahnbrücken ist nicht die Stadt zuständig.",
         "Bei Gefahr im Gleisbereich – Gegenstände auf den Gleisen, eine defekte Schranke – rufen Sie sofort die Polizei unter 110.",
         "Bahn, Gleis, Bahnübergang, Schranke, Bahnsteig, Bahnhof, Bahnbrücke, Unterführung"),
        ("Railway, level crossing or station",
         "The town is not responsible for tracks, level crossings, platforms and railway bridges.",
         "If there is danger on the tracks – objects on the line, a broken barrier – call the police on 110 at once.",
         "railway, track, level crossing, barrier, platform, station, railway bridge"),
        kind=DefectCategory.Kind.ELSEWHERE,
        elsewhere={
            "name": ("DB InfraGO", "DB InfraGO (German rail infrastructure)"),
            "text": (
                "Schäden an Gleisen, Bahnübergängen, Bahnsteigen und Bahnbrücken sowie Müll und "
                "Graffiti auf Bahngelände bearbeitet die DB InfraGO AG. Den Kontakt finden Sie "
                "auf deutschebahn.com.",
                "Damage to tracks, level crossings, platforms and railway bridges, and rubbish "
                "or graffiti on railway land, are dealt with by DB InfraGO AG. You find their "
                "contact details on deutschebahn.com.",
            ),
            "url": "https://www.deutschebahn.com",
            "phone": "",
        },
    ),
    Category(
        "kreisstrasse", "road", ELSEWHERE, TIEFBAU,
        ("Kreis-, Staats- oder Bundesstraße außerorts",
         "Außerhalb des Ortes sind für Kreis-, Staats- und Bundesstraßen der Landkreis oder das Land zuständig.",
         "Innerhalb des Ortes melden Sie Straßenschäden bitte unter „Schlagloch oder Straßenschaden“ – wir klären die Zuständigkeit.",
         "Kreisstraße, Staatsstraße, Landesstraße, Bundesstraße, außerorts, Landstraße"),
        ("District, state or federal road outside the town",
         "Outside the town, district, state and federal roads are looked after by the district or the state.",
         "Inside the town, please report road damage as “Pothole or road damage” – we find out who is responsible.",
         "district road, state road, federal road, country road, outside the town"),
        kind=DefectCategory.Kind.ELSEWHERE,
        elsewhere={
            "name": (
                "Landratsamt, Straßenbauamt des Landkreises",
                "District office (Landratsamt), roads department",
            ),
            "text": (
                "Schäden an Kreisstraßen außerhalb des Ortes – zum Beispiel auf der Straße nach "
                "Kreisstadt – bearbeitet das Straßenbauamt des Landkreises im Landratsamt, "
                "Kreisstraße 1, 12340 Kreisstadt.",
                "Damage to district roads outside the town – for example on the road to "
                "Kreisstadt – is dealt with by the district's roads department at the district "
                "office, Kreisstraße 1, 12340 Kreisstadt.",
            ),
            "url": "https://landkreis.example",
            "phone": "03456 555-0",
        },
    ),
]  # fmt: skip

#: How many of the demo reports each category gets (about 100 in all).
WEIGHTS = {
    "schlagloch": 16, "strassenbeleuchtung": 14, "muell": 14, "gehweg": 9, "baum": 8,
    "graffiti": 7, "gully": 7, "verkehrszeichen": 7, "spielplatz": 5, "sitzbank": 5,
    "winterdienst": 3, "sonstiges": 3,
}  # fmt: skip

#: What citizens wrote, per category: German texts, then English ones.
DESCRIPTIONS = {
    "schlagloch": (
        [
            "Tiefes Schlagloch auf der rechten Fahrspur, etwa 40 cm breit. Radfahrer müssen auf die Gegenspur ausweichen.",
            "Nach dem Frost ist der Asphalt an mehreren Stellen aufgebrochen. Ein Loch ist so tief, dass man beim Drüberfahren aufsetzt.",
            "Das Pflaster vor der Einfahrt hat sich abgesenkt, bei Regen steht dort eine große Pfütze.",
            "Mehrere lose Pflastersteine auf der Fahrbahn, einer liegt schon mitten auf der Straße.",
            "Der Kanaldeckel liegt tiefer als die Fahrbahn. Es knallt bei jedem Auto, das darüberfährt, auch nachts.",
            "Riss quer über die ganze Fahrbahn, an der Kante ist ein Stück Asphalt herausgebrochen.",
            "Schlagloch direkt vor dem Zebrastreifen. Wer zu Fuß geht, stolpert hier leicht.",
            "Am Fahrbahnrand bröckelt der Asphalt weg, die Kante ist inzwischen fast handbreit.",
        ],
        [
            "Deep pothole in the right lane, about 40 cm across. Cyclists have to swerve into oncoming traffic to avoid it.",
            "The road surface has broken up after the frost; there are several holes close together.",
        ],
    ),
    "gehweg": (
        [
            "Gehwegplatten sind durch Baumwurzeln angehoben, die Kante ist fast 5 cm hoch. Mit dem Rollator komme ich hier nicht mehr vorbei.",
            "Eine Gehwegplatte ist gebrochen und wackelt. Im Dunkeln stolpert man leicht darüber.",
            "Der Radweg ist auf etwa zehn Metern aufgebrochen, man muss auf die Straße ausweichen.",
            "An der Kreuzung fehlt eine Bordsteinabsenkung. Mit Kinderwagen oder Rollstuhl kommt man nicht über die Straße.",
            "Auf dem Gehweg liegt seit Wochen Material einer abgeschlossenen Baustelle, man muss auf die Fahrbahn ausweichen.",
            "Der Belag des Fußwegs ist ausgewaschen, es haben sich tiefe Rinnen gebildet.",
        ],
        [
            "Paving slabs have been lifted by tree roots; I nearly tipped over with the pushchair.",
            "The cycle path is broken up over about ten metres and you have to ride on the road.",
        ],
    ),
    "strassenbeleuchtung": (
        [
            "Die Straßenlaterne vor dem Haus ist seit einer Woche aus. Der Weg ist abends völlig dunkel.",
            "Die Laterne flackert die ganze Nacht, an und aus im Sekundentakt.",
            "Drei Laternen hintereinander sind ausgefallen. Auf dem Weg zur Bushaltestelle fühlt man sich abends unsicher.",
            "Die Lampe brennt auch tagsüber.",
            "Der Lampenkopf hängt schief und die Abdeckung fehlt, bei Wind wackelt alles.",
            "Die Klappe unten am Lichtmast steht offen, man sieht die Kabel. Hier spielen Kinder.",
            "Die Leuchte mit der Nummer 14-027 ist defekt, sie geht nur ab und zu kurz an.",
        ],
        [
            "The street light outside the house has been out for a week; the path is completely dark in the evening.",
            "The lamp flickers on and off all night.",
        ],
    ),
    "verkehrszeichen": (
        [
            "Das Stoppschild an der Einmündung wurde umgefahren und liegt im Gebüsch.",
            "Das Vorfahrtsschild ist so zugewachsen, dass man es erst im letzten Moment sieht.",
            "Das Schild „Tempo 30“ ist verdreht und zeigt in die falsche Richtung.",
            "Die Fußgängerampel schaltet nicht mehr auf Grün, wenn man den Knopf drückt.",
            "Der Zebrastreifen ist kaum noch zu erkennen, die Farbe ist fast ganz abgefahren.",
            "Der Verkehrsspiegel an der unübersichtlichen Ausfahrt ist zerbrochen.",
        ],
        [
            "The stop sign at the junction has been knocked over and is lying in the bushes.",
            "The pedestrian lights no longer turn green when you press the button.",
        ],
    ),
    "muell": (
        [
            "Jemand hat einen alten Kühlschrank und mehrere Säcke Bauschutt am Straßenrand abgestellt.",
            "Am Waldrand liegen alte Autoreifen, mindestens zehn Stück.",
            "Seit Tagen stehen hier eine Matratze und ein kaputtes Sofa. Es wird jeden Tag mehr.",
            "Der Papierkorb an der Bushaltestelle quillt über, der Müll verteilt sich überall.",
            "Neben den Glascontainern stehen mehrere Säcke mit Hausmüll, die Krähen reißen sie auf.",
            "Im Gebüsch neben dem Parkplatz liegen Farbeimer und Kanister, es riecht nach Lösungsmittel.",
            "Am Glascontainer liegen überall Scherben, hier laufen Hunde und Kinder.",
            "Kartons und Verpackungsmüll von einem Umzug wurden einfach auf den Gehweg gestellt.",
        ],
        [
            "Someone has dumped an old fridge and several bags of rubble at the side of the road.",
            "The bin at the bus stop is overflowing and rubbish is blowing everywhere.",
        ],
    ),
    "graffiti": (
        [
            "Die Wand der Unterführung ist über Nacht komplett besprüht worden.",
            "Schmierereien am Trafohäuschen und an der Rückseite der Bushaltestelle.",
            "Am Eingang der Grundschule steht ein beleidigender Spruch an der Wand. Bitte schnell entfernen, die Kinder lesen das.",
            "Das Ortsschild ist mit Aufklebern zugeklebt und kaum noch lesbar.",
            "Frisches Graffiti auf der neu gestrichenen Fassade der Stadtbibliothek.",
            "Ein verfassungsfeindliches Symbol wurde auf den Stromkasten gesprüht.",
        ],
        [
            "The underpass wall was sprayed all over last night.",
            "The town sign is covered in stickers and you can hardly read it.",
        ],
    ),
    "spielplatz": (
        [
            "Die Kette der Nestschaukel ist gerissen, die Schaukel hängt nur noch an einer Seite.",
            "Im Sandkasten liegen Glasscherben. Bitte den Sand austauschen oder sieben.",
            "An der Rutsche steht eine Schraube heraus, mein Sohn hat sich daran die Hose zerrissen.",
            "Das Tor zum Spielplatz schließt nicht mehr, kleine Kinder können direkt auf die Straße laufen.",
            "Ein Brett der Hängebrücke am Klettergerüst ist gebrochen.",
        ],
        [
            "The chain of the nest swing has snapped; the swing only hangs on one side.",
            "There is broken glass in the sandpit.",
        ],
    ),
    "baum": (
        [
            "Nach dem Sturm hängt ein großer abgebrochener Ast im Baum über dem Gehweg.",
            "Die Hecke wächst so weit auf den Gehweg, dass man mit dem Kinderwagen nicht mehr durchkommt.",
            "Die Linde hat einen langen Riss im Stamm und neigt sich zur Straße.",
            "Ein umgestürzter Baum blockiert den Fußweg.",
            "Die Grünfläche wurde seit Monaten nicht gemäht, das Gras ist kniehoch und voller Müll.",
            "Der junge Straßenbaum wurde angefahren, der Stützpfahl ist gebrochen.",
            "Die Sträucher an der Einmündung versperren die Sicht auf den Radweg.",
        ],
        [
            "After the storm a big broken branch is hanging over the footpath.",
            "The hedge has grown so far over the pavement that you can't get past with a pram.",
        ],
    ),
    "gully": (
        [
            "Der Gully ist völlig verstopft, nach jedem Regen steht die Kreuzung unter Wasser.",
            "Der Gullydeckel klappert laut, wenn Autos darüberfahren. Nachts kann man nicht schlafen.",
            "Aus dem Kanal riecht es seit Tagen sehr unangenehm.",
            "Der Schachtdeckel ist verschoben, es klafft ein Spalt von einigen Zentimetern.",
            "Laub verstopft alle Abläufe in der Straße, das Regenwasser läuft in die Einfahrten.",
            "Das Gitter des Straßenablaufs ist gebrochen, ein Fahrradreifen passt hinein.",
        ],
        [
            "The drain is completely blocked; the junction floods every time it rains.",
            "The drain cover rattles loudly every time a car goes over it.",
        ],
    ),
    "sitzbank": (
        [
            "An der Bank am Weg sind zwei Sitzlatten gebrochen.",
            "Die Bank wurde aus der Verankerung gerissen und liegt umgekippt auf der Wiese.",
            "Der Fahrradständer ist verbogen, man kann kein Rad mehr anschließen.",
            "Der Papierkorb ist abgerissen und liegt neben dem Pfosten.",
            "Ein Poller ist umgefahren und liegt quer auf dem Gehweg.",
        ],
        [
            "Two slats of the bench are broken.",
            "The bike rack is bent and you can't lock a bike to it any more.",
        ],
    ),
    "winterdienst": (
        [
            "Der Fußweg zur Schule ist seit zwei Tagen nicht geräumt, die Kinder rutschen auf dem Eis.",
            "Die Bushaltestelle ist komplett vereist, niemand hat gestreut.",
            "Der Schneepflug hat den ganzen Schnee auf den Gehweg geschoben, der Weg ist zu.",
            "Die Straße am Hang ist spiegelglatt, Autos kommen nicht mehr hoch.",
        ],
        [
            "The footpath to the school has not been cleared for two days; the children are slipping on the ice.",
            "The bus stop is completely iced over and nobody has gritted it.",
        ],
    ),
    "sonstiges": (
        [
            "Ein Auto ohne Kennzeichen steht seit Wochen hier, die Reifen sind platt.",
            "Der Trinkbrunnen läuft ständig, das Wasser fließt über den Gehweg.",
            "Der Zaun am Regenrückhaltebecken hat ein großes Loch.",
            "Die Infotafel am Wanderparkplatz ist zerkratzt und nicht mehr lesbar.",
        ],
        [
            "A car without number plates has been parked here for weeks with flat tyres.",
            "The drinking fountain keeps running and the water flows across the pavement.",
        ],
    ),
}

#: The town's answer when a report is done, per category: German, English.
RESOLVED = {
    "schlagloch": ("Der Bauhof hat das Schlagloch mit Kaltasphalt verfüllt. Eine dauerhafte Sanierung ist für das Frühjahr geplant.",
                   "The works depot has filled the pothole. A permanent repair is planned for the spring."),
    "gehweg": ("Die Platten wurden neu verlegt, der Weg ist wieder eben. Danke für den Hinweis!",
               "The slabs have been relaid and the path is level again. Thank you for letting us know!"),
    "strassenbeleuchtung": ("Das Leuchtmittel wurde getauscht, die Laterne leuchtet wieder.",
                            "The lamp has been replaced and the street light works again."),
    "verkehrszeichen": ("Das Verkehrszeichen wurde wieder aufgestellt und ausgerichtet.",
                        "The sign has been put back up and realigned."),
    "muell": ("Der Bauhof hat den Müll abgeholt. Wir prüfen, ob sich ermitteln lässt, wer ihn abgeladen hat.",
              "The works depot has collected the rubbish. We are checking whether we can find out who dumped it."),
    "graffiti": ("Die Schmiererei wurde entfernt.", "The graffiti has been removed."),
    "spielplatz": ("Das Spielgerät wurde repariert, geprüft und ist wieder freigegeben.",
                   "The equipment has been repaired, inspected and is open again."),
    "baum": ("Unsere Baumkontrolle war vor Ort, der Ast wurde entfernt und der Baum geprüft.",
             "Our tree inspector has been out; the branch was removed and the tree checked."),
    "gully": ("Der Straßenablauf wurde gereinigt und der Deckel neu eingesetzt.",
              "The drain has been cleaned and the cover refitted."),
    "sitzbank": ("Der Bauhof hat die Schäden repariert.", "The works depot has repaired the damage."),
    "winterdienst": ("Der Winterdienst hat die Stelle geräumt und gestreut.",
                     "The winter service has cleared and gritted the spot."),
    "sonstiges": ("Erledigt – vielen Dank für Ihre Meldung.", "Done – thank you for your report."),
}  # fmt: skip

IN_PROGRESS = (
    [
        "Wir haben uns die Stelle angesehen. Die Reparatur ist beauftragt und erfolgt voraussichtlich in den nächsten zwei Wochen.",
        "Der Bauhof ist informiert und kümmert sich in den nächsten Tagen darum.",
        "Eine Fachfirma ist beauftragt. Bis zur Reparatur haben wir die Stelle abgesichert.",
    ],
    [
        "We have looked at the spot. The repair has been ordered and should be done within the next two weeks.",
        "The works depot has been informed and will deal with it in the next few days.",
    ],
)
REJECTED = (
    [
        "Die Fläche gehört nicht der Stadt, sondern ist ein Privatgrundstück. Wir haben die Eigentümer informiert.",
        "Wir haben die Stelle geprüft und keinen Mangel gefunden, der ein Eingreifen erfordert. Wir behalten sie im Blick.",
    ],
    [
        "This land is private property, not the town's. We have informed the owners.",
        "We have checked the spot and found nothing that needs repairing. We will keep an eye on it.",
    ],
)
FORWARDED = (
    [
        "Hier ist nicht die Stadt zuständig. Wir haben Ihre Meldung an das Straßenbauamt des Landkreises weitergeleitet.",
        "Zuständig sind die Stadtwerke Musterstadt. Wir haben Ihre Meldung dorthin weitergeleitet.",
    ],
    [
        "The town is not responsible here. We have forwarded your report to the district's roads department.",
        "This is the responsibility of Musterstadt's public utility. We have forwarded your report to them.",
    ],
)
DUPLICATE = (
    "Dieser Mangel wurde bereits gemeldet. Wir bearbeiten ihn unter der Meldung {reference}.",
    "This has already been reported. We are dealing with it under report {reference}.",
)
RELEASED = (
    "Danke für Ihre Meldung! Wir haben sie an die zuständige Stelle weitergegeben: {department}.",
    "Thank you for your report! We have passed it on to the department responsible: {department}.",
)

#: Reporters who left contact data (fictional people, reserved example.org addresses).
CONTACTS = [
    ("Sabine Lorenz", "s.lorenz@example.org"), ("Thomas Berger", "thomas.berger@example.org"),
    ("Aylin Demir", "aylin.demir@example.org"), ("Jürgen Hoffmann", "j.hoffmann@example.org"),
    ("Katrin Weiß", "katrin.weiss@example.org"), ("Lukas Franke", "lukas.franke@example.org"),
    ("Monika Schreiber", "m.schreiber@example.org"), ("Oleksandr Koval", "o.koval@example.org"),
    ("Emma Günther", "emma.guenther@example.org"), ("Rainer Vogt", "rainer.vogt@example.org"),
    ("Sarah Klein", "sarah.klein@example.org"), ("Ben Wagner", "ben.wagner@example.org"),
]  # fmt: skip

#: The two open, released pothole reports at the south-east corner of the Marktplatz, about
#: 15 m apart (51.055442, 12.556501 and 51.055370, 12.556687): reporting another pothole there
#: shows both as already reported nearby. Their references are fixed so they are easy to find
#: in the admin and on the public map.
NEAR_MARKTPLATZ = [
    ("MRKT-PLZ2", 51.055442, 12.556501, 4, "in_progress"),
    ("MRKT-PLZ3", 51.055370, 12.556687, 2, "released"),
]
#: No other demo report lies this close to the Rathaus (Marktplatz 1), so that tests and
#: demonstrations there start from a known state: only the two reports above, 70–85 m away.
QUIET_AROUND_RATHAUS_M = 120
REPORTS = 100
NEW_REPORTS = 20
PHOTO_REPORTS = 9


def seed(stdout):
    """Create the categories, street directory, boundary, page and demo reports if missing."""
    de = Locale.objects.get(language_code="de")
    en = Locale.objects.get(language_code="en")
    categories = seed_categories(de, en)
    addresses = seed_street_directory()
    seed_boundary()
    seed_page(de, en)
    created, photo_count = seed_reports(categories)
    seed_processing(de, en)
    stdout.write(
        f"Defect reporter: {len(categories)} categories, {addresses:,} addresses, "
        f"{created} new reports with {photo_count} photos."
    )


#: Extra questions of some categories, in German and English (also Open311 definitions).
QUESTIONS = {
    "strassenbeleuchtung": (
        [
            {
                "code": "zustand",
                "label": "Was ist mit der Laterne?",
                "datatype": "singlevaluelist",
                "required": True,
                "values": [
                    {"key": "aus", "name": "Sie leuchtet nicht"},
                    {"key": "flackert", "name": "Sie flackert"},
                    {"key": "tagsueber", "name": "Sie brennt tagsüber"},
                    {"key": "beschaedigt", "name": "Der Mast ist beschädigt"},
                ],
            },
            {
                "code": "mastnummer",
                "label": "Nummer am Mast (falls lesbar)",
                "datatype": "string",
                "required": False,
            },
        ],
        [
            {
                "code": "zustand",
                "label": "What is wrong with the light?",
                "datatype": "singlevaluelist",
                "required": True,
                "values": [
                    {"key": "aus", "name": "It is out"},
                    {"key": "flackert", "name": "It flickers"},
                    {"key": "tagsueber", "name": "It is on during the day"},
                    {"key": "beschaedigt", "name": "The post is damaged"},
                ],
            },
            {
                "code": "mastnummer",
                "label": "Number on the post (if you can read it)",
                "datatype": "string",
                "required": False,
            },
        ],
    ),
}


def seed_categories(de, en):
    """{code: (German category, English category)}, created if missing."""
    found = {}
    for order, category in enumerate(CATEGORIES, start=1):
        german = DefectCategory.objects.filter(locale=de, code=category.code).first()
        if german is None:
            german = DefectCategory(locale=de, code=category.code, sort_order=order * 10)
            fill_category(german, category, 0)
            german.save()
        english = german.get_translation_or_none(en)
        if english is None:
            english = german.copy_for_translation(en)
            fill_category(english, category, 1)
            english.save()
        found[category.code] = (german, english)
    return found


def fill_category(instance, category, language):
    """Set the fields of ``instance`` from ``category`` in German (0) or English (1)."""
    name, description, hint, keywords = category.en if language else category.de
    department, department_en, mailbox = category.department
    instance.name, instance.description, instance.hint, instance.keywords = (
        name,
        description,
        hint,
        keywords,
    )
    instance.icon = category.icon
    instance.group = category.group[language]
    instance.kind = category.kind
    # The office's name stays the same in every language: processing teams match on it.
    instance.department = department
    instance.questions = QUESTIONS.get(category.code, ([], []))[language]
    instance.department_email = f"{mailbox}@musterstadt.example"
    if category.elsewhere:
        instance.elsewhere_name = category.elsewhere["name"][language]
        instance.elsewhere_text = category.elsewhere["text"][language]
        instance.elsewhere_url = category.elsewhere["url"]
        instance.elsewhere_phone = category.elsewhere["phone"]


def seed_street_directory():
    """Musterstadt's street directory, imported like ``import_addresses`` does, if empty."""
    if not StreetAddress.objects.exists():
        import_addresses(read_addresses(ADDRESSES.read_bytes()))
    return StreetAddress.objects.count()


def seed_boundary():
    """The town boundary of the default site, stored by ``set_town_boundary``, if empty."""
    site = Site.objects.get(is_default_site=True)
    if not DefectReportSettings.for_site(site).boundary.strip():
        call_command("set_town_boundary", str(BOUNDARY), stdout=io.StringIO())


def seed_page(de, en):
    """The Mängelmelder page below the home page, its translation and its menu entry."""
    home_de = HomePage.objects.get(locale=de, depth=2)
    new_page = not home_de.get_children().filter(slug="maengelmelder").exists()
    page = child(
        home_de,
        DefectReportPage,
        slug="maengelmelder",
        title="Mängelmelder",
        show_in_menus=True,
        intro="<p>Ein Schlagloch, eine kaputte Laterne, wilder Müll? Sagen Sie uns, was Ihnen "
        "im Stadtgebiet aufgefallen ist. Wählen Sie eine Kategorie, markieren Sie die Stelle "
        "auf der Karte oder geben Sie die Adresse ein und fügen Sie, wenn Sie mögen, Fotos "
        "hinzu.</p><p>Ihre Meldung geht direkt an die zuständige Stelle der Stadtverwaltung. "
        "Mit der Vorgangsnummer sehen Sie jederzeit, wie weit sie bearbeitet ist. Ihren Namen "
        "und Ihre E-Mail-Adresse brauchen wir nur, wenn Sie Rückfragen oder eine Nachricht "
        "bekommen möchten; veröffentlicht werden sie nie.</p>",
        emergency_note="Gefahr für Leib und Leben? Rufen Sie sofort 112 an.",
        thank_you="<p>Vielen Dank! Ihre Meldung ist bei uns angekommen. Wir prüfen sie in der "
        "Regel innerhalb von zwei Werktagen und geben sie an die zuständige Stelle weiter.</p>"
        "<p>Heben Sie die Vorgangsnummer auf: Mit ihr sehen Sie den Stand Ihrer Meldung und "
        "können im Bürgerbüro nachfragen.</p>",
        map_intro="<p>Hier sehen Sie, was bereits gemeldet wurde und wie weit es bearbeitet "
        "ist. Wir zeigen Meldungen, nachdem wir sie geprüft haben – ohne Namen und ohne "
        "Kontaktdaten. Wenn Ihr Anliegen schon dabei ist, müssen Sie es nicht noch einmal "
        "melden.</p>",
    )
    translate(
        page,
        en,
        slug="report-a-defect",
        title="Report a defect",
        intro="<p>A pothole, a broken street light, dumped rubbish? Tell us what you have "
        "noticed in the town. Choose a category, mark the spot on the map or enter the address, "
        "and add photos if you like.</p><p>Your report goes straight to the department "
        "responsible. With its reference number you can see at any time how far it has got. We "
        "only need your name and email address if you would like us to get back to you; they "
        "are never published.</p>",
        emergency_note="Danger to life or limb? Call 112 immediately.",
        thank_you="<p>Thank you! We have received your report. We usually check it within two "
        "working days and pass it on to the department responsible.</p><p>Keep the reference "
        "number: with it you can follow your report and ask about it at the citizens' "
        "office.</p>",
        map_intro="<p>Here you can see what has already been reported and how far it has got. "
        "We show reports once we have checked them – without names or contact details. If "
        "your concern is already there, you don't need to report it again.</p>",
    )
    if new_page:
        add_to_main_menu([page], [de, en])
    return page


# --- Reports ----------------------------------------------------------------------------------


@dataclass
class PlannedReport:
    """A demo report decided before anything is written, so that every run decides the same."""

    reference: str
    code: str
    language: str
    latitude: float
    longitude: float
    description: str
    status: str
    age: timedelta
    released: bool = True
    answer_choice: int = 0
    contact: tuple | None = None
    confirmed: bool = False
    supporters: int = 0
    duplicate_of: str = ""
    photos: list = field(default_factory=list)


def plan_reports(rows):
    """The demo reports: who reported what, where, when, and how far the town has got."""
    rng = random.Random(5)
    references = set()

    def reference():
        while True:
            chars = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
            value = f"{chars[:4]}-{chars[4:]}"
            if value not in references:
                references.add(value)
                return value

    rathaus = next(row for row in rows if (row.street, row.house_number) == ("Marktplatz", "1"))
    rows = [
        row
        for row in rows
        if geo.distance_m(row.latitude, row.longitude, rathaus.latitude, rathaus.longitude)
        > QUIET_AROUND_RATHAUS_M
    ]
    codes = [code for code, weight in WEIGHTS.items() for _ in range(weight)]
    codes = codes[: REPORTS - len(NEAR_MARKTPLATZ)]
    rng.shuffle(codes)
    planned = []
    for index, code in enumerate(codes):
        english = rng.random() < 0.12
        texts = DESCRIPTIONS[code][1 if english else 0]
        row = rng.choice(rows)
        # Beside the address, on the street: within about 10 m of the house.
        latitude = round(row.latitude + rng.uniform(-9, 9) / 111_195, 6)
        longitude = round(row.longitude + rng.uniform(-9, 9) / 69_960, 6)
        if index < NEW_REPORTS:
            age, status, released = timedelta(hours=rng.uniform(2, 24 * 6)), "new", False
        else:
            age = timedelta(days=rng.uniform(3, 180))
            status = pick_status(rng, age.days)
            released = True
        if code == "winterdienst":
            # Snow and ice are reported in the last days, as if the first snow had just fallen.
            age = timedelta(days=rng.uniform(1, 12))
            if status == "resolved" and age.days < 3:
                status = "in_progress"
        planned.append(
            PlannedReport(
                reference=reference(),
                code=code,
                language="en" if english else "de",
                latitude=latitude,
                longitude=longitude,
                description=rng.choice(texts),
                status=status,
                age=age,
                released=released,
                answer_choice=rng.randrange(10),
                contact=CONTACTS[rng.randrange(len(CONTACTS))] if rng.random() < 0.18 else None,
                confirmed=rng.random() < 0.6,
                supporters=rng.choice([0, 0, 0, 0, 1, 1, 2, 3]) if released else 0,
            )
        )
    make_duplicates(rng, planned)
    for reference_, latitude, longitude, supporters, status in NEAR_MARKTPLATZ:
        planned.append(
            PlannedReport(
                reference=reference_,
                code="schlagloch",
                language="de",
                latitude=latitude,
                longitude=longitude,
                description=DESCRIPTIONS["schlagloch"][0][0 if status == "released" else 6],
                status=status,
                age=timedelta(days=9 if status == "in_progress" else 4),
                supporters=supporters,
            )
        )
    add_photos(rng, planned)
    return planned


def pick_status(rng, days):
    """Older reports are more often done; the newest are still waiting for work."""
    if days < 14:
        choices = ["released"] * 5 + ["in_progress"] * 4 + ["resolved"]
    elif days < 60:
        choices = (
            ["released"] * 3 + ["in_progress"] * 4 + ["resolved"] * 4 + ["rejected", "forwarded"]
        )
    else:
        choices = (
            ["released", "in_progress", "in_progress"]
            + ["resolved"] * 6
            + ["rejected", "forwarded"]
        )
    return rng.choice(choices)


def make_duplicates(rng, planned, count=4):
    """Turn a few later reports into duplicates of earlier ones: same category, a few metres
    from the first report."""
    candidates = [p for p in planned if p.status in ("in_progress", "resolved")]
    rng.shuffle(candidates)
    originals = []
    for original in candidates:
        if original.status == "duplicate":
            continue
        later = [
            p
            for p in planned
            if p.code == original.code
            and p.age < original.age
            and p.status in ("released", "in_progress")
            and p not in originals
        ]
        if not later:
            continue
        duplicate = rng.choice(later)
        duplicate.status = "duplicate"
        duplicate.duplicate_of = original.reference
        duplicate.latitude = round(original.latitude + rng.uniform(-12, 12) / 111_195, 6)
        duplicate.longitude = round(original.longitude + rng.uniform(-12, 12) / 69_960, 6)
        originals.append(original)
        if len(originals) == count:
            break


PHOTO_SCENES = {
    "schlagloch": "pothole", "gehweg": "pothole", "strassenbeleuchtung": "lamp", "muell": "boxes",
    "graffiti": "wall", "baum": "tree", "sitzbank": "bench",
}  # fmt: skip


def add_photos(rng, planned):
    """About nine reports get one or two photos of their scene, every scene at least once."""
    by_scene = {}
    for plan in planned:
        if plan.code in PHOTO_SCENES and plan.status != "duplicate":
            by_scene.setdefault(PHOTO_SCENES[plan.code], []).append(plan)
    chosen = [rng.choice(plans) for plans in by_scene.values()]
    rest = [plan for plans in by_scene.values() for plan in plans if plan not in chosen]
    chosen += rng.sample(rest, PHOTO_REPORTS - len(chosen))
    for number, report in enumerate(chosen):
        count = 2 if number % 4 == 0 else 1
        report.photos = [
            (PHOTO_SCENES[report.code], rng.randrange(1_000_000)) for _ in range(count)
        ]


def seed_reports(categories):
    """Create the planned reports that do not exist yet; return (reports, photos) created."""
    rows = read_addresses(ADDRESSES.read_bytes())
    now = timezone.now()
    # Oldest first: an original exists before its duplicates, and ids follow the dates.
    planned = sorted(plan_reports(rows), key=lambda plan: plan.age, reverse=True)
    existing = set(
        DefectReport.objects.filter(reference__in=[p.reference for p in planned]).values_list(
            "reference", flat=True
        )
    )
    created = photo_count = 0
    for plan in planned:
        if plan.reference in existing:
            continue
        photo_count += create_report(plan, categories, now)
        created += 1
    return created, photo_count


def create_report(plan, categories, now):
    """Write one planned report with its history and photos; return the number of photos."""
    language = 1 if plan.language == "en" else 0
    category = categories[plan.code][language]
    created_at = now - plan.age
    report = DefectReport(
        reference=plan.reference,
        category=category,
        description=plan.description,
        latitude=plan.latitude,
        longitude=plan.longitude,
        address=places.describe_place(plan.latitude, plan.longitude),
        language=plan.language,
        supporters=plan.supporters,
        created_at=created_at,
    )
    if plan.contact:
        report.name, report.email = plan.contact
        # Marked as sent: demo reporters must never get mail from a worker. The address is
        # confirmed only after the history below, so that no status change queues an email.
        report.confirmation_sent_at = report.acknowledgement_sent_at = created_at
    # The department has seen the demo reports: no notification, no digest, no catching up.
    report.department_notified_at = created_at
    report.save()

    times = []
    step = created_at
    if plan.released:
        step = min(now, created_at + timedelta(hours=4 + plan.answer_choice * 3))
        report.released_at = step
        answer = ""
        if plan.answer_choice % 3 == 0:
            answer = RELEASED[language].format(department=category.department)
        report.release(answer=answer)
        times.append(step)
        if plan.status in ("in_progress", "resolved"):
            step = later(step, now, days=1 + plan.answer_choice % 5)
            answers = IN_PROGRESS[language]
            report.set_status(
                "in_progress", public_answer=answers[plan.answer_choice % len(answers)]
            )
            times.append(step)
        if plan.status == "resolved":
            step = later(step, now, days=2 + plan.answer_choice)
            report.set_status("resolved", public_answer=RESOLVED[plan.code][language])
            times.append(step)
        elif plan.status in ("rejected", "forwarded"):
            answers = (REJECTED if plan.status == "rejected" else FORWARDED)[language]
            step = later(step, now, days=1 + plan.answer_choice % 4)
            report.set_status(plan.status, public_answer=answers[plan.answer_choice % len(answers)])
            times.append(step)
        elif plan.status == "duplicate":
            report.duplicate_of = DefectReport.objects.get(reference=plan.duplicate_of)
            report.save(update_fields=["duplicate_of"])
            step = later(step, now, days=1)
            answer = DUPLICATE[language].format(reference=plan.duplicate_of)
            report.set_status("duplicate", public_answer=answer)
            times.append(step)
    # The history happened over days and weeks, not in the second the demo was seeded.
    changes = list(report.status_changes.order_by("pk"))
    for change, moment in zip(changes, times, strict=True):
        change.created_at = moment
    DefectStatusChange.objects.bulk_update(changes, ["created_at"])
    DefectReport.objects.filter(pk=report.pk).update(
        status_changed_at=step,
        updated_at=step,
        released_at=times[0] if times else None,
        # Told of its last status already, as far as the worker is concerned.
        status_notified=report.status,
        email_confirmed_at=created_at + timedelta(minutes=7)
        if plan.contact and plan.confirmed
        else None,
    )

    for order, (scene, seed_) in enumerate(plan.photos):
        cleaned = photos.clean_photo(
            SimpleUploadedFile(f"IMG_{seed_:06d}.jpg", draw_photo(scene, seed_), "image/jpeg")
        )
        DefectPhoto.objects.create(
            report=report,
            image=cleaned.as_file("photo.jpg"),
            thumbnail=ContentFile(photos.thumbnail(cleaned.content), "thumb.jpg"),
            width=cleaned.width,
            height=cleaned.height,
            sort_order=order,
            created_at=created_at,
        )
    return len(plan.photos)


def later(moment, now, days):
    """``days`` after ``moment``, but never in the future."""
    return max(moment, min(now, moment + timedelta(days=days)))


# --- Photos -----------------------------------------------------------------------------------


def draw_photo(scene, seed):
    """A 1200 × 900 JPEG of a simple street scene, drawn here so the demo needs no download."""
    rng = random.Random(seed)
    image = Image.new("RGB", (1200, 900), "#9fc3e0")
    draw = ImageDraw.Draw(image)
    SCENES[scene](draw, rng)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def _road(draw, rng):
    draw.rectangle([0, 300, 1200, 900], fill="#7d7f82")
    for x in range(-100, 1200, 260):
        draw.rectangle([x, 590, x + 140, 610], fill="#e9e9e2")
    draw.rectangle([0, 260, 1200, 300], fill="#b7b2a8")


def _pothole(draw, rng):
    _road(draw, rng)
    cx, cy = rng.randrange(450, 750), rng.randrange(680, 760)
    rx, ry = rng.randrange(120, 190), rng.randrange(45, 70)
    edge = [rng.uniform(0.75, 1.15) for _ in range(18)]
    for scale, colour in ((1.2, "#a3a29d"), (1.0, "#2b2a28")):
        outline = [
            (
                cx + rx * scale * r * math.cos(i * math.tau / 18),
                cy + ry * scale * r * math.sin(i * math.tau / 18),
            )
            for i, r in enumerate(edge)
        ]
        draw.polygon(outline, fill=colour)
    draw.ellipse([cx - rx // 3, cy - ry // 4, cx + rx // 4, cy + ry // 4], fill="#4f6b7d")
    for _ in range(5):
        x, y = cx + rng.choice([-1, 1]) * rx, cy + rng.randrange(-20, 20)
        points = [(x, y)]
        for _ in range(4):
            x, y = x + rng.choice([-1, 1]) * rng.randrange(20, 60), y + rng.randrange(-30, 30)
            points.append((x, y))
        draw.line(points, fill="#3b3a38", width=4)


def _lamp(draw, rng):
    draw.rectangle([0, 0, 1200, 900], fill="#1d2a44")
    draw.rectangle([0, 700, 1200, 900], fill="#4a4c50")
    x = rng.randrange(400, 800)
    draw.rectangle([x, 180, x + 26, 700], fill="#5d6166")
    tilt = rng.randrange(20, 60)
    draw.polygon(
        [(x + 13, 180), (x + 190, 160 + tilt), (x + 190, 190 + tilt), (x + 13, 210)], fill="#5d6166"
    )
    draw.rectangle([x + 150, 190 + tilt, x + 230, 215 + tilt], fill="#3a3d42")
    for window in range(6):
        wx = 60 + window * 190
        draw.rectangle([wx, 420, wx + 60, 500], fill="#e8c766" if window % 3 else "#2f3a50")


def _boxes(draw, rng):
    draw.rectangle([0, 450, 1200, 900], fill="#8a8b86")
    draw.rectangle([0, 380, 1200, 450], fill="#6c8f4e")
    colours = ["#c0392b", "#d68910", "#2e86c1", "#7d3c98", "#c8b27a", "#1e8449"]
    for _ in range(14):
        x, y = rng.randrange(250, 850), rng.randrange(420, 700)
        w, h = rng.randrange(80, 220), rng.randrange(60, 160)
        draw.rectangle([x, y, x + w, y + h], fill=rng.choice(colours), outline="#333333", width=3)
    draw.rectangle([120, 560, 420, 640], fill="#e8e3d3", outline="#555555", width=3)


def _wall(draw, rng):
    draw.rectangle([0, 0, 1200, 760], fill="#b5653f")
    for y in range(0, 760, 40):
        draw.line([0, y, 1200, y], fill="#8e4a2c", width=3)
        for x in range(0 if y % 80 else 60, 1200, 120):
            draw.line([x, y, x, y + 40], fill="#8e4a2c", width=3)
    draw.rectangle([0, 760, 1200, 900], fill="#8b8c88")
    for _ in range(7):
        points = [(rng.randrange(150, 1050), rng.randrange(150, 650)) for _ in range(6)]
        draw.line(
            points,
            fill=rng.choice(["#1abc9c", "#f1c40f", "#e91e63", "#111111", "#ecf0f1"]),
            width=18,
            joint="curve",
        )


def _tree(draw, rng):
    draw.rectangle([0, 420, 1200, 900], fill="#5f8f3e")
    draw.polygon([(450, 900), (650, 420), (730, 420), (800, 900)], fill="#c9b99a")
    draw.rectangle([260, 180, 320, 520], fill="#5b4030")
    draw.ellipse([110, 20, 480, 330], fill="#2f6b2a")
    angle = rng.randrange(-40, 40)
    draw.line([(480, 700 + angle), (880, 640 - angle)], fill="#5b4030", width=34)
    for i in range(6):
        x = 520 + i * 60
        draw.line([(x, 690), (x + 40, 620 - i * 5)], fill="#5b4030", width=10)
        draw.ellipse([x + 10, 590 - i * 5, x + 80, 640 - i * 5], fill="#3d7a35")


def _bench(draw, rng):
    draw.rectangle([0, 420, 1200, 900], fill="#6f9a4c")
    draw.rectangle([0, 640, 1200, 900], fill="#c2b59b")
    broken = rng.randrange(3)
    for i in range(3):
        y = 470 + i * 40
        if i == broken:
            draw.rectangle([330, y, 560, y + 24], fill="#8b5a2b")
            draw.polygon(
                [(640, y + 40), (870, y + 90), (865, y + 112), (636, y + 62)], fill="#8b5a2b"
            )
        else:
            draw.rectangle([330, y, 870, y + 24], fill="#8b5a2b")
    for x in (360, 810):
        draw.rectangle([x, 470, x + 30, 680], fill="#3b3b3b")


SCENES = {
    "pothole": _pothole,
    "lamp": _lamp,
    "boxes": _boxes,
    "wall": _wall,
    "tree": _tree,
    "bench": _bench,
}


#: Answers staff often give, in German and English: (title, status, text).
ANSWER_TEMPLATES = [
    (
        ("Wir kümmern uns", "We are on it"),
        DefectReport.Status.IN_PROGRESS,
        (
            "Vielen Dank für Ihre Meldung. Wir haben sie an den Bauhof gegeben; er kümmert sich "
            "in den nächsten Tagen darum.",
            "Thank you for your report. We have passed it on to the works depot, who will see to "
            "it in the next few days.",
        ),
    ),
    (
        ("Erledigt", "Done"),
        DefectReport.Status.RESOLVED,
        (
            "Der Mangel ist behoben. Vielen Dank, dass Sie uns darauf hingewiesen haben.",
            "The defect has been repaired. Thank you for telling us.",
        ),
    ),
    (
        ("Schon gemeldet", "Already reported"),
        DefectReport.Status.DUPLICATE,
        (
            "Dieser Mangel wurde schon gemeldet und ist bei uns in Bearbeitung.",
            "This defect has already been reported and we are working on it.",
        ),
    ),
    (
        ("Nicht zuständig", "Not our responsibility"),
        DefectReport.Status.FORWARDED,
        (
            "Hierfür ist die Stadt nicht zuständig. Wir haben Ihre Meldung an die zuständige "
            "Stelle weitergegeben.",
            "The town is not responsible for this. We have passed your report on to the "
            "authority that is.",
        ),
    ),
]


def seed_processing(de, en):
    """Answer templates in both languages and a processing team for the civil engineering
    office (a group that may process, but not see reporters' contact data)."""
    from django.contrib.auth.models import Group, Permission

    from .models import AnswerTemplate, DefectTeam

    for (title, title_en), status, (text, text_en) in ANSWER_TEMPLATES:
        german = AnswerTemplate.objects.filter(locale=de, title=title).first()
        if german is None:
            german = AnswerTemplate.objects.create(locale=de, title=title, status=status, text=text)
        if german.get_translation_or_none(en) is None:
            english = german.copy_for_translation(en)
            english.title, english.text = title_en, text_en
            english.save()
    group, created = Group.objects.get_or_create(name="Mängelmelder Tiefbauamt")
    if created:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label__in=["wagtailadmin", "defect_reports"],
                codename__in=[
                    "access_admin",
                    "view_defectreport",
                    "change_defectreport",
                    "view_answertemplate",
                ],
            )
        )
    DefectTeam.objects.get_or_create(
        group=group,
        defaults={"departments": "\n".join([TIEFBAU[0], LIGHTING[0], DRAINAGE[0]])},
    )
