"""Material that promotes a service: QR codes, the share image and suggested share texts.

Plain functions, no views: ``material_views`` serves what they make, and the InfoMonitor or a
management command could use them as well. Everything a citizen reads is made in the service
page's language.
"""

import io
import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import segno
from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

# --- QR codes ---------------------------------------------------------------------------------

#: Error correction M (15 %) survives a scuffed poster and keeps the code small; a quiet zone of
#: four modules is what the QR standard asks for, so every scanner finds the code.
QR_ERROR = "m"
QR_BORDER = 4


def make_qr(data: str) -> segno.QRCode:
    """The QR code that holds ``data`` (never a Micro QR: not every phone reads those)."""
    return segno.make(data, error=QR_ERROR, micro=False, boost_error=False)


def qr_svg(data: str, *, inline: bool = False, label: str = "") -> str:
    """The QR code of ``data`` as SVG: a file of its own by default, or an ``<svg>`` element
    that scales to its container (``inline=True``) named ``label`` for screen readers."""
    qr = make_qr(data)
    if not inline:
        out = io.BytesIO()
        # A white background, so the code also scans when placed on a coloured layout.
        qr.save(out, kind="svg", border=QR_BORDER, scale=10, dark="#000", light="#fff")
        return out.getvalue().decode("utf-8")
    svg = qr.svg_inline(
        border=QR_BORDER, omitsize=True, svgclass="qr-code", lineclass=None, light="#fff"
    )
    # segno cannot set ARIA attributes: the code is an image whose name is its address.
    attributes = 'role="img" focusable="false"'
    if label:
        attributes += f' aria-label="{escape(label)}"'
    return svg.replace("<svg ", f"<svg {attributes} ", 1)


def qr_png(data: str, scale: int = 10) -> bytes:
    """The QR code of ``data`` as a black-on-white PNG, ``scale`` pixels per module."""
    out = io.BytesIO()
    make_qr(data).save(out, kind="png", border=QR_BORDER, scale=scale, dark="#000", light="#fff")
    return out.getvalue()


# --- The town around a service ----------------------------------------------------------------


def town_settings_for(service):
    """The TownSettings of the site ``service`` belongs to (the default site's otherwise)."""
    from wagtail.models import Site

    from home.models import TownSettings

    site = service.get_site() or Site.objects.filter(is_default_site=True).first()
    return TownSettings.for_site(site)


def typed_address(url: str) -> str:
    """A link as people type it from paper: without ``https://``."""
    return url.split("://", 1)[-1]


def contact_parts(town_settings) -> list[str]:
    """The town hall's contact line for print, as separate parts: name, address, phone,
    email (those that are filled in). Call within the language it is printed in."""
    parts = [_("Town hall %(town)s") % {"town": town_settings.town_name}]
    place = " ".join(part for part in (town_settings.postcode, town_settings.city) if part)
    address = ", ".join(part for part in (town_settings.street, place) if part)
    if address:
        parts.append(address)
    if town_settings.phone:
        parts.append(_("Phone %(phone)s") % {"phone": town_settings.phone})
    if town_settings.email:
        parts.append(town_settings.email)
    return parts


def hashtag(words: str) -> str:
    """``Bad Salzungen`` → ``#BadSalzungen``: hashtags cannot hold spaces or hyphens."""
    parts = [part for part in re.split(r"\W+", words) if part]
    return "#" + "".join(part[:1].upper() + part[1:] for part in parts) if parts else ""


# --- The share image --------------------------------------------------------------------------

SHARE_IMAGE_SIZE = (1200, 630)
#: The site's brand colours: ``--color-primary`` and ``--color-primary-dark`` in
#: site/static/css/site.css (a test keeps them equal), and ``--color-focus`` for the label.
BRAND_COLOUR = "#0b4f8a"
BRAND_COLOUR_DARK = "#073459"
LABEL_COLOUR = "#ffbf47"
TEXT_COLOUR = "#ffffff"
LABEL_TEXT_COLOUR = "#1b1b1b"

_MARGIN = 72
_TILE = 112  # the white square behind the coat of arms
_TILE_TOP = 40
_LABEL_TOP = 184
_TITLE_TOP = 272
_TITLE_BOTTOM = 528
_TITLE_SIZES = (84, 76, 68, 62, 56, 50, 46)
_TITLE_MAX_LINES = 3
_LINE_HEIGHT = 1.18
_BAND_TOP = 546

#: DejaVu Sans, shipped with the app (free licence in fonts/LICENSE-DejaVu.txt), so every
#: machine draws the same image with German letters when no font is configured.
FONTS = Path(__file__).parent / "fonts"
SYSTEM_FONTS = {
    False: (str(FONTS / "DejaVuSans.ttf"),),
    True: (str(FONTS / "DejaVuSans-Bold.ttf"),),
}
_ASCII = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


