"""News, official notices and construction sites, and the InfoMonitor screen.

Read from top to bottom: the category snippet, the news index and article, the notices, the
InfoMonitor page.
"""

from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    MultipleChooserPanel,
    PageChooserPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Locale, Orderable, Page, TranslatableMixin
from wagtail.search import index

from home.blocks import BaseStreamBlock
from home.translation import in_language

ARTICLES_PER_PAGE = 10


class NewsCategory(TranslatableMixin, models.Model):
    """A topic of news and notices (Rathaus, Bauen, Kultur, …), per language."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(
        _("slug"), max_length=80, help_text=_("Used in addresses, e.g. of the category's feed.")
    )

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "locale"], name="unique_category_slug_per_locale"
            )
        ]

    def __str__(self):
        return self.name


def localize_categories(page):
    """Point ``page.categories`` at the categories of the page's own language.

    wagtail-localize copies many-to-many values as they are, so a translated article would keep
    the German categories; each is swapped for its translation where there is one.
    """
    if not page.locale_id:
        return
    categories = list(page.categories.all())
    if any(category.locale_id != page.locale_id for category in categories):
        page.categories = in_language(categories, page.locale_id)


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


# --- News ---------------------------------------------------------------------------------


class NewsIndexPage(RoutablePageMixin, Page):
    """The news section: articles, filtered by category and year, with RSS and Atom feeds."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index page")

    def articles(self):
        """Live, public articles of this section, newest first."""
        return (
            NewsPage.objects.child_of(self)
            .live()
            .public()
            .order_by("-date", "-pk")
            .select_related("image")
            .prefetch_related("categories")
        )

    def categories(self):
        """The categories used in this section's language."""
        return NewsCategory.objects.filter(locale=self.locale)

    def filtered_articles(self, request):
        """Articles and the active filters from ``?category=<slug>&year=<year>``."""
        articles = self.articles()
        category = None
        slug = request.GET.get("category")
        if slug:
            category = self.categories().filter(slug=slug).first()
            if category is not None:
                articles = articles.filter(categories=category)
        year = request.GET.get("year", "")
        year = int(year) if year.isdigit() and 1900 < int(year) < 3000 else None
        if year:
            articles = articles.filter(date__year=year)
        return articles, category, year

    def years(self):
        return [d.year for d in self.articles().dates("date", "year", order="DESC")]

    @path("")
    def index_route(self, request):
        articles, category, year = self.filtered_articles(request)
        paginator = Paginator(articles, ARTICLES_PER_PAGE)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            page_obj = paginator.page(1)
        except EmptyPage:
            page_obj = paginator.page(paginator.num_pages)
        query = {}
        if category:
            query["category"] = category.slug
        if year:
            query["year"] = year
        return self.render(
            request,
            context_overrides={
                "page_obj": page_obj,
                "articles": page_obj.object_list,
                "categories": self.categories(),
                "years": self.years(),
                "active_category": category,
                "active_year": year,
                "query_prefix": "".join(f"{k}={v}&" for k, v in query.items()),
            },
        )

    @path("feed/rss/", name="rss")
    def rss_feed(self, request):
        from .feeds import NewsFeed

        return NewsFeed(self)(request)

    @path("feed/atom/", name="atom")
    def atom_feed(self, request):
        from .feeds import AtomNewsFeed

        return AtomNewsFeed(self)(request)

    @path("<slug:category>/feed/rss/", name="category_rss")
    def category_rss_feed(self, request, category):
        from .feeds import NewsFeed

        return NewsFeed(self, self._category_or_404(category))(request)

    @path("<slug:category>/feed/atom/", name="category_atom")
    def category_atom_feed(self, request, category):
        from .feeds import AtomNewsFeed

        return AtomNewsFeed(self, self._category_or_404(category))(request)

    def get_cached_paths(self):
        """The listing and every feed, so that a caching proxy purges them all together."""
        paths = ["/", "/feed/rss/", "/feed/atom/"]
        for slug in self.categories().values_list("slug", flat=True):
            paths += [f"/{slug}/feed/rss/", f"/{slug}/feed/atom/"]
        return paths

    def _category_or_404(self, slug):
        category = self.categories().filter(slug=slug).first()
        if category is None:
            raise Http404
        return category


