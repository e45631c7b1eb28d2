"""The town's services: departments, life situations, service pages, the service finder, the
town's own online forms and what their submissions' senders can see of them.

Read from top to bottom: the snippets (department, life situation, synonym), the service finder
and the service page with its online forms, the counter of "start online" clicks, the town's own
form page and its submissions.
"""

import secrets
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.contrib.forms.models import (
    AbstractEmailForm,
    AbstractFormField,
    AbstractFormSubmission,
)
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField
from wagtail.models import Locale, Orderable, Page, TranslatableMixin
from wagtail.search import index

from home.counters import add_one, counts_as_visit
from home.references import new_reference, new_token
from home.translation import in_language

#: Rich text features of a service's description: what the exchange format can carry back out.
DESCRIPTION_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link"]


# --- Snippets -----------------------------------------------------------------------------


class Department(TranslatableMixin, ClusterableModel):
    """An office of the town administration that is responsible for services (Bürgerbüro, …)."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        help_text=_("One line per day or group of days, e.g. “Mon–Fri 8:00–12:00”."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldPanel("opening_hours"),
            ],
            _("Contact"),
        ),
        InlinePanel("contact_people", label=_("Contact people")),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def opening_hours_lines(self):
        return [line.strip() for line in self.opening_hours.splitlines() if line.strip()]


class ContactPerson(Orderable):
    """Someone citizens can ask in a department."""

    department = ParentalKey(Department, related_name="contact_people", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    room = models.CharField(_("room"), max_length=40, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("role")]),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email"), FieldPanel("room")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")

    def __str__(self):
        return self.name


class LifeSituation(TranslatableMixin, models.Model):
    """A Lebenslage: a moment in life that needs several services (moving, a birth, a dog)."""

    class Icon(models.TextChoices):
        HOUSE = "house", _("House")
        ID_CARD = "id-card", _("ID card")
        FAMILY = "family", _("Family")
        RINGS = "rings", _("Rings")
        BABY = "baby", _("Baby")
        CANDLE = "candle", _("Candle")
        PAW = "paw", _("Paw")
        CRANE = "crane", _("Crane")
        BRIEFCASE = "briefcase", _("Briefcase")
        CAR = "car", _("Car")
        COINS = "coins", _("Coins")
        HANDS = "hands", _("Helping hands")
        STAR = "star", _("Star")
        SHIELD = "shield", _("Shield")
        BALLOT = "ballot", _("Ballot box")
        BOOK = "book", _("Book")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, allow_unicode=False)
    description = models.TextField(_("description"), blank=True, max_length=500)
    icon = models.CharField(_("icon"), max_length=20, choices=Icon.choices, default=Icon.STAR)
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Lower numbers come first on the service finder.")
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("icon"), FieldPanel("order")]),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("life situation")
        verbose_name_plural = _("life situations")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "locale"], name="unique_life_situation_slug_per_locale"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120] or "lebenslage"
        return super().save(*args, **kwargs)


class Synonym(models.Model):
    """Words that citizens use for the same thing, for the service finder (site-wide)."""

    words = models.TextField(
        _("words that mean the same"),
        help_text=_(
            "Separated by commas, e.g. “Personalausweis, Perso, Ausweis, ID card”. A search for "
            "any of them also finds services that use the others."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("words")]

    class Meta:
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")
        ordering = ["words"]

    def __str__(self):
        return ", ".join(self.word_list())

    def word_list(self):
        return [word.strip() for word in self.words.split(",") if word.strip()]

    def clean(self):
        if len(self.word_list()) < 2:
            raise ValidationError({"words": _("Give at least two words, separated by commas.")})


# --- The service finder and the service pages -------------------------------------------------


class ServiceIndexPage(Page):
    """The service finder: search, filters, A–Z list and browsing by life situation."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["services_catalog.ServicePage", "services_catalog.OnlineFormPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("service finder")
        verbose_name_plural = _("service finders")

    def get_context(self, request, *args, **kwargs):
        from .views import finder_context

        context = super().get_context(request, *args, **kwargs)
        context.update(finder_context(self, request))
        return context