class ShareFont(NamedTuple):
    """A font of the share image, and how to draw with it."""

    font: ImageFont.FreeTypeFont
    #: No bold file was found: draw a thin outline instead.
    fake_bold: bool = False
    #: Pillow's own font, which has no umlauts: write “ae” for “ä”.
    ascii_only: bool = False

    @property
    def size(self) -> int:
        """The font's size in pixels."""
        return self.font.size

    def fit(self, text: str) -> str:
        """``text`` in letters this font has."""
        if not self.ascii_only:
            return text
        text = unicodedata.normalize("NFKD", text.translate(_ASCII))
        return "".join(char for char in text if not unicodedata.combining(char))


@lru_cache(maxsize=32)
def share_font(size: int, bold: bool = False) -> ShareFont:
    """The share image's font at ``size`` pixels: the TrueType file of the setting
    ``SHARE_IMAGE_FONT`` (``SHARE_IMAGE_FONT_BOLD`` for bold), else the DejaVu Sans shipped
    with the app, else (should its files be missing) Pillow's own font."""
    regular = getattr(settings, "SHARE_IMAGE_FONT", "")
    candidates = [(getattr(settings, "SHARE_IMAGE_FONT_BOLD", ""), False)] if bold else []
    candidates += [(regular, bold)]
    candidates += [(name, False) for name in SYSTEM_FONTS[bold]]
    if bold:
        candidates += [(name, True) for name in SYSTEM_FONTS[False]]
    for path, fake_bold in candidates:
        if not path:
            continue
        try:
            return ShareFont(ImageFont.truetype(path, size), fake_bold=fake_bold)
        except OSError:
            if path in (regular, getattr(settings, "SHARE_IMAGE_FONT_BOLD", "")):
                logger.warning("The share image font %s cannot be read.", path)
    return ShareFont(ImageFont.load_default(size=size), fake_bold=bold, ascii_only=True)