class NewsPage(Page):
    """A news article: date, teaser, image, body, categories, tags."""

    date = models.DateField(_("date"), default=date.today)
    teaser = models.TextField(
        _("teaser"),
        max_length=300,
        help_text=_("One or two sentences for lists, feeds and social media."),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it. Required with an image."),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("content"), blank=True)
    categories = ParentalManyToManyField(NewsCategory, verbose_name=_("categories"), blank=True)
    tags = ClusterTaggableManager(through=NewsPageTag, verbose_name=_("tags"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("teaser"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], _("Image")),
        FieldPanel("body"),
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
        MultipleChooserPanel(
            "related_services",
            label=_("Related services (“Online erledigen” box)"),
            chooser_field_name="service",
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("teaser"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    def clean(self):
        super().clean()
        if self.image and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("An image needs an alternative text.")})

    def save(self, *args, **kwargs):
        localize_categories(self)
        return super().save(*args, **kwargs)

    def online_services(self) -> list:
        """The related services in the article's language that can be started online, each
        with its first online form: the "Online erledigen" box."""
        from services_catalog.models import ServicePage

        chosen = [link.service for link in self.related_services.all() if link.service_id]
        keys = [service.translation_key for service in chosen]
        in_language = {
            service.translation_key: service
            for service in ServicePage.objects.live()
            .filter(translation_key__in=keys, locale_id=self.locale_id)
            .prefetch_related("online_forms__form_page")
        }
        services = []
        for key in keys:
            service = in_language.get(key)
            forms = service.live_online_forms() if service else []
            if forms:
                services.append((service, forms[0]))
        return services


class NewsRelatedService(Orderable):
    """A service an article is about, shown with its "start online" button."""

    page = ParentalKey(NewsPage, related_name="related_services", on_delete=models.CASCADE)
    service = models.ForeignKey(
        "services_catalog.ServicePage",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("service")]

    class Meta(Orderable.Meta):
        verbose_name = _("related service")
        verbose_name_plural = _("related services")


# --- Notices ------------------------------------------------------------------------------


class NoticeIndexPage(Page):
    """Official notices (Bekanntmachungen) and construction sites that are valid now."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NoticePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("notices index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        kind = request.GET.get("kind")
        kind = kind if kind in NoticePage.Kind.values else None
        context["notices"] = current_notices(self.locale, [kind] if kind else None).child_of(self)
        context["kinds"] = NoticePage.Kind.choices
        context["active_kind"] = kind
        return context


class NoticePage(Page):
    """An official notice or a construction site, valid from one day until another.

    It drops out of the current lists after its last day by itself; nobody has to unpublish it.
    """

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Official notice")
        CONSTRUCTION = "construction", _("Construction site")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.NOTICE)
    valid_from = models.DateField(_("valid from"), default=date.today)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Last day; empty means open-ended.")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=300)
    body = StreamField(BaseStreamBlock(), verbose_name=_("content"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
        FieldPanel("place"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("place"),
        index.SearchField("body"),
    ]

    parent_page_types = ["news.NoticeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The last day must not be before the first.")})

    @property
    def validity(self):
        """The days it is valid, e.g. "12. November 2026 bis 20. März 2027" (active language)."""
        start = date_format(self.valid_from, "DATE_FORMAT")
        if self.valid_until is None:
            return _("from %(start)s") % {"start": start}
        end = date_format(self.valid_until, "DATE_FORMAT")
        return _("%(start)s to %(end)s") % {"start": start, "end": end}

    @property
    def has_ended(self):
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    @property
    def is_current(self):
        today = timezone.localdate()
        return self.valid_from <= today and (self.valid_until is None or self.valid_until >= today)


def current_notices_filter(today=None):
    """Q for notices valid on ``today`` (default: today in the town's time zone)."""
    today = today or timezone.localdate()
    return Q(valid_from__lte=today) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def published_news(locale: Locale):
    """Live, public articles in ``locale``, newest first."""
    return NewsPage.objects.live().public().filter(locale=locale).order_by("-date", "-pk")


def latest_news(locale: Locale, count: int = 3):
    """The ``count`` newest articles in ``locale`` (for the home page)."""
    return published_news(locale).select_related("image")[:count]


def current_notices(locale: Locale, kinds=None):
    """Live, public notices and construction sites in ``locale`` that are valid today."""
    notices = NoticePage.objects.live().public().filter(current_notices_filter(), locale=locale)
    if kinds is not None:
        notices = notices.filter(kind__in=kinds)
    return notices.order_by("valid_from", "pk")


# --- InfoMonitor --------------------------------------------------------------------------


class InfoMonitorPage(RoutablePageMixin, Page):
    """A full-screen page for a screen in the town hall: rotating slides of current news,
    notices and construction sites, with the date and time. One page per screen."""

    categories = ParentalManyToManyField(
        NewsCategory,
        verbose_name=_("news categories"),
        blank=True,
        help_text=_("Leave empty to show news of every category."),
    )
    news_count = models.PositiveSmallIntegerField(
        _("number of news"), default=6, validators=[MinValueValidator(0), MaxValueValidator(30)]
    )
    show_notices = models.BooleanField(_("show official notices"), default=True)
    show_construction_sites = models.BooleanField(_("show construction sites"), default=True)
    show_promotions = models.BooleanField(
        _("show the service of the month"),
        default=True,
        help_text=_("With a QR code that leads to the service."),
    )
    slide_seconds = models.PositiveSmallIntegerField(
        _("seconds per slide"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(300)],
    )

    content_panels = Page.content_panels + [
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
        FieldPanel("news_count"),
        FieldRowPanel([FieldPanel("show_notices"), FieldPanel("show_construction_sites")]),
        FieldPanel("show_promotions"),
        FieldPanel("slide_seconds"),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types = []

    #: The screen is not something citizens should find in the site search.
    exclude_from_site_search = True

    #: How often the screen asks for new content.
    refresh_seconds = 120

    class Meta:
        verbose_name = _("InfoMonitor screen")
        verbose_name_plural = _("InfoMonitor screens")

    def slides(self):
        """What the screen shows now, as plain data (also the JSON of the data endpoint).

        ``meta`` is the place and the dates, already written out in the page's language;
        ``qr``, when there is one, the address of a QR code image. Other apps add slides
        (first) through ``rathaus_infomonitor_slides`` hooks.
        """
        slides = []
        if self.show_promotions:
            for hook in hooks.get_hooks("rathaus_infomonitor_slides"):
                slides.extend(hook(self) or [])
        news = published_news(self.locale)
        category_ids = [c.pk for c in self.categories.all()]
        if category_ids:
            news = news.filter(categories__in=category_ids).distinct()
        slides += [
            {
                "kind": "news",
                "label": str(_("News")),
                "title": article.title,
                "text": article.teaser,
                "meta": date_format(article.date, "DATE_FORMAT"),
            }
            for article in news[: self.news_count]
        ]
        kinds = []
        if self.show_notices:
            kinds.append(NoticePage.Kind.NOTICE)
        if self.show_construction_sites:
            kinds.append(NoticePage.Kind.CONSTRUCTION)
        for notice in current_notices(self.locale, kinds):
            slides.append(
                {
                    "kind": notice.kind,
                    "label": str(notice.get_kind_display()),
                    "title": notice.title,
                    "text": notice.summary,
                    "meta": " · ".join(part for part in (notice.place, notice.validity) if part),
                }
            )
        return slides

    def get_sitemap_urls(self, request=None):
        """A screen in the town hall is no page for citizens or search engines."""
        return []

    def save(self, *args, **kwargs):
        localize_categories(self)
        return super().save(*args, **kwargs)

    @path("")
    def screen(self, request):
        return self.render(
            request,
            context_overrides={"slides": self.slides(), "time_zone": settings.TIME_ZONE},
        )

    @path("data/", name="data")
    def data(self, request):
        response = JsonResponse(
            {
                "generated_at": timezone.now().isoformat(),
                "slide_seconds": self.slide_seconds,
                "refresh_seconds": self.refresh_seconds,
                "slides": self.slides(),
            }
        )
        response["Cache-Control"] = "no-store"
        return response
