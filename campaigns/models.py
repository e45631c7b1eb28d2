"""Promoting the online services: the service of the month, campaign banners, short links
with their daily visit counts, and the page that archives past services of the month.

Read from top to bottom: short links and their counters, the service of the month, campaigns,
then the archive page.
"""

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.models import Locale, Orderable, Page, TranslatableMixin
from wagtail.search import index

from home.counters import add_one
from services_catalog.models import ServicePage

# No 0/O, 1/l/i: a code is typed from paper.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 6

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9-]{1,39}$",
    _("Use 2 to 40 letters, digits and hyphens, starting with a letter or digit."),
)


class ShortLinkForm(WagtailAdminModelForm):
    """Codes are stored in lower case, so that uniqueness holds whatever staff type. Once a
    link exists its code and service are fixed: they may be printed on posters already."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("service", "code"):
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Fixed once the link exists: it may be printed already. Add a new "
                        "short link instead."
                    )

    def clean_code(self):
        return (self.cleaned_data["code"] or "").strip().lower()


# --- Short links ------------------------------------------------------------------------------


class ShortLink(models.Model):
    """A short address (``/s/<code>``) that leads to one service page and nowhere else.

    Every service gets one automatically; staff can add readable ones for a channel, e.g.
    ``/s/hund`` for the Amtsblatt.
    """

    # A deleted service leaves its links behind, answering 404, so that a printed code can
    # never come to lead to another service.
    service = models.ForeignKey(
        ServicePage,
        verbose_name=_("service"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="short_links",
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[code_validator],
        help_text=_("The part after /s/, e.g. 'hund'. Letters are not case-sensitive."),
    )
    label = models.CharField(
        _("used for"),
        max_length=120,
        blank=True,
        help_text=_("Where this link is printed or posted, e.g. 'Amtsblatt March'."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    panels = [PageChooserPanel("service", "services_catalog.ServicePage"), "code", "label"]
    base_form_class = ShortLinkForm

    class Meta:
        verbose_name = _("short link")
        verbose_name_plural = _("short links")
        ordering = ["service_id", "created_at", "pk"]

    def __str__(self):
        return f"/s/{self.code}"

    def save(self, *args, **kwargs):
        self.code = (self.code or "").strip().lower()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.code = (self.code or "").strip().lower()

    @classmethod
    def for_service(cls, service):
        """The service's first short link, made when it has none yet."""
        link = cls.objects.filter(service_id=service.pk).order_by("created_at", "pk").first()
        if link is None:
            link = cls.objects.create(service_id=service.pk, code=cls.new_code())
        return link

    @classmethod
    def new_code(cls) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if not cls.objects.filter(code=code).exists():
                return code

    @property
    def path(self) -> str:
        return reverse("short_link", args=[self.code])

    def url(self, request=None) -> str:
        """The short link as printed: the address of the service's site, not of the admin."""
        site = self.service.get_site() if self.service_id else None
        root = site.root_url if site else (request.build_absolute_uri("/")[:-1] if request else "")
        return f"{root}{self.path}"

    def qr_url(self, request=None) -> str:
        """What the QR codes hold: the short link, marked as a scan."""
        return f"{self.url(request)}?{ShortLinkVisit.QR_PARAMETER}"

    def target(self):
        """The live service page the link leads to, or None (then the link answers 404)."""
        service = self.service
        return service if service is not None and service.live else None


class ShortLinkVisit(models.Model):
    """How often a short link was followed on a day, by channel: typed or clicked, or scanned
    from a QR code. A daily total, nothing personal."""

    QR_PARAMETER = "qr"

    class Channel(models.TextChoices):
        LINK = "link", _("link or typed")
        QR = "qr", _("QR code")

    short_link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField()
    channel = models.CharField(max_length=10, choices=Channel, default=Channel.LINK)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("short link visit count")
        verbose_name_plural = _("short link visit counts")
        constraints = [
            models.UniqueConstraint(
                fields=["short_link", "date", "channel"], name="one_visit_count_per_day"
            )
        ]

    def __str__(self):
        return f"{self.short_link_id} {self.date} {self.channel}: {self.count}"

    @classmethod
    def count_visit(cls, short_link, channel, day=None):
        add_one(cls, day=day, short_link=short_link, channel=channel)


class ImageWithAlt(models.Model):
    """An optional image and the alternative text that blind readers hear, required with it."""

    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("image alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it. Required with an image."),
    )

    class Meta:
        abstract = True

    def image_errors(self) -> dict:
        """The validation error of a missing alternative text, for ``clean``."""
        if self.image_id and not self.image_alt.strip():
            return {"image_alt": _("An image needs an alternative text.")}
        return {}


# --- Service of the month --------------------------------------------------------------------