def _draw_text(draw, position, text, share, fill, anchor="la"):
    stroke = max(1, share.size // 36) if share.fake_bold else 0
    draw.text(
        position,
        share.fit(text),
        font=share.font,
        fill=fill,
        anchor=anchor,
        stroke_width=stroke,
        stroke_fill=fill,
    )


def _text_width(draw, text, share) -> float:
    return draw.textlength(share.fit(text), font=share.font)


def wrap_text(draw, text: str, share: ShareFont, max_width: int) -> list[str]:
    """``text`` broken into lines no wider than ``max_width``; a word that is too long on its
    own (German has those) is broken with a hyphen."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if _text_width(draw, candidate, share) <= max_width:
            line = candidate
            continue
        if line:
            lines.append(line)
            line = ""
        while _text_width(draw, word, share) > max_width:
            cut = len(word) - 1
            while cut > 1 and _text_width(draw, word[:cut] + "-", share) > max_width:
                cut -= 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def fit_title(draw, title: str, max_width: int, max_height: int) -> tuple[ShareFont, list[str]]:
    """The largest title font with which ``title`` fits in at most three lines; a title too
    long even at the smallest size is cut after its third line with an ellipsis."""
    for size in _TITLE_SIZES:
        share = share_font(size, bold=True)
        lines = wrap_text(draw, title, share, max_width)
        if len(lines) <= _TITLE_MAX_LINES and len(lines) * size * _LINE_HEIGHT <= max_height:
            return share, lines
    lines = lines[:_TITLE_MAX_LINES]
    last = lines[-1]
    while last and _text_width(draw, last + "…", share) > max_width:
        last = last[:-1]
    lines[-1] = last.rstrip(" -") + "…"
    return share, lines


def _coat_of_arms(image, box: int):
    """The coat of arms scaled to fit a ``box``-pixel square, or None if it cannot be read."""
    try:
        with image.open_file() as file:
            arms = Image.open(file)
            arms.load()
    except Exception:  # a missing or broken file must not stop the image
        logger.warning("The coat of arms (image %s) cannot be read.", image.pk, exc_info=True)
        return None
    arms = arms.convert("RGBA")
    arms.thumbnail((box, box), Image.Resampling.LANCZOS)
    return arms


def share_image_png(service, town_settings, link_url: str | None = None) -> bytes:
    """The 1200×630 image shown when the service is shared (OpenGraph): the town's colour,
    name and coat of arms, “Now online”, the service's title and its short link written out."""
    if link_url is None:
        from .models import ShortLink

        link_url = ShortLink.for_service(service).url()
    image = Image.new("RGB", SHARE_IMAGE_SIZE, BRAND_COLOUR)
    draw = ImageDraw.Draw(image)
    width, height = SHARE_IMAGE_SIZE
    text_width = width - 2 * _MARGIN
    middle = _TILE_TOP + _TILE // 2

    # The town: its coat of arms on a white tile (arms are drawn for light backgrounds).
    name_x = _MARGIN
    if town_settings.coat_of_arms_id:
        arms = _coat_of_arms(town_settings.coat_of_arms, _TILE - 16)
        if arms is not None:
            tile = (_MARGIN, _TILE_TOP, _MARGIN + _TILE, _TILE_TOP + _TILE)
            draw.rounded_rectangle(tile, radius=12, fill="#ffffff")
            offset = ((_TILE - arms.width) // 2, (_TILE - arms.height) // 2)
            image.paste(arms, (tile[0] + offset[0], tile[1] + offset[1]), arms)
            name_x = tile[2] + 28
    town_name = Truncator(town_settings.town_name).chars(40)
    _draw_text(draw, (name_x, middle), town_name, share_font(44, True), TEXT_COLOUR, "lm")

    with translation.override(service.locale.language_code):
        label = _("Now online")
    label_font = share_font(30, bold=True)
    label_end = _MARGIN + 22 + _text_width(draw, label, label_font)
    draw.rounded_rectangle(
        (_MARGIN, _LABEL_TOP, label_end + 22, _LABEL_TOP + 50), radius=25, fill=LABEL_COLOUR
    )
    _draw_text(draw, (_MARGIN + 22, _LABEL_TOP + 25), label, label_font, LABEL_TEXT_COLOUR, "lm")

    title_font, lines = fit_title(draw, service.title, text_width, _TITLE_BOTTOM - _TITLE_TOP)
    line_height = round(title_font.size * _LINE_HEIGHT)
    for number, line in enumerate(lines):
        position = (_MARGIN, _TITLE_TOP + number * line_height)
        _draw_text(draw, position, line, title_font, TEXT_COLOUR)

    # The short link, so the image still leads somewhere when it travels without its post.
    draw.rectangle((0, _BAND_TOP, width, height), fill=BRAND_COLOUR_DARK)
    address = typed_address(link_url)
    link_font = share_font(36)
    while _text_width(draw, address, link_font) > text_width and link_font.size > 20:
        link_font = share_font(link_font.size - 4)
    _draw_text(draw, (_MARGIN, (_BAND_TOP + height) // 2), address, link_font, TEXT_COLOUR, "lm")

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- Share texts ------------------------------------------------------------------------------

#: The most characters a post on Mastodon, X or Bluesky may have (X's limit is the lowest).
SHORT_POST_LIMIT = 280


def share_texts(service, link_url: str, town_name: str | None = None) -> list[dict]:
    """Suggested texts for sharing ``service``, in its page's language: a short post for
    Mastodon, X and Bluesky (at most 280 characters), a longer one with hashtags for Facebook
    and Instagram, and a paragraph for the Amtsblatt with the link to type.

    Each is ``{"channel": …, "label": …, "text": …}``. ``town_name`` defaults to the service's
    site's town."""
    town = town_settings_for(service)
    town_name = town_name or town.town_name
    town_tag = hashtag(town_name)
    with translation.override(service.locale.language_code):
        return [
            {
                "channel": "short",
                "label": _("Mastodon, X, Bluesky"),
                "text": _short_post(service.title, link_url, town_tag),
            },
            {
                "channel": "long",
                "label": _("Facebook, Instagram"),
                "text": _long_post(service, link_url, town_tag),
            },
            {
                "channel": "gazette",
                "label": _("Amtsblatt (printed gazette)"),
                "text": _gazette_text(service, link_url, town),
            },
        ]


def _short_post(title: str, link_url: str, town_tag: str) -> str:
    template = _("%(title)s: now online, at any time, without a trip to the town hall. %(link)s")
    text = template % {"title": title, "link": link_url}
    if town_tag and len(text) + 1 + len(town_tag) <= SHORT_POST_LIMIT:
        return f"{text} {town_tag}"
    if len(text) > SHORT_POST_LIMIT:
        # Only a very long title gets here: shorten it, never the link.
        room = SHORT_POST_LIMIT - len(template % {"title": "", "link": link_url})
        text = template % {"title": Truncator(title).chars(max(room, 1)), "link": link_url}
    return text


def _long_post(service, link_url: str, town_tag: str) -> str:
    hashtags = " ".join(
        tag for tag in (town_tag, town_tag and f"{town_tag}Digital", _("#OnlineServices")) if tag
    )
    paragraphs = [
        _(
            "Did you know? You can now do “%(title)s” online – day and night, without waiting "
            "at the town hall."
        )
        % {"title": service.title},
        service.summary.strip(),
        _("Start here: %(link)s") % {"link": link_url},
        hashtags,
    ]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def _gazette_text(service, link_url: str, town) -> str:
    if town.phone:
        questions = _("If you have questions, call the town hall on %(phone)s.") % {
            "phone": town.phone
        }
    else:
        questions = _("If you have questions, the town hall is happy to help.")
    paragraphs = [
        _("Now online: %(title)s") % {"title": service.title},
        service.summary.strip(),
        _(
            "You can do this online now, at any time of day: type %(address)s into your "
            "browser or scan the QR code."
        )
        % {"address": typed_address(link_url)},
        questions,
    ]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
