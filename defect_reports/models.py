"""The defect reporter (Mängelmelder): what citizens can report, their reports with place and
photos, the town's street directory and boundary, and the page the reporter lives on.

Read from top to bottom: the categories, the street directory, the report with its photos and
status history, the short-lived draft that keeps a form's photos across errors, the town's
boundary setting, and the reporter page.
"""

import hashlib
import json
import os
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index

from home.references import new_reference, new_token

from . import geo


class PrivateStorage(FileSystemStorage):
    """Files under DEFECT_PRIVATE_ROOT, read from the settings at each use (so tests and
    deployments can move it): outside MEDIA_ROOT, with no URL of their own."""

    @property
    def base_location(self):
        return settings.DEFECT_REPORTS["PRIVATE_ROOT"]

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage():
    """Photos of reports live outside MEDIA_ROOT and are served only by our own view."""
    return PrivateStorage()


class DefectCategory(TranslatableMixin, index.Indexed, models.Model):
    """What citizens can report (a pothole, a broken street light), who at the town handles
    it, or, for things the town is not responsible for, where to go instead."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Reported to the town")
        ELSEWHERE = "elsewhere", _("Handled elsewhere")

    ICONS = [
        ("road", _("Road damage")),
        ("light", _("Street light")),
        ("rubbish", _("Rubbish")),
        ("graffiti", _("Graffiti")),
        ("playground", _("Playground")),
        ("tree", _("Trees and green spaces")),
        ("sign", _("Traffic sign")),
        ("drain", _("Drain")),
        ("bench", _("Bench")),
        ("snow", _("Snow and ice")),
        ("motorway", _("Motorway")),
        ("railway", _("Railway")),
        ("other", _("Other")),
    ]

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(
        _("code"),
        max_length=60,
        help_text=_(
            "Stays the same in every language; other programs (Open311 apps) use it as the "
            "service code."
        ),
    )
    description = models.TextField(_("description"), blank=True, max_length=400)
    icon = models.CharField(_("icon"), max_length=20, choices=ICONS, default="other")
    hint = models.CharField(
        _("hint for reporters"),
        max_length=300,
        blank=True,
        help_text=_(
            "Shown when a citizen picks this category, e.g. 'Please give the lamp's "
            "number if you can see it.'"
        ),
    )
    group = models.CharField(
        _("group"),
        max_length=100,
        blank=True,
        help_text=_("Groups categories in lists, e.g. 'Streets and paths'."),
    )
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Comma-separated.")
    )
    department = models.CharField(
        _("responsible department"),
        max_length=150,
        blank=True,
        help_text=_(
            "The office's name, the same in every language: processing teams are given "
            "their departments by this name."
        ),
    )
    department_email = models.EmailField(_("department's email"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPORT)
    elsewhere_name = models.CharField(
        _("responsible authority"),
        max_length=150,
        blank=True,
        help_text=_("For categories handled elsewhere: who is responsible instead."),
    )
    elsewhere_text = models.TextField(
        _("where to go instead"),
        blank=True,
        max_length=600,
        help_text=_("For categories handled elsewhere: how citizens reach them."),
    )
    elsewhere_url = models.URLField(_("their website"), blank=True)
    elsewhere_phone = models.CharField(_("their phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    department_digest = models.BooleanField(
        _("daily digest"),
        default=False,
        help_text=_(
            "Send the department one email a day with all new reports of this category "
            "instead of one email per report."
        ),
    )
    questions = models.JSONField(
        _("extra questions"),
        default=list,
        blank=True,
        help_text=_(
            "Questions reporters of this category answer, as a JSON list of objects with "
            "code, label, datatype (string, number, text, singlevaluelist, multivaluelist), "
            "required, and for lists values [{key, name}]. Other programs read them as an "
            "Open311 service definition."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldRowPanel([FieldPanel("icon"), FieldPanel("group")]),
        FieldPanel("description"),
        FieldPanel("hint"),
        FieldPanel("keywords"),
        FieldRowPanel([FieldPanel("department"), FieldPanel("department_email")]),
        FieldPanel("department_digest"),
        FieldPanel("questions", classname="collapsed"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("elsewhere_name"),
                FieldPanel("elsewhere_text"),
                FieldRowPanel([FieldPanel("elsewhere_url"), FieldPanel("elsewhere_phone")]),
            ],
            heading=_("Responsibility"),
        ),
        FieldRowPanel([FieldPanel("active"), FieldPanel("sort_order")]),
    ]

    search_fields = [
        index.SearchField("name"),
        index.SearchField("keywords"),
        index.AutocompleteField("name"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("defect category")
        verbose_name_plural = _("defect categories")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.clean_questions()
        if self.kind == self.Kind.ELSEWHERE and not (self.elsewhere_name or self.elsewhere_text):
            raise ValidationError(
                {
                    "elsewhere_name": _(
                        "Say who is responsible instead, so citizens know where to go."
                    )
                }
            )

    QUESTION_TYPES = ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]

    def clean_questions(self):
        """Each extra question needs a code, a label and a known datatype; lists need values."""
        if not isinstance(self.questions, list):
            raise ValidationError({"questions": _("Write a JSON list of questions.")})
        codes = set()
        for position, question in enumerate(self.questions, start=1):
            problem = None
            if (
                not isinstance(question, dict)
                or not question.get("code")
                or not question.get("label")
            ):
                problem = _("needs a code and a label")
            elif question.get("datatype", "string") not in self.QUESTION_TYPES:
                problem = _("has an unknown datatype")
            elif question["code"] in codes:
                problem = _("uses a code twice")
            elif question.get("datatype", "").endswith("valuelist") and not question.get("values"):
                problem = _("is a list without values")
            if problem:
                raise ValidationError(
                    {
                        "questions": _("Question %(number)d %(problem)s.")
                        % {"number": position, "problem": problem}
                    }
                )
            codes.add(question["code"])

    @property
    def handled_elsewhere(self) -> bool:
        return self.kind == self.Kind.ELSEWHERE


class StreetAddress(models.Model):
    """One address of the town's street directory, with its coordinates: the reporter's
    address search and the nearest address of a picked point (no third-party geocoder)."""

    street = models.CharField(_("street"), max_length=150)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("town"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    # The street name folded for search: lower case, ß → ss, "str." → "strasse".
    search_name = models.CharField(max_length=150, editable=False, db_index=True)

    class Meta:
        verbose_name = _("street address")
        verbose_name_plural = _("street directory")
        ordering = ["street", "house_number"]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.search_name = geo.fold_street(self.street)
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"{self.street} {self.house_number}".strip()


class DefectReport(models.Model):
    """A defect a citizen reported: what, where, their photos and (optional) contact, and
    what the town did about it. Contact data is never shown publicly."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        RELEASED = "released", _("Released")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Duplicate")
        FORWARDED = "forwarded", _("Forwarded to another authority")

    OPEN_STATUSES = [Status.NEW, Status.RELEASED, Status.IN_PROGRESS]

    reference = models.CharField(_("reference"), max_length=9, unique=True, default=new_reference)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    category = models.ForeignKey(
        DefectCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    description = models.TextField(
        _("description"),
        max_length=4000,
        validators=[MaxLengthValidator(4000)],
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    address = models.CharField(_("nearest address"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, default="de")
    # Contact: optional, never public, removed when no longer needed (issue 6's retention).
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    released = models.BooleanField(
        _("released"),
        default=False,
        db_index=True,
        help_text=_("Released reports are shown on the public map, without personal data."),
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    supporters = models.PositiveIntegerField(
        _("also reported by"),
        default=0,
        help_text=_("Citizens who found this report while reporting and followed it instead."),
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    # What the worker has already sent, so that a retried task never sends an email twice.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    acknowledgement_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    department_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The last status the reporter was told about by email (never the same one twice).
    status_notified = models.CharField(max_length=20, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    forwarded_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    personal_data_removed_at = models.DateTimeField(
        _("personal data removed"), null=True, blank=True
    )
    answers = models.JSONField(_("answers to extra questions"), default=dict, blank=True)
    source = models.CharField(_("sent through"), max_length=20, default="web")
    api_key = models.ForeignKey(
        "defect_reports.ApiKey",
        verbose_name=_("API key"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )

    class Meta:
        verbose_name = _("defect report")
        verbose_name_plural = _("defect reports")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["released", "latitude", "longitude"]),
            models.Index(fields=["category", "status"]),
        ]
        permissions = [("view_personal_data", _("Can see reporters' contact data"))]

    def __str__(self):
        return f"{self.reference} · {self.category}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def has_confirmed_email(self) -> bool:
        return bool(self.email and self.email_confirmed_at)

    def release(self, user=None, answer=""):
        """Show the report on the public map and list; its photos stay hidden until staff
        show each one."""
        self.released = True
        self.released_at = self.released_at or timezone.now()
        if self.status == self.Status.NEW:
            self.set_status(self.Status.RELEASED, user=user, public_answer=answer)
        self.save()

    def set_status(self, status, *, user=None, public_answer="", internal_note=""):
        """Change the status and record it in the history the citizen can follow."""
        status_changed = status != self.status
        self.status = status
        self.status_changed_at = timezone.now()
        if status in self.OPEN_STATUSES:
            self.closed_at = None
        elif self.closed_at is None:
            self.closed_at = self.status_changed_at
        if self.pk:
            self.save(update_fields=["status", "status_changed_at", "closed_at", "updated_at"])
        change = DefectStatusChange.objects.create(
            report=self,
            status=status,
            public_answer=public_answer,
            internal_note=internal_note,
            user=user,
        )
        if self.pk and self.has_confirmed_email and status_changed and status != self.Status.NEW:
            # The reporter hears of it in their language, by the worker, once per status.
            from .tasks import send_status_email

            report_id = self.pk
            transaction.on_commit(lambda: send_status_email.enqueue(report_id))
        return change

    def tracking_path(self) -> str:
        with translation.override(self.language):
            return reverse("defect_tracking", args=[self.token])

    def tracking_url(self) -> str:
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + self.tracking_path()

    def public_history(self) -> list["DefectStatusChange"]:
        """The history citizens see: each new status and each public answer; steps that only
        added an internal note are left out."""
        history, status = [], None
        for change in self.status_changes.order_by("created_at", "pk"):
            if change.status != status or change.public_answer:
                history.append(change)
            status = change.status
        return history

    def public_photos(self):
        return [photo for photo in self.photos.all() if photo.is_public]


class DefectPhoto(models.Model):
    """A photo of a report, stored without any metadata, outside the public media URLs."""

    report = models.ForeignKey(DefectReport, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(storage=private_storage, upload_to="defects/%Y/%m/")
    thumbnail = models.FileField(
        storage=private_storage, upload_to="defects/%Y/%m/thumbs/", blank=True
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    is_public = models.BooleanField(
        _("shown publicly"),
        default=True,
        help_text=_("Shown on the public page once the report is released."),
    )
    redacted = models.FileField(
        storage=private_storage, upload_to="defects/%Y/%m/redacted/", blank=True
    )
    redactions = models.JSONField(
        _("blacked-out areas"),
        default=list,
        blank=True,
        help_text=_("Rectangles [x, y, width, height] in the photo's pixels."),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return f"{self.report.reference} #{self.sort_order + 1}"

    def can_be_seen_by(self, user) -> bool:
        """Released, shown photos are public; staff of the report's department (see
        permissions.py) see every photo of the reports they process."""
        if self.is_public and self.report.released:
            return True
        from .permissions import can_see_report

        return can_see_report(user, self.report)


class DefectStatusChange(models.Model):
    """One step of a report's history: the new status, the town's public answer and, for
    staff only, an internal note."""

    report = models.ForeignKey(
        DefectReport, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=20, choices=DefectReport.Status.choices)
    public_answer = models.TextField(
        _("public answer"),
        blank=True,
        help_text=_("Shown to the citizen and, once released, on the public page."),
    )
    internal_note = models.TextField(_("internal note"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.report.reference}: {self.get_status_display()}"


class AnswerTemplate(TranslatableMixin, models.Model):
    """A public answer staff often give ("The street light has been repaired."), chosen when
    changing a report's status and edited before sending."""

    title = models.CharField(_("title"), max_length=100)
    status = models.CharField(
        _("for status"),
        max_length=20,
        choices=DefectReport.Status.choices,
        blank=True,
        help_text=_("Offered first for this status; leave empty for every status."),
    )
    text = models.TextField(_("answer"), max_length=2000)

    panels = [FieldPanel("title"), FieldPanel("status"), FieldPanel("text")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["title"]

    def __str__(self):
        return self.title


class DefectTeam(models.Model):
    """Which departments' reports a user group processes. Members of the group see and
    change only those reports; editors without such a group see no reports at all."""

    group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="defect_team",
    )
    departments = models.TextField(
        _("departments"),
        help_text=_(
            "One per line, written as in the categories' 'responsible department'. "
            "Write * for all departments."
        ),
    )

    panels = [FieldPanel("group"), FieldPanel("departments")]

    class Meta:
        verbose_name = _("defect processing team")
        verbose_name_plural = _("defect processing teams")

    def __str__(self):
        return self.group.name

    def department_list(self) -> list[str]:
        return [line.strip() for line in self.departments.splitlines() if line.strip()]


class ApiKey(models.Model):
    """A key for another program (an app, the state's portal) to create reports through
    Open311. Only a hash of the key is stored; the key is shown once when it is created."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses this key."))
    contact = models.EmailField(_("contact email"), blank=True)
    prefix = models.CharField(max_length=8, editable=False, db_index=True)
    key_hash = models.CharField(max_length=64, editable=False, unique=True)
    active = models.BooleanField(_("active"), default=True)
    requests_per_hour = models.PositiveIntegerField(_("requests per hour"), default=100)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("contact"),
        FieldRowPanel([FieldPanel("active"), FieldPanel("requests_per_hour")]),
    ]

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def set_new_key(self) -> str:
        """Give the key a new secret and return it (to be shown once)."""
        key = secrets.token_urlsafe(30)
        self.prefix = key[:8]
        self.key_hash = self.hash(key)
        return key

    @classmethod
    def find(cls, key: str):
        """The active API key with this secret, or None."""
        if not key or len(key) > 200:
            return None
        return cls.objects.filter(key_hash=cls.hash(key), active=True).first()


class DefectReportDraft(models.Model):
    """A report being written: what the form held and its photos (already cleaned), so that a
    form with an error, or a review step, loses nothing. Removed after sending or a day."""

    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    data = models.JSONField(default=dict)
    language = models.CharField(max_length=10, default="de")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    LIFETIME = timedelta(hours=24)

    class Meta:
        verbose_name = _("report draft")
        verbose_name_plural = _("report drafts")

    def __str__(self):
        return self.token[:8]

    @classmethod
    def expired(cls):
        return cls.objects.filter(created_at__lt=timezone.now() - cls.LIFETIME)


class DraftPhoto(models.Model):
    """A cleaned photo waiting in a draft. The place it was taken (read before its metadata
    was removed) is kept beside it so that it can be offered as the report's place."""

    draft = models.ForeignKey(DefectReportDraft, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(storage=private_storage, upload_to="drafts/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.original_name or f"photo {self.pk}"

    @property
    def has_place(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@register_setting(icon="site")
class DefectReportSettings(BaseSiteSetting):
    """The town's boundary (reports outside it are refused with a message) and the map's
    starting view."""

    boundary = models.TextField(
        _("town boundary (GeoJSON)"),
        blank=True,
        help_text=_(
            "A GeoJSON Polygon or MultiPolygon (or a Feature or FeatureCollection holding one) "
            "in WGS 84 longitude/latitude. Reports outside it are refused with a message. "
            "Leave empty to accept every place."
        ),
    )
    privacy_notice = RichTextField(
        _("privacy notice"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text=_("Shown next to the contact fields. Leave empty for the standard text."),
    )

    panels = [FieldPanel("boundary"), FieldPanel("privacy_notice")]

    class Meta:
        verbose_name = _("defect reporter")

    def clean(self):
        super().clean()
        if self.boundary.strip():
            try:
                geo.Boundary.from_geojson(json.loads(self.boundary))
            except (ValueError, TypeError, KeyError, IndexError) as error:
                raise ValidationError(
                    {"boundary": _("This is not a GeoJSON polygon: %(error)s") % {"error": error}}
                ) from error

    @cached_property
    def town_boundary(self) -> "geo.Boundary | None":
        if not self.boundary.strip():
            return None
        try:
            return geo.Boundary.from_geojson(json.loads(self.boundary))
        except (ValueError, TypeError, KeyError, IndexError):
            return None


class DefectReportPage(RoutablePageMixin, Page):
    """The defect reporter: the form citizens report with, the public map and list of
    released reports, and each released report's public page."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text=_("Above the form: what to report here and what happens next."),
    )
    emergency_note = models.CharField(
        _("emergency note"),
        max_length=300,
        blank=True,
        help_text=_("E.g. 'Danger to life? Call 112.' Shown prominently above the form."),
    )
    thank_you = RichTextField(
        _("thank-you text"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Shown with the reference after a report was sent."),
    )
    map_intro = RichTextField(
        _("map introduction"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Above the public map and list of reports."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("emergency_note"),
        FieldPanel("thank_you"),
        FieldPanel("map_intro"),
    ]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("defect reporter")

    # --- Routes: the form, its review step, the public map and list, a public report -------

    @path("")
    def report_form(self, request):
        from .page_views import report_form

        return report_form(self, request)

    @path("pruefen/<str:token>/", name="review_de")
    @path("review/<str:token>/", name="review")
    def review(self, request, token):
        from .page_views import review

        return review(self, request, token)

    @path("meldungen/", name="reports_de")
    @path("reports/", name="reports")
    def reports(self, request):
        from .page_views import public_reports

        return public_reports(self, request)

    @path("meldungen/<str:reference>/", name="report_de")
    @path("reports/<str:reference>/", name="report")
    def report(self, request, reference):
        from .page_views import public_report

        return public_report(self, request, reference)

    def subpage_path(self, name: str, *args) -> str:
        """A route's path in the page's language: German pages say "meldungen/"."""
        if self.locale.language_code == "de":
            name += "_de"
        return self.reverse_subpage(name, args=args)

    def report_url(self, report, request=None) -> str:
        """The public page of a released report (its reference is in the address)."""
        return self.get_url(request) + self.subpage_path("report", report.reference)

    def reports_url(self, request=None) -> str:
        return self.get_url(request) + self.subpage_path("reports")

    def review_url(self, draft, request=None) -> str:
        return self.get_url(request) + self.subpage_path("review", draft.token)

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        return urls + [{"location": self.full_url + self.subpage_path("reports")}]