class SpotlightQuerySet(models.QuerySet):
    def current(self, locale=None, today=None):
        """Spotlights running today; the one that started last comes first."""
        today = today or timezone.localdate()
        spotlights = self.filter(starts_on__lte=today, ends_on__gte=today)
        if locale is not None:
            spotlights = spotlights.filter(locale=locale)
        return spotlights.order_by("-starts_on", "-pk")

    def past(self, locale=None, today=None):
        """Spotlights that have ended, newest first (the archive)."""
        today = today or timezone.localdate()
        spotlights = self.filter(ends_on__lt=today)
        if locale is not None:
            spotlights = spotlights.filter(locale=locale)
        return spotlights.order_by("-starts_on", "-pk")


class ServiceSpotlight(TranslatableMixin, index.Indexed, ImageWithAlt):
    """The service of the month: one online service presented for a time, with a text and an
    image, on the home page, in teaser blocks and on the InfoMonitor."""

    service = models.ForeignKey(
        ServicePage,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="spotlights",
    )
    heading = models.CharField(
        _("heading"),
        max_length=120,
        blank=True,
        help_text=_("Leave empty for “Service of the month”."),
    )
    text = models.TextField(
        _("text"),
        max_length=600,
        help_text=_("Why this service is worth using online, in two or three sentences."),
    )
    starts_on = models.DateField(_("shown from"))
    ends_on = models.DateField(_("shown until"), help_text=_("The last day it is shown."))

    panels = [
        PageChooserPanel("service", "services_catalog.ServicePage"),
        "heading",
        "text",
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], _("Image")),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")], _("Schedule")),
    ]

    search_fields = [index.SearchField("heading"), index.SearchField("text")]

    objects = SpotlightQuerySet.as_manager()

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("service of the month")
        verbose_name_plural = _("services of the month")
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return f"{self.service.title} ({self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y})"

    def save(self, *args, **kwargs):
        # wagtail-localize copies the reference as it is: point a translation at the service
        # in its own language when there is one.
        if self.service_id and self.locale_id and self.service.locale_id != self.locale_id:
            self.service = self.service.get_translation_or_none(self.locale) or self.service
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The last day must not be before the first.")
        errors.update(self.image_errors())
        if errors:
            raise ValidationError(errors)

    @property
    def display_heading(self) -> str:
        return self.heading or str(_("Service of the month"))

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.starts_on <= today <= self.ends_on

    def overlapping(self):
        """Other spotlights of the same language whose days overlap this one's."""
        return ServiceSpotlight.objects.filter(
            locale_id=self.locale_id, starts_on__lte=self.ends_on, ends_on__gte=self.starts_on
        ).exclude(pk=self.pk)

    def schedule_state(self) -> str:
        """Whether it is running, upcoming or ended, for the admin's list."""
        today = timezone.localdate()
        if today < self.starts_on:
            return str(_("upcoming"))
        return str(_("running")) if today <= self.ends_on else str(_("ended"))

    schedule_state.short_description = _("state")


def current_spotlight(locale, today=None):
    """The service of the month of ``locale`` shown today (its service live), or None.

    Without a translation into ``locale`` the default language's spotlight is shown (the
    template marks its language), and ``spotlight.shown_service`` is the service's page in
    ``locale`` where there is one.
    """
    found = (
        ServiceSpotlight.objects.current(None, today)
        .filter(locale__in=[locale.pk, Locale.get_default().pk], service__live=True)
        .select_related("service", "image", "locale")
    )
    spotlight = next((s for s in found if s.locale_id == locale.pk), None)
    spotlight = spotlight or next(iter(found), None)
    if spotlight is not None:
        service = spotlight.service
        if service.locale_id != locale.pk:
            service = service.get_translation_or_none(locale) or service
            service = service if service.live else spotlight.service
        spotlight.shown_service = service
    return spotlight


# --- Campaigns -------------------------------------------------------------------------------


class CampaignQuerySet(models.QuerySet):
    def running(self, locale=None, now=None):
        """Campaigns whose schedule includes ``now``."""
        now = now or timezone.now()
        campaigns = self.filter(starts_at__lte=now).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )
        if locale is not None:
            campaigns = campaigns.filter(locale=locale)
        return campaigns.order_by("-starts_at", "-pk")


