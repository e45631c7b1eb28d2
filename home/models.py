"""The base content of a town's site: pages, site settings, navigation and notices.

Read from top to bottom: snippets and settings first, then the pages.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Orderable, Page, TranslatableMixin
from wagtail.search import index

from .blocks import BaseStreamBlock, LinkBlock, QuickLinkBlock

# --- Site settings ------------------------------------------------------------------------


@register_setting(icon="home")
class TownSettings(ClusterableModel, BaseSiteSetting):
    """The town's name, coat of arms and contact data, shown in every page's header and footer."""

    town_name = models.CharField(_("town name"), max_length=100, default="Musterstadt")
    coat_of_arms = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo or coat of arms"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    street = models.CharField(_("street and number"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    social_links = StreamField(
        [("link", LinkBlock())],
        verbose_name=_("social media links"),
        blank=True,
        help_text=_("Links to the town's accounts, e.g. on Mastodon or Instagram."),
    )

    panels = [
        MultiFieldPanel([FieldPanel("town_name"), FieldPanel("coat_of_arms")], _("Town")),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
            ],
            _("Town hall address"),
        ),
        InlinePanel("opening_hours", label=_("Opening hours"), heading=_("Opening hours")),
        FieldPanel("social_links"),
    ]

    class Meta:
        verbose_name = _("town and contact")

    def opening_hours_by_day(self):
        """[(weekday name, ["08:00–12:00", …]), …] in weekday order, for the footer."""
        days = {}
        for hours in sorted(self.opening_hours.all(), key=lambda h: (h.weekday, h.opens)):
            days.setdefault(hours.weekday, []).append(hours)
        return [(WEEKDAYS[day], periods) for day, periods in days.items()]


class OpeningHours(Orderable):
    """One opening period of the town hall on one weekday (several per day are allowed)."""

    settings = ParentalKey(TownSettings, related_name="opening_hours", on_delete=models.CASCADE)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=sorted(WEEKDAYS.items()))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")])]

    class Meta(Orderable.Meta):
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def clean(self):
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})


# --- Snippets -----------------------------------------------------------------------------


class EmergencyBannerQuerySet(models.QuerySet):
    def current(self, locale=None, now=None):
        """Banners to show now in the given (or current) language."""
        now = now or timezone.now()
        return self.filter(
            Q(locale=locale or Locale.get_active()),
            Q(starts_at__lte=now),
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
        ).order_by("-starts_at")

    def for_everyone_now(self, locale=None, now=None) -> list:
        """Banners of the given (or current) language, plus untranslated ones of the default
        language, so that a warning nobody has translated yet still reaches every reader."""
        locale = locale or Locale.get_active()
        banners = list(self.current(locale, now).select_related("link", "locale"))
        default = Locale.get_default()
        if locale.pk != default.pk:
            translated = {banner.translation_key for banner in banners}
            banners += [
                banner
                for banner in self.current(default, now).select_related("link", "locale")
                if banner.translation_key not in translated
            ]
        return banners


class EmergencyBanner(TranslatableMixin, models.Model):
    """A notice at the top of every page (storm warning, water outage) for a set time."""

    class Level(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")

    title = models.CharField(_("title"), max_length=120)
    message = models.TextField(_("message"), max_length=500)
    link = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page with more information"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.CharField(_("level"), max_length=10, choices=Level, default=Level.WARNING)
    starts_at = models.DateTimeField(_("shown from"), default=timezone.now)
    ends_at = models.DateTimeField(
        _("shown until"), null=True, blank=True, help_text=_("Leave empty to show until removed.")
    )

    objects = EmergencyBannerQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("message"),
        FieldPanel("link"),
        FieldPanel("level"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("emergency banner")
        verbose_name_plural = _("emergency banners")

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})


class NavigationMenu(TranslatableMixin, models.Model):
    """The links of the main navigation or of the footer, in one language."""

    class Slot(models.TextChoices):
        MAIN = "main", _("Main navigation")
        FOOTER = "footer", _("Footer links")

    slot = models.CharField(_("place"), max_length=10, choices=Slot)
    links = StreamField([("link", LinkBlock())], verbose_name=_("links"), blank=True)

    panels = [FieldPanel("slot"), FieldPanel("links")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("navigation menu")
        verbose_name_plural = _("navigation menus")
        constraints = [
            models.UniqueConstraint(fields=["slot", "locale"], name="unique_menu_slot_per_locale")
        ]

    def __str__(self):
        return f"{self.get_slot_display()} ({self.locale.language_code})"

    @classmethod
    def for_slot(cls, slot, locale=None):
        """The menu of ``slot`` in the given (or current) language, else the default language's."""
        locale = locale or Locale.get_active()
        menus = {menu.locale_id: menu for menu in cls.objects.filter(slot=slot)}
        if locale.pk in menus:
            return menus[locale.pk]
        return menus.get(Locale.get_default().pk)