def split_lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def split_commas(text: str) -> list[str]:
    return [word.strip() for word in (text or "").split(",") if word.strip()]


class ServicePage(Page):
    """A service of the town: who it is for, what you need, cost, duration, and where to start
    it online."""

    key = models.SlugField(
        _("catalog key"),
        max_length=120,
        blank=True,
        help_text=_(
            "Stable identifier used by the catalog import and export and the search API. "
            "Filled in from the slug when empty."
        ),
    )
    leika = models.CharField(
        _("LeiKa key"),
        max_length=14,
        blank=True,
        help_text=_("The 14-digit key of the service in the Leistungskatalog (LeiKa)."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=300,
        help_text=_(
            "One or two sentences: who needs this and what it does. At most 300 characters."
        ),
    )
    description = RichTextField(_("description"), blank=True, features=DESCRIPTION_FEATURES)
    requirements = models.TextField(
        _("who it is for"), blank=True, help_text=_("Requirements (Voraussetzungen).")
    )
    documents = models.TextField(
        _("what you need"), blank=True, help_text=_("Required documents, one per line.")
    )
    fees = models.TextField(_("cost"), blank=True, help_text=_("Fees, e.g. “37,00 Euro”."))
    processing_time = models.TextField(_("duration"), blank=True)
    deadlines = models.TextField(_("deadlines"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    keywords = models.TextField(
        _("other words for it"),
        blank=True,
        help_text=_(
            "Words citizens use for this service, separated by commas (e.g. “Hundesteuer, "
            "Hundemarke”). The service finder finds the service by them."
        ),
    )
    life_situations = ParentalManyToManyField(
        LifeSituation, verbose_name=_("life situations"), blank=True, related_name="services"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
    )
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_(
            "When someone last checked that this page is right. Shown in the review report."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("requirements"),
                FieldPanel("documents"),
                FieldRowPanel([FieldPanel("fees"), FieldPanel("processing_time")]),
                FieldPanel("deadlines"),
            ],
            _("At a glance"),
        ),
        InlinePanel("online_forms", label=_("Online forms")),
        FieldPanel("description"),
        FieldPanel("legal_basis"),
        MultiFieldPanel(
            [
                FieldPanel("department"),
                FieldPanel("life_situations", widget=forms.CheckboxSelectMultiple),
                FieldPanel("keywords"),
            ],
            _("Finding it"),
        ),
        MultiFieldPanel(
            [FieldPanel("key"), FieldPanel("leika"), FieldPanel("last_reviewed")],
            _("Catalog"),
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("keywords"),
        index.SearchField("description"),
        index.SearchField("requirements"),
        index.SearchField("documents"),
        index.AutocompleteField("keywords"),
        index.FilterField("key"),
        index.RelatedFields("life_situations", [index.SearchField("name")]),
        index.RelatedFields("department", [index.SearchField("name")]),
    ]

    parent_page_types = ["services_catalog.ServiceIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def clean(self):
        super().clean()
        if not self.key:
            self.key = self.slug
        if self.leika and not (self.leika.isdigit() and len(self.leika) == 14):
            raise ValidationError({"leika": _("A LeiKa key has 14 digits.")})
        clash = (
            ServicePage.objects.filter(key=self.key, locale_id=self.locale_id)
            .exclude(pk=self.pk)
            .exclude(translation_key=self.translation_key)
            .exists()
        )
        if clash:
            raise ValidationError({"key": _("Another service already has this key.")})

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = self.slug
        localize_relations(self)
        return super().save(*args, **kwargs)

    def document_list(self):
        return split_lines(self.documents)

    def keyword_list(self):
        return split_commas(self.keywords)

    def description_text(self) -> str:
        return strip_tags(self.description or "")

    def live_online_forms(self):
        """The service's online forms that lead somewhere: external ones, and the town's own
        forms while they are live."""
        return [form for form in self.online_forms.all() if form.is_available()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["online_forms"] = self.live_online_forms()
        return context

    def serve(self, request, *args, **kwargs):
        if counts_as_visit(request):
            ServicePageViewCount.count_view(self)
        return super().serve(request, *args, **kwargs)


def localize_relations(page):
    """Point a service's department and life situations at those of the page's own language,
    so a translated service shows translated snippets (when they exist)."""
    if not page.locale_id:
        return
    if page.department_id and page.department.locale_id != page.locale_id:
        page.department = in_language([page.department], page.locale_id)[0]
    situations = list(page.life_situations.all())
    if any(situation.locale_id != page.locale_id for situation in situations):
        page.life_situations.set(in_language(situations, page.locale_id))


class ServiceOnlineForm(Orderable):
    """Where a service can be done online: a form elsewhere (the state's portal) or one of the
    town's own forms."""

    page = ParentalKey(ServicePage, related_name="online_forms", on_delete=models.CASCADE)
    title = models.CharField(
        _("button text"),
        max_length=120,
        help_text=_("Name the action, e.g. “Hund online anmelden”."),
    )
    url = models.URLField(
        _("address of an external form"),
        blank=True,
        max_length=500,
        help_text=_("For a form on another site, e.g. the state's service portal."),
    )
    form_page = models.ForeignKey(
        "services_catalog.OnlineFormPage",
        verbose_name=_("the town's own form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("title"), FieldPanel("url"), PageChooserPanel("form_page")]

    class Meta(Orderable.Meta):
        verbose_name = _("online form")
        verbose_name_plural = _("online forms")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if bool(self.url) == bool(self.form_page_id):
            raise ValidationError(
                _("Give either the address of an external form or one of the town's own forms.")
            )
        if self.url and not self.url.lower().startswith(("https://", "http://")):
            raise ValidationError({"url": _("The address must start with https:// or http://.")})

    def is_available(self) -> bool:
        if self.form_page_id:
            return self.form_page is not None and self.form_page.live
        return bool(self.url)

    def target_url(self) -> str:
        """Where "start online" leads: only ever an address stored for this service."""
        if self.form_page_id:
            form_page = self.form_page
            if form_page is not None and form_page.locale_id != self.page.locale_id:
                form_page = form_page.get_translation_or_none(self.page.locale) or form_page
            return form_page.url if form_page and form_page.live else ""
        return self.url

    def start_url(self) -> str:
        """Our counting redirect to :meth:`target_url`."""
        return reverse("start_online", args=[self.pk])

    def is_external(self) -> bool:
        return not self.form_page_id


class OnlineStartCount(models.Model):
    """How often "start online" was followed for a service on a day (no cookies, nothing
    personal: a daily total per service)."""

    service = models.ForeignKey(ServicePage, on_delete=models.CASCADE, related_name="start_counts")
    date = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("online start count")
        verbose_name_plural = _("online start counts")
        constraints = [
            models.UniqueConstraint(fields=["service", "date"], name="one_start_count_per_day")
        ]

    def __str__(self):
        return f"{self.service_id} {self.date}: {self.count}"

    @classmethod
    def count_start(cls, service, day=None):
        """Add one start of ``service`` to today's total."""
        add_one(cls, day=day, service=service)


# --- The town's own online forms ---------------------------------------------------------------


class OnlineFormField(AbstractFormField):
    page = ParentalKey("OnlineFormPage", related_name="form_fields", on_delete=models.CASCADE)


class OnlineFormPage(AbstractEmailForm):
    """A form of the town's own, built in the admin. Each submission gets a reference number and
    a private status link that its sender receives by email."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])
    thank_you_text = RichTextField(
        _("thank-you text"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text=_("Shown after sending, above the reference number and the status link."),
    )

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            _("Email to the town's staff"),
        ),
    ]

    parent_page_types = ["services_catalog.ServiceIndexPage", "home.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("online form")
        verbose_name_plural = _("online forms")

    def get_submission_class(self):
        return OnlineFormSubmission

    def get_data_fields(self):
        return [
            ("reference", _("Reference")),
            ("status", _("Status")),
            *super().get_data_fields(),
        ]

    def email_field_name(self) -> str | None:
        """The clean name of the form's first email field: where the confirmation goes."""
        for field in self.get_form_fields():
            if field.field_type == "email":
                return field.clean_name
        return None

    def process_form_submission(self, form):
        """Save the submission with its reference and token, then queue the emails (to staff
        and the confirmation to the sender) for after the commit."""
        from .tasks import send_submission_emails

        email_field = self.email_field_name()
        submission = OnlineFormSubmission.objects.create(
            form_data=form.cleaned_data,
            page=self,
            email=(form.cleaned_data.get(email_field) or "") if email_field else "",
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        send_submission_emails.enqueue(submission.pk)
        return submission

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        """Go to the status page (POST, then redirect: a reload sends nothing twice)."""
        if form_submission is None:
            return super().render_landing_page(request, form_submission, *args, **kwargs)
        return HttpResponseRedirect(form_submission.status_path() + "?sent=1")


class OnlineFormSubmission(AbstractFormSubmission):
    """A submission of one of the town's own forms, with the status its sender can follow."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected")

    reference = models.CharField(_("reference"), max_length=9, unique=True, default=new_reference)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    email = models.EmailField(_("sender's email"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="de")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    message = models.TextField(
        _("message to the sender"),
        blank=True,
        help_text=_(
            "Shown on the sender's status page. Write nothing here that only staff may see."
        ),
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    # What the worker has already sent, so that a retried task never sends an email twice.
    staff_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_notified = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        ordering = ["-submit_time"]

    def __str__(self):
        return self.reference

    def get_data(self):
        return {
            **super().get_data(),
            "reference": self.reference,
            "status": self.get_status_display(),
        }

    def status_path(self) -> str:
        with translation.override(self.language):
            return reverse("submission_status", args=[self.token])

    def status_url(self) -> str:
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + self.status_path()


class CatalogVersion(models.Model):
    """A number that goes up whenever anything the service finder shows changes, so that every
    process rebuilds its in-memory search index (see ``services_catalog.search``)."""

    # A random token rather than a counter: after a rolled-back transaction a counter could
    # come back to a value that already stood for different content.
    token = models.CharField(max_length=32, default="")

    class Meta:
        verbose_name = _("catalog version")

    def __str__(self):
        return self.token

    @classmethod
    def current(cls) -> str:
        return cls.objects.filter(pk=1).values_list("token", flat=True).first() or ""

    @classmethod
    def bump(cls) -> None:
        token = secrets.token_hex(16)
        if not cls.objects.filter(pk=1).update(token=token):
            cls.objects.update_or_create(pk=1, defaults={"token": token})


def services_not_reviewed(today=None):
    """Service pages whose last review is more than a year ago, or that were never reviewed."""
    today = today or timezone.localdate()
    return ServicePage.objects.filter(
        models.Q(last_reviewed__isnull=True)
        | models.Q(last_reviewed__lt=today - timedelta(days=365))
    ).order_by(F("last_reviewed").asc(nulls_first=True), "title")


def finder_page(locale: Locale | None = None):
    """The live service finder of ``locale`` (or the active language), if there is one."""
    locale = locale or Locale.get_active()
    return ServiceIndexPage.objects.live().filter(locale=locale).first()


class ServicePageViewCount(models.Model):
    """How often a service's page was seen on a day (no cookies, nothing personal: a daily total
    per service; robots, previews and prefetches are not counted)."""

    service = models.ForeignKey(ServicePage, on_delete=models.CASCADE, related_name="view_counts")
    date = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("service page view count")
        verbose_name_plural = _("service page view counts")
        constraints = [
            models.UniqueConstraint(fields=["service", "date"], name="one_view_count_per_day")
        ]

    def __str__(self):
        return f"{self.service_id} {self.date}: {self.count}"

    @classmethod
    def count_view(cls, service, day=None):
        """Add one view of ``service``'s page to today's total."""
        add_one(cls, day=day, service=service)