class Campaign(TranslatableMixin, ImageWithAlt, ClusterableModel):
    """A banner or teaser that promotes something for a time, on the home page and on the
    content pages staff choose."""

    class Style(models.TextChoices):
        BANNER = "banner", _("Banner across the page")
        TEASER = "teaser", _("Teaser box")

    title = models.CharField(_("headline"), max_length=120)
    text = models.TextField(_("text"), max_length=400, blank=True)
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("leads to page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Usually the service being promoted."),
    )
    link_url = models.URLField(_("or to an external address"), blank=True, max_length=500)
    button_text = models.CharField(
        _("button text"),
        max_length=60,
        blank=True,
        help_text=_("Name the action, e.g. “Apply online now”. Empty: “Learn more”."),
    )
    style = models.CharField(_("style"), max_length=10, choices=Style, default=Style.BANNER)
    starts_at = models.DateTimeField(_("shown from"), default=timezone.now)
    ends_at = models.DateTimeField(
        _("shown until"), null=True, blank=True, help_text=_("Empty: until it is removed.")
    )
    show_on_home_page = models.BooleanField(_("show on the home page"), default=True)

    panels = [
        "title",
        "text",
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], _("Image")),
        MultiFieldPanel(
            [PageChooserPanel("link_page"), FieldPanel("link_url"), FieldPanel("button_text")],
            _("Link"),
        ),
        FieldPanel("style"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], _("Schedule")),
        MultiFieldPanel(
            [
                FieldPanel("show_on_home_page"),
                InlinePanel("placements", label=_("Also show on"), heading=_("Content pages")),
            ],
            _("Where it is shown"),
        ),
    ]

    objects = CampaignQuerySet.as_manager()

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_at", "-pk"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.link_page_id and self.link_url:
            errors["link_url"] = _("Choose either a page or an external address.")
        if self.link_url and not self.link_url.lower().startswith(("https://", "http://")):
            errors["link_url"] = _("The address must start with https:// or http://.")
        errors.update(self.image_errors())
        if errors:
            raise ValidationError(errors)

    def schedule_state(self) -> str:
        """Whether it is running, upcoming or ended, for the admin's list."""
        now = timezone.now()
        if now < self.starts_at:
            return str(_("upcoming"))
        return str(_("running")) if self.ends_at is None or now < self.ends_at else str(_("ended"))

    schedule_state.short_description = _("state")

    def href(self, locale=None, translations=None) -> str:
        """Where the campaign leads, to the page in ``locale`` when it is translated.

        ``translations`` ({translation_key: page in locale}) saves a query per campaign; see
        :func:`campaign_links`."""
        if self.link_page_id:
            page = self.link_page
            if page is None:
                return ""
            if locale is not None and page.locale_id != locale.pk:
                if translations is None:
                    translations = _translations([page], locale)
                page = translations.get(page.translation_key, page)
            return page.url if page.live else ""
        return self.link_url


def _translations(pages, locale) -> dict:
    """{translation_key: live page in ``locale``} for ``pages``, in one query."""
    keys = [page.translation_key for page in pages if page.locale_id != locale.pk]
    if not keys:
        return {}
    return {
        page.translation_key: page
        for page in Page.objects.live().filter(translation_key__in=keys, locale=locale)
    }


def campaign_links(campaigns, locale) -> list:
    """[(campaign, href)] with each link in ``locale`` where the page is translated."""
    translations = _translations([c.link_page for c in campaigns if c.link_page], locale)
    return [(campaign, campaign.href(locale, translations)) for campaign in campaigns]


class CampaignPlacement(Orderable):
    """A content page a campaign is shown on (in every language of that page)."""

    campaign = ParentalKey(Campaign, related_name="placements", on_delete=models.CASCADE)
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    include_subpages = models.BooleanField(_("and its subpages"), default=False)

    panels = [PageChooserPanel("page"), FieldPanel("include_subpages")]

    class Meta(Orderable.Meta):
        verbose_name = _("placement")
        verbose_name_plural = _("placements")


def campaigns_for_page(page, now=None) -> list:
    """The running campaigns to show on ``page``, in its language: those for the home page on a
    home page, and those placed on the page (or on an ancestor, with its subpages), whatever the
    language of the page they were placed on."""
    if page is None or not getattr(page, "pk", None):
        return []
    running = Campaign.objects.running(page.locale_id, now)
    ancestor_paths = [page.path[:end] for end in range(Page.steplen, len(page.path), Page.steplen)]
    ancestor_keys = Page.objects.filter(path__in=ancestor_paths).values("translation_key")
    placed = Q(placements__page__translation_key=page.translation_key) | Q(
        placements__page__translation_key__in=ancestor_keys, placements__include_subpages=True
    )
    if page.depth == 2:  # a site's root: the home page
        placed |= Q(show_on_home_page=True)
    return list(running.filter(placed).distinct().select_related("image", "link_page"))


# --- The archive page ------------------------------------------------------------------------


class SpotlightArchivePage(Page):
    """The “Service of the month” page: the current service and every one presented before."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = []
    max_count_per_parent = 1

    #: Past spotlights per page of the archive.
    per_page = 12

    class Meta:
        verbose_name = _("service of the month archive")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        context["current"] = current_spotlight(self.locale)
        past = (
            ServiceSpotlight.objects.past(self.locale)
            .filter(service__live=True)
            .select_related("service", "image")
        )
        context["past"] = Paginator(past, self.per_page).get_page(request.GET.get("page"))
        return context


def spotlight_archive(locale):
    """The live archive page of ``locale``, if there is one."""
    return SpotlightArchivePage.objects.live().filter(locale=locale).first()