# --- Search statistics --------------------------------------------------------------------


class SearchTermCount(models.Model):
    """How often a term was searched on one day, and how often it found nothing.

    Daily totals only: no time of day, no visitor, nothing personal.
    """

    date = models.DateField(_("date"), db_index=True)
    language = models.CharField(_("language"), max_length=10)
    area = models.CharField(
        _("searched in"), max_length=20, help_text=_("'site' or the app that searched.")
    )
    term = models.CharField(_("search term"), max_length=255)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    without_results = models.PositiveIntegerField(_("searches without results"), default=0)

    class Meta:
        verbose_name = _("search term count")
        verbose_name_plural = _("search term counts")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "language", "area", "term"], name="unique_search_term_per_day"
            )
        ]

    def __str__(self):
        return f"{self.date} {self.term} ({self.searches})"

    @classmethod
    def count(cls, term, language, area, found_nothing, date=None):
        """Add one search of ``term`` to today's totals (safe under concurrent requests)."""
        key = {"date": date or timezone.localdate(), "language": language, "area": area}
        row, _created = cls.objects.get_or_create(term=term, **key)
        cls.objects.filter(pk=row.pk).update(
            searches=F("searches") + 1,
            without_results=F("without_results") + (1 if found_nothing else 0),
        )


# --- Pages --------------------------------------------------------------------------------


class HomePage(Page):
    """The town's home page: hero, intro, quick links and what the other apps offer."""

    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_image_alt = models.CharField(
        _("hero image alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it. Required with an image."),
    )
    hero_text = models.CharField(
        _("hero text"),
        max_length=200,
        blank=True,
        help_text=_("A short line under the town's name, e.g. 'Your town hall online'."),
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    quick_links = StreamField(
        [("quick_link", QuickLinkBlock())],
        verbose_name=_("quick links"),
        blank=True,
        help_text=_("What citizens look for most often."),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_image_alt"), FieldPanel("hero_text")],
            _("Hero"),
        ),
        FieldPanel("intro"),
        FieldPanel("quick_links"),
    ]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    # Below the home page: every page type that names HomePage among its parent_page_types
    # (standard pages here, the other apps' section pages), so that home imports none of them.
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def clean(self):
        super().clean()
        if self.hero_image and not self.hero_image_alt.strip():
            raise ValidationError({"hero_image_alt": _("An image needs an alternative text.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["teasers"] = home_teasers(request, self)
        return context


def home_teasers(request, page):
    """What the other apps show on the home page, from their ``rathaus_home_teasers`` hooks.

    Each hook returns a rendered HTML fragment (or nothing); apps stay decoupled from ``home``.
    """
    fragments = []
    for hook in hooks.get_hooks("rathaus_home_teasers"):
        fragment = hook(request, page)
        if fragment:
            fragments.append(fragment)
    return fragments


class StandardPage(Page):
    """A content page (Rathaus und Politik, Impressum, …) built from content blocks."""

    intro = models.TextField(
        _("introduction"),
        blank=True,
        max_length=500,
        help_text=_("One or two sentences; also shown in lists and search results."),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("content"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["subpages"] = self.get_children().live().public().specific()
        return context
