"""The Mängelmelder area of Wagtail's admin: staff find, process and answer defect reports.

Read from top to bottom: the processing rules (plain functions the views and bulk actions
share), the list's filters, the workflow form, the views (list, processing, inspect, history,
photos, map), the bulk actions, the dashboard panel and the viewsets. Which reports a user sees
is decided in ``permissions.py`` only.
"""

import json
import statistics
from dataclasses import dataclass
from datetime import timedelta

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncWeek
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import (
    BulkActionsCheckboxColumn,
    Column,
    DateColumn,
    NumberColumn,
    StatusTagColumn,
)
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import EditView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import LogFormatter, log

from . import permissions, redaction
from .models import AnswerTemplate, DefectCategory, DefectPhoto, DefectReport, DefectTeam

Status = DefectReport.Status

# --- Processing rules ---------------------------------------------------------------------


def process_report(
    report,
    user,
    *,
    status,
    public_answer="",
    internal_note="",
    duplicate_of=None,
    forwarded_to="",
    released=None,
) -> dict:
    """Apply a staff member's decision on a report: its status with a public answer and an
    internal note, the original of a duplicate, the authority it was forwarded to, and whether
    it is public. Records the step in the report's history and in Wagtail's log; returns what
    changed (empty when nothing did)."""
    changes = {}
    old_status = report.status
    old_released = report.released
    with transaction.atomic():
        if released and not report.released:
            report.released = True
            report.released_at = report.released_at or timezone.now()
            changes["released"] = True
            if status == Status.NEW:
                status = Status.RELEASED  # releasing a new report is what "released" means
        elif released is False and report.released:
            report.released = False
            changes["released"] = False
        new_original = duplicate_of if status == Status.DUPLICATE else None
        if new_original != report.duplicate_of:
            report.duplicate_of = new_original
            changes["duplicate_of"] = new_original.reference if new_original else ""
        new_forwarded_to = forwarded_to.strip() if status == Status.FORWARDED else ""
        if new_forwarded_to != report.forwarded_to:
            report.forwarded_to = new_forwarded_to
            changes["forwarded_to"] = new_forwarded_to
        if changes:
            report.save()
        if status != old_status or public_answer.strip() or internal_note.strip():
            report.set_status(
                status,
                user=user,
                public_answer=public_answer.strip(),
                internal_note=internal_note.strip(),
            )
            if status != old_status:
                changes["status"] = status
            if public_answer.strip():
                changes["public_answer"] = True
            if internal_note.strip():
                changes["internal_note"] = True
        if changes:
            log(
                report,
                "defect_reports.processed",
                user=user,
                data={"old_status": old_status, **changes},
            )
    if old_released and not report.released:
        purge_public_photos(report.photos.all())
    return changes


def release_report(report, user) -> bool:
    """Show a report publicly (bulk "release"); False if it already was."""
    if report.released:
        return False
    with transaction.atomic():
        old_status = report.status
        report.release(user=user)
        log(
            report,
            "defect_reports.processed",
            user=user,
            data={"old_status": old_status, "released": True, "status": report.status},
        )
    return True


def close_report(report, user, public_answer="") -> bool:
    """Mark an open report resolved (bulk "close"), with an optional public answer; False if
    it was closed already."""
    if not report.is_open:
        return False
    with transaction.atomic():
        old_status = report.status
        report.set_status(Status.RESOLVED, user=user, public_answer=public_answer.strip())
        log(
            report,
            "defect_reports.processed",
            user=user,
            data={
                "old_status": old_status,
                "status": Status.RESOLVED,
                "public_answer": bool(public_answer.strip()),
            },
        )
    return True


def set_photo_public(photo, user, public: bool) -> bool:
    """Show a photo publicly (once its report is released) or hide it; False if unchanged."""
    if photo.is_public == public:
        return False
    photo.is_public = public
    photo.save(update_fields=["is_public"])
    log(
        photo.report,
        "defect_reports.photo_shown" if public else "defect_reports.photo_hidden",
        user=user,
        data={"photo": photo.pk},
    )
    if not public:
        purge_public_photos([photo])
    return True


def redact_photo(photo, user, rectangles) -> None:
    """Black out areas of a photo: the public copy and the thumbnail are made again."""
    with transaction.atomic():
        redaction.apply_redactions(photo, rectangles)
        log(
            photo.report,
            "defect_reports.photo_redacted",
            user=user,
            data={"photo": photo.pk, "areas": len(photo.redactions)},
        )
    purge_public_photos([photo])


def purge_public_photos(photos) -> None:
    """Tell the caching proxy (if there is one) to forget photos that changed or were hidden."""
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    urls = []
    for photo in photos:
        urls.append(base + reverse("defect_photo", args=[photo.pk]))
        urls.append(base + reverse("defect_photo_thumb", args=[photo.pk]))
    if urls:
        transaction.on_commit(lambda: purge_urls_from_cache(urls))


class ProcessedLogFormatter(LogFormatter):
    """The history's line for a processing step: what changed, never the texts."""

    label = gettext_lazy("Report processed")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        labels = dict(Status.choices)
        parts = []
        if "status" in data:
            parts.append(
                _("Status changed from “%(old)s” to “%(new)s”.")
                % {
                    "old": labels.get(data.get("old_status"), data.get("old_status")),
                    "new": labels.get(data["status"], data["status"]),
                }
            )
        if data.get("released") is True:
            parts.append(_("Released to the public."))
        elif data.get("released") is False:
            parts.append(_("No longer public."))
        if data.get("duplicate_of"):
            parts.append(_("Duplicate of %(reference)s.") % {"reference": data["duplicate_of"]})
        if data.get("forwarded_to"):
            parts.append(_("Forwarded to %(authority)s.") % {"authority": data["forwarded_to"]})
        if data.get("public_answer"):
            parts.append(_("Public answer given."))
        if data.get("internal_note"):
            parts.append(_("Internal note added."))
        return " ".join(parts) or _("Report processed.")


def register_log_actions(actions):
    """The report's own entries in Wagtail's history (see wagtail_hooks.py)."""
    actions.register_action("defect_reports.processed")(ProcessedLogFormatter)
    actions.register_action(
        "defect_reports.photo_shown", _("Photo shown"), _("A photo was made public.")
    )
    actions.register_action(
        "defect_reports.photo_hidden", _("Photo hidden"), _("A photo was hidden from the public.")
    )
    actions.register_action(
        "defect_reports.photo_redacted",
        _("Photo blacked out"),
        _("Areas of a photo were blacked out."),
    )


# --- Listing: filters, search, columns ----------------------------------------------------

OPEN, CLOSED = "open", "closed"


def category_choices(user) -> list[tuple[str, str]]:
    """The categories of the user's departments, once per category (not per language)."""
    from .views import category_names

    names = category_names(translation.get_language())
    keys = permissions.category_keys(user)
    categories = DefectCategory.objects.order_by("sort_order", "name")
    if keys is not None:
        categories = categories.filter(translation_key__in=keys)
    choices = {}
    for key in categories.values_list("translation_key", flat=True):
        choices.setdefault(str(key), names.get(key, ""))
    return sorted(choices.items(), key=lambda item: item[1].lower())


def department_choices(user) -> list[tuple[str, str]]:
    """The departments in the site's main language that the user's teams work for."""
    keys = permissions.category_keys(user)
    categories = DefectCategory.objects.filter(
        locale__language_code=settings.LANGUAGE_CODE
    ).exclude(department="")
    if keys is not None:
        categories = categories.filter(translation_key__in=keys)
    departments = sorted(set(categories.values_list("department", flat=True)))
    return [(name, name) for name in departments]


class DefectReportFilterSet(WagtailFilterSet):
    """The list's filters: status (or open/closed), category, department, reported between,
    with photos, released."""

    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        method="filter_status",
        empty_label=gettext_lazy("All"),
        widget=forms.RadioSelect,
        choices=lambda: [
            (OPEN, _("Open (new, released, in progress)")),
            (CLOSED, _("Closed")),
            *Status.choices,
        ],
    )
    category = django_filters.ChoiceFilter(
        label=gettext_lazy("Category"),
        method="filter_category",
        empty_label=gettext_lazy("All"),
    )
    department = django_filters.ChoiceFilter(
        label=gettext_lazy("Department"),
        method="filter_department",
        empty_label=gettext_lazy("All"),
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Reported between"), widget=DateRangePickerWidget
    )
    has_photos = django_filters.BooleanFilter(
        label=gettext_lazy("With photos"), method="filter_has_photos", widget=BooleanRadioSelect
    )
    released = django_filters.BooleanFilter(
        label=gettext_lazy("Released"), widget=BooleanRadioSelect
    )

    class Meta:
        model = DefectReport
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["category"].extra["choices"] = category_choices(user)
        self.filters["department"].extra["choices"] = department_choices(user)

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=DefectReport.OPEN_STATUSES)
        if value == CLOSED:
            return queryset.exclude(status__in=DefectReport.OPEN_STATUSES)
        return queryset.filter(status=value)

    def filter_category(self, queryset, name, value):
        return queryset.filter(category__translation_key=value)

    def filter_department(self, queryset, name, value):
        keys = DefectCategory.objects.filter(department=value).values("translation_key")
        return queryset.filter(category__translation_key__in=keys)

    def filter_has_photos(self, queryset, name, value):
        # A subquery, not a join: the list counts the photos of each report.
        has_photos = Exists(DefectPhoto.objects.filter(report=OuterRef("pk")))
        return queryset.filter(has_photos if value else ~has_photos)


SEARCH_FIELDS = ["reference", "description", "address"]


def listed_reports(request, queryset):
    """The reports the list shows for the request's filters and search (``q``), for "select
    all in listing" of the bulk actions."""
    filters = DefectReportFilterSet(request.GET, queryset=queryset, request=request)
    if filters.is_valid():
        queryset = filters.qs
    query = request.GET.get("q", "").strip()
    if query:
        condition = Q()
        for field in SEARCH_FIELDS:
            condition |= Q(**{f"{field}__icontains": query})
        queryset = queryset.filter(condition)
    return queryset


def place_text(report) -> str:
    """The report's nearest address, or its coordinates when it has none."""
    return report.address or f"{report.latitude:.5f}, {report.longitude:.5f}"


def category_name(report, names=None) -> str:
    """The report's category in the admin's language, whichever language it was reported in."""
    if names is None:
        from .views import category_names

        names = category_names(translation.get_language())
    return names.get(report.category.translation_key, report.category.name)


# --- The workflow form --------------------------------------------------------------------


def answer_templates(report):
    """Answer templates in the reporter's language (else the site's main language)."""
    templates = AnswerTemplate.objects.filter(locale__language_code=report.language)
    if not templates.exists():
        templates = AnswerTemplate.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    return list(templates.order_by("title"))


def template_choices(templates):
    """Templates grouped by the status they are for, those for every status last."""
    labels = dict(Status.choices)
    groups = {}
    for template in templates:
        groups.setdefault(template.status, []).append((str(template.pk), template.title))
    choices = [("", _("No template"))]
    for status in [*Status.values, ""]:
        if status in groups:
            label = (
                _("For “%(status)s”") % {"status": labels[status]} if status else _("Any status")
            )
            choices.append((label, groups[status]))
    return choices


class ReportWorkflowForm(forms.Form):
    """What staff decide about a report: the new status, a public answer (from a template or
    written), an internal note, a duplicate's original, whom it was forwarded to, and whether
    the report is public."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Status.choices)
    answer_template = forms.ChoiceField(
        label=gettext_lazy("Answer template"),
        required=False,
        help_text=gettext_lazy("Fills in the public answer, which you can then change."),
    )
    public_answer = forms.CharField(
        label=gettext_lazy("Public answer"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Shown on the reporter's page and, once the report is released, on the public "
            "page; emailed with a new status to a reporter who confirmed their address. "
            "Never write personal data here."
        ),
    )
    internal_note = forms.CharField(
        label=gettext_lazy("Internal note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Only staff see this; never the reporter or the public."),
    )
    duplicate_of = forms.CharField(
        label=gettext_lazy("Original report (for duplicates)"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("The reference of the report this one repeats, e.g. ABCD-2345."),
    )
    forwarded_to = forms.CharField(
        label=gettext_lazy("Forwarded to (for forwarded reports)"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("The authority now responsible, as the reporter should read it."),
    )
    released = forms.BooleanField(
        label=gettext_lazy("Shown publicly"),
        required=False,
        help_text=gettext_lazy(
            "Released reports appear on the public map and list, without personal data."
        ),
    )

    def __init__(self, *args, report, user, **kwargs):
        self.report = report
        self.user = user
        kwargs.setdefault(
            "initial",
            {
                "status": report.status,
                "duplicate_of": report.duplicate_of.reference if report.duplicate_of else "",
                "forwarded_to": report.forwarded_to,
                "released": report.released,
            },
        )
        super().__init__(*args, **kwargs)
        self.templates = answer_templates(report)
        self.fields["answer_template"].choices = template_choices(self.templates)

    @classmethod
    def with_template(cls, data, *, report, user):
        """An unbound form holding what was posted, with the chosen template's text as the
        public answer: the "use template" button when scripts are off."""
        form = cls(data, report=report, user=user)
        initial = {name: form[name].value() for name in form.fields}
        template = form.chosen_template()
        if template is not None:
            initial["public_answer"] = template.text
        return cls(report=report, user=user, initial=initial)

    def chosen_template(self):
        value = self.data.get("answer_template", "")
        return next((t for t in self.templates if str(t.pk) == value), None)

    def templates_json(self) -> dict:
        return {str(template.pk): template.text for template in self.templates}

    def clean_duplicate_of(self):
        reference = self.cleaned_data["duplicate_of"].strip().upper()
        if not reference:
            return None
        original = permissions.reports_for(self.user).filter(reference=reference).first()
        if original is None:
            raise forms.ValidationError(
                _("There is no report with the reference %(reference)s.") % {"reference": reference}
            )
        if original.pk == self.report.pk:
            raise forms.ValidationError(_("A report cannot be a duplicate of itself."))
        if original.duplicate_of_id is not None and original.duplicate_of_id != self.report.pk:
            raise forms.ValidationError(
                _("%(reference)s is itself a duplicate. Please give its original instead.")
                % {"reference": reference}
            )
        if original.duplicate_of_id == self.report.pk:
            raise forms.ValidationError(
                _("%(reference)s is already marked as a duplicate of this report.")
                % {"reference": reference}
            )
        return original

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status == Status.DUPLICATE and not cleaned.get("duplicate_of"):
            if "duplicate_of" not in self.errors:
                self.add_error(
                    "duplicate_of",
                    _("Give the reference of the original report for a duplicate."),
                )
        if status == Status.FORWARDED and not cleaned.get("forwarded_to", "").strip():
            self.add_error("forwarded_to", _("Say which authority the report was forwarded to."))
        if status == Status.NEW and cleaned.get("released"):
            cleaned["status"] = Status.RELEASED
        return cleaned

    def save(self) -> dict:
        data = self.cleaned_data
        return process_report(
            self.report,
            self.user,
            status=data["status"],
            public_answer=data.get("public_answer", ""),
            internal_note=data.get("internal_note", ""),
            duplicate_of=data.get("duplicate_of"),
            forwarded_to=data.get("forwarded_to", ""),
            released=data.get("released", False),
        )


class RedactionForm(forms.Form):
    """One more area to black out, typed as pixels of the photo (the keyboard's way to do
    what the mouse does on the canvas)."""

    x = forms.IntegerField(label=gettext_lazy("From the left (x)"), min_value=0)
    y = forms.IntegerField(label=gettext_lazy("From the top (y)"), min_value=0)
    width = forms.IntegerField(label=gettext_lazy("Width"), min_value=1)
    height = forms.IntegerField(label=gettext_lazy("Height"), min_value=1)

    def __init__(self, *args, photo, **kwargs):
        super().__init__(*args, **kwargs)
        self.photo = photo
        self.fields["x"].max_value = photo.width
        self.fields["y"].max_value = photo.height
        for name in ("x", "y", "width", "height"):
            self.fields[name].widget.attrs.update({"min": 0, "inputmode": "numeric"})
        self.fields["x"].widget.attrs["max"] = photo.width
        self.fields["y"].widget.attrs["max"] = photo.height
        self.fields["width"].widget.attrs["max"] = photo.width
        self.fields["height"].widget.attrs["max"] = photo.height

    def rectangle(self) -> list[int]:
        data = self.cleaned_data
        return [data["x"], data["y"], data["width"], data["height"]]


# --- Shared context of the processing and inspect pages -----------------------------------


@dataclass
class PhotoRow:
    """A photo on the processing page, with its addresses and state."""

    photo: DefectPhoto
    number: int
    thumb_url: str
    original_url: str
    public_url: str
    redact_url: str
    visibility_url: str


def history_rows(report):
    """The report's status changes, oldest first, with the name of who made each."""
    changes = list(report.status_changes.select_related("user").order_by("created_at", "pk"))
    for change in changes:
        change.user_display = get_user_display_name(change.user) if change.user else ""
    return changes


def admin_map_config(markers, *, center=None, zoom=15, label="") -> dict:
    """What the admin's map script needs (vendored Leaflet, the configured tiles)."""
    return {
        "tiles": settings.TILE_SERVER_URL,
        "attribution": settings.TILE_ATTRIBUTION,
        "center": center or settings.DEFECT_REPORTS.get("MAP_CENTER", [51.056, 12.556]),
        "zoom": zoom,
        "markers": markers,
        "label": label,
        "strings": {
            "zoomIn": _("Zoom in"),
            "zoomOut": _("Zoom out"),
            "close": _("Close"),
        },
    }


def report_details(request, report, *, can_change: bool) -> dict:
    """The facts, photos, map and history shown on a report's processing and inspect pages."""
    from .views import reporter_page

    photos = []
    for number, photo in enumerate(report.photos.all(), start=1):
        photos.append(
            PhotoRow(
                photo=photo,
                number=number,
                thumb_url=reverse("defect_photo_thumb", args=[photo.pk]),
                original_url=reverse("defect_photo", args=[photo.pk]),
                public_url=reverse("defect_photo", args=[photo.pk]) + "?redacted=1",
                redact_url=reverse("defect_reports:photo_redact", args=[photo.pk]),
                visibility_url=reverse("defect_reports:photo_visibility", args=[photo.pk]),
            )
        )
    public_url = None
    if report.released:
        page = reporter_page()
        if page is not None:
            public_url = page.report_url(report, request)
    return {
        "report": report,
        "category_name": category_name(report),
        "place": place_text(report),
        "show_personal_data": permissions.can_see_personal_data(request.user),
        "has_personal_data": bool(report.name or report.email or report.phone),
        "photos": photos,
        "history": history_rows(report),
        "duplicates": list(report.duplicates.order_by("created_at")),
        "public_url": public_url,
        "can_change": can_change,
        "map_config": admin_map_config(
            [{"lat": report.latitude, "lon": report.longitude, "label": place_text(report)}],
            center=[report.latitude, report.longitude],
            zoom=17,
            label=_("Map of the place of report %(reference)s") % {"reference": report.reference},
        ),
    }


# --- Views --------------------------------------------------------------------------------


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


def _local_time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class ReportIndexView(IndexView):
    """The list of reports the user's teams process, newest first."""

    template_name = "defect_reports/admin/index.html"
    custom_field_preprocess = {
        "released": {"csv": _yes_no, "xlsx": _yes_no},
        "created_at": {"csv": _local_time, "xlsx": _local_time},
    }

    def get_base_queryset(self):
        return (
            permissions.reports_for(self.request.user)
            .select_related("category")
            .annotate(photo_count=Count("photos"))
        )

    @cached_property
    def can_change(self):
        return permissions.can_change_reports(self.request.user)

    @cached_property
    def category_names(self):
        from .views import category_names

        return category_names(translation.get_language())

    def category_name(self, report):
        return category_name(report, self.category_names)

    @cached_property
    def columns(self):
        columns = [
            self._get_title_column(
                "reference",
                get_title_id=lambda report: f"defect_report_{report.pk}_title",
            ),
            Column(
                "category",
                label=_("Category"),
                accessor=self.category_name,
                sort_key="category__name",
            ),
            Column("place", label=_("Place"), accessor=place_text),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                primary=lambda report: report.is_open,
                sort_key="status",
            ),
            Column(
                "released",
                label=_("Public"),
                accessor=lambda report: _("yes") if report.released else _("no"),
                sort_key="released",
            ),
            DateColumn("created_at", label=_("Reported"), sort_key="created_at"),
            NumberColumn("photo_count", label=_("Photos"), sort_key="photo_count"),
        ]
        if self.can_change:
            columns.insert(0, BulkActionsCheckboxColumn("bulk_actions", obj_type="defect_report"))
        return columns

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Map of open reports"), url=reverse("defect_reports:map"), icon_name="site"
            )
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["can_bulk_process"] = self.can_change
        return context


class ReportQuerysetMixin:
    """Reports outside the user's departments do not exist for them (404)."""

    def get_queryset(self):
        return permissions.reports_for(self.request.user).select_related("category", "duplicate_of")


class ReportProcessView(ReportQuerysetMixin, EditView):
    """A report with everything staff need to process it, and the workflow form. Users who
    may only view reports are sent to the inspect view."""

    template_name = "defect_reports/admin/edit.html"
    form_class = ReportWorkflowForm
    submit_button_label = gettext_lazy("Save")

    def dispatch(self, request, *args, **kwargs):
        if not self.user_has_permission("change") and self.user_has_permission("view"):
            return redirect(self.inspect_url_name, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Report %(reference)s") % {"reference": self.object.reference}

    def get_page_subtitle(self):
        return self.get_page_title()

    def get_header_title(self):
        return self.get_page_title()

    def get_form_kwargs(self):
        kwargs = {"report": self.object, "user": self.request.user}
        if self.request.method == "POST":
            kwargs["data"] = self.request.POST
        return kwargs

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if "use_template" in request.POST:
            self.form = ReportWorkflowForm.with_template(
                request.POST, report=self.object, user=request.user
            )
            return self.render_to_response(self.get_context_data())
        return super().post(request, *args, **kwargs)

    def save_instance(self):
        self.changes = self.form.save()
        return self.object

    def get_success_message(self):
        if not self.changes:
            return _("Report %(reference)s: nothing changed.") % {
                "reference": self.object.reference
            }
        return _("Report %(reference)s saved.") % {"reference": self.object.reference}

    def get_success_url(self):
        return reverse(self.edit_url_name, args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(report_details(self.request, self.object, can_change=True))
        context["answer_templates"] = self.form.templates_json()
        return context


class ReportInspectView(InspectView):
    """A report read-only, for staff who may view but not process reports."""

    template_name = "defect_reports/admin/inspect.html"
    any_permission_required = ["change", "view"]

    def get_object(self, queryset=None):
        return get_object_or_404(
            permissions.reports_for(self.request.user).select_related("category"),
            pk=self.pk,
        )

    def get_page_title(self):
        return _("Report %(reference)s") % {"reference": self.object.reference}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            report_details(
                self.request,
                self.object,
                can_change=permissions.can_change_report(self.request.user, self.object),
            )
        )
        return context


class ReportHistoryView(HistoryView):
    """Wagtail's history of a report, for the staff who see it."""

    any_permission_required = ["change", "view"]

    def get_base_object_queryset(self):
        return permissions.reports_for(self.request.user)


class PhotoViewMixin(PermissionCheckedMixin):
    """Views on one photo of a report the user may process."""

    model = DefectReport
    permission_required = "change"

    def get_photo(self):
        reports = permissions.reports_for(self.request.user)
        return get_object_or_404(
            DefectPhoto.objects.select_related("report__category").filter(report__in=reports),
            pk=self.kwargs["pk"],
        )


class PhotoVisibilityView(PhotoViewMixin, TemplateView):
    """Show a photo publicly or hide it (a button on the processing page)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        photo = self.get_photo()
        public = request.POST.get("public") == "1"
        if set_photo_public(photo, request.user, public):
            if public:
                messages.success(request, _("Photo %(number)s is shown publicly.") % self._n(photo))
            else:
                messages.success(request, _("Photo %(number)s is hidden.") % self._n(photo))
        edit_url = reverse("defect_reports:edit", args=[photo.report_id])
        return redirect(f"{edit_url}#photo-{photo.pk}")

    @staticmethod
    def _n(photo):
        numbers = list(photo.report.photos.values_list("pk", flat=True))
        return {"number": numbers.index(photo.pk) + 1}


class PhotoRedactionView(PhotoViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """Black out areas of a photo: drawn with the mouse on the photo, or typed as pixels."""

    template_name = "defect_reports/admin/redact.html"
    header_icon = "image"

    def get_page_title(self):
        return _("Black out areas")

    def get_page_subtitle(self):
        return _("Report %(reference)s") % {"reference": self.photo.report.reference}

    def get_breadcrumbs_items(self):
        report = self.photo.report
        return self.breadcrumbs_items + [
            {"url": reverse("defect_reports:index"), "label": _("Defect reports")},
            {
                "url": reverse("defect_reports:edit", args=[report.pk]),
                "label": _("Report %(reference)s") % {"reference": report.reference},
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        self.photo = self.get_photo()
        return self.render_to_response(self.get_context_data(form=RedactionForm(photo=self.photo)))

    def post(self, request, *args, **kwargs):
        self.photo = self.get_photo()
        photo = self.photo
        try:
            rectangles = redaction.clean_rectangles(
                json.loads(request.POST.get("redactions") or "[]"), photo.width, photo.height
            )
        except (ValueError, redaction.RedactionError):
            messages.error(request, _("The areas could not be read. Please try again."))
            return redirect(request.path)
        form = RedactionForm(photo=photo)
        action = request.POST.get("action", "save")
        if request.POST.get("remove", "").isdigit():
            index = int(request.POST["remove"])
            if 0 <= index < len(rectangles):
                del rectangles[index]
        elif action == "add":
            form = RedactionForm(request.POST, photo=photo)
            if not form.is_valid():
                messages.validation_error(
                    request, _("The area could not be added: check its numbers."), form
                )
                return self.render_to_response(self.get_context_data(form=form))
            rectangles.append(form.rectangle())
        elif action == "clear":
            rectangles = []
        redact_photo(photo, request.user, rectangles)
        messages.success(
            request,
            ngettext(
                "%(count)d area of the photo is blacked out.",
                "%(count)d areas of the photo are blacked out.",
                len(photo.redactions),
            )
            % {"count": len(photo.redactions)}
            if photo.redactions
            else _("No area of the photo is blacked out."),
        )
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        photo = self.photo
        context.update(
            {
                "photo": photo,
                "report": photo.report,
                "original_url": reverse("defect_photo", args=[photo.pk]),
                "public_url": reverse("defect_photo", args=[photo.pk])
                + f"?redacted=1&v={len(photo.redactions)}-{photo.redacted.name[-12:]}",
                "rectangles": list(enumerate(photo.redactions)),
                "redactions_json": json.dumps(photo.redactions),
                "edit_url": reverse("defect_reports:edit", args=[photo.report_id]),
                "redact_strings": {
                    "area": _("{width} × {height} pixels at {x}, {y}"),
                    "unsaved": _("(not saved yet)"),
                    "remove": _("Remove area {number}"),
                    "added": _("Area {number} marked. Save to black it out."),
                    "removed": _("Area removed."),
                },
            }
        )
        return context


class OpenReportsMapView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """The open reports the user's teams process, on a map and as a list."""

    model = DefectReport
    any_permission_required = ["change", "view"]
    template_name = "defect_reports/admin/map.html"
    page_title = gettext_lazy("Map of open reports")
    header_icon = "site"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("defect_reports:index"), "label": _("Defect reports")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        from .views import category_names

        context = super().get_context_data(**kwargs)
        user = self.request.user
        can_change = permissions.can_change_reports(user)
        url_name = "defect_reports:edit" if can_change else "defect_reports:inspect"
        reports = list(
            permissions.reports_for(user)
            .filter(status__in=DefectReport.OPEN_STATUSES)
            .select_related("category")
            .order_by("-created_at")
        )
        names = category_names(translation.get_language())
        for report in reports:
            report.admin_url = reverse(url_name, args=[report.pk])
            report.place = place_text(report)
            report.category_name = category_name(report, names)
        markers = [
            {
                "lat": report.latitude,
                "lon": report.longitude,
                "label": f"{report.reference}: {report.category_name}, {report.place} "
                f"({report.get_status_display()})",
                "url": report.admin_url,
                "link": _("Open report %(reference)s") % {"reference": report.reference},
                "new": report.status == Status.NEW,
            }
            for report in reports
        ]
        center = None
        if reports:
            center = [
                sum(r.latitude for r in reports) / len(reports),
                sum(r.longitude for r in reports) / len(reports),
            ]
        context.update(
            {
                "reports": reports,
                "map_config": admin_map_config(
                    markers, center=center, zoom=14, label=_("Map of open reports")
                ),
            }
        )
        return context


# --- Bulk actions -------------------------------------------------------------------------


class ReportBulkAction(BulkAction):
    """A bulk action on the reports the user may process; others are left out unseen."""

    models = [DefectReport]

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_change_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_actionable_objects(self):
        reports = permissions.reports_for(self.request.user).select_related("category")
        ids = self.request.GET.getlist("id")
        if "all" in ids:
            reports = listed_reports(self.request, reports)
        else:
            reports = reports.filter(pk__in=[value for value in ids if value.isdigit()])
        return list(reports.order_by("-created_at")), {"items_with_no_access": []}

    @cached_property
    def category_names(self):
        from .views import category_names

        return category_names(translation.get_language())

    def object_context(self, report):
        return {
            "item": report,
            "category": category_name(report, self.category_names),
            "place": place_text(report),
            "edit_url": reverse("defect_reports:edit", args=[report.pk]),
        }

    def get_execution_context(self):
        return {"user": self.request.user, **self.cleaned_form.cleaned_data}


class ReleaseBulkAction(ReportBulkAction):
    display_name = gettext_lazy("Release")
    action_type = "release"
    aria_label = gettext_lazy("Release the selected reports")
    template_name = "defect_reports/admin/bulk_release.html"
    action_priority = 10

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        return sum(release_report(report, user) for report in objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d report released.", "%(count)d reports released.", num_parent_objects
        ) % {"count": num_parent_objects}


class CloseForm(forms.Form):
    public_answer = forms.CharField(
        label=gettext_lazy("Public answer (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The same answer for every selected report."),
    )


class CloseBulkAction(ReportBulkAction):
    display_name = gettext_lazy("Close as resolved")
    action_type = "close"
    aria_label = gettext_lazy("Close the selected reports as resolved")
    template_name = "defect_reports/admin/bulk_close.html"
    action_priority = 20
    form_class = CloseForm

    @classmethod
    def execute_action(cls, objects, user=None, public_answer="", **kwargs):
        return sum(close_report(report, user, public_answer) for report in objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d report closed as resolved.",
            "%(count)d reports closed as resolved.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


# --- Dashboard panel ----------------------------------------------------------------------

WEEKS = 12
RESOLUTION_DAYS = 90


@dataclass
class Bar:
    """One bar of a server-drawn SVG chart: its label, value and geometry."""

    label: str
    value: int
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    text_x: float = 0
    text_y: float = 0
    label_x: float = 0
    label_y: float = 0
    full_label: str = ""


def horizontal_bars(items, *, width=540, row=26, label_width=230):
    """Bars growing to the right, one row per item (open reports per category)."""
    top = max((bar.value for bar in items), default=0) or 1
    space = width - label_width - 40
    for index, bar in enumerate(items):
        bar.x = label_width
        bar.y = index * row + 4
        bar.height = row - 8
        bar.width = round(space * bar.value / top, 1)
        bar.text_x = label_width + bar.width + 6
        bar.text_y = bar.y + bar.height - 4
        bar.label_x = label_width - 8
    return {"bars": items, "width": width, "height": max(len(items), 1) * row}


def vertical_bars(items, *, height=170, column=44):
    """Bars growing upwards, one column per item (reports per week)."""
    top = max((bar.value for bar in items), default=0) or 1
    space = height - 40
    for index, bar in enumerate(items):
        bar.width = column - 10
        bar.height = round(space * bar.value / top, 1)
        bar.x = index * column + 5
        bar.y = height - 20 - bar.height
        bar.text_x = bar.x + bar.width / 2
        bar.text_y = bar.y - 4
        bar.label_y = height - 5
    return {"bars": items, "width": len(items) * column, "height": height, "axis_y": height - 20}


def duration_text(seconds: float) -> str:
    """A duration for people: hours up to two days, then days with one decimal."""
    hours = seconds / 3600
    if hours < 48:
        count = round(hours)
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    days = round(hours / 24, 1)
    return _("%(days)s days") % {"days": number_format(days, 0 if days % 1 == 0 else 1)}


def dashboard_numbers(user, today=None) -> dict:
    """Open reports per category, reports per week (the last 12 weeks, this one included) and
    the median time from report to resolution (resolved in the last 90 days), for the reports
    the user sees; a constant number of queries."""
    from .views import category_names

    now = timezone.now()
    today = today or timezone.localdate(now)
    reports = permissions.reports_for(user)

    names = category_names(translation.get_language())
    open_counts = (
        reports.filter(status__in=DefectReport.OPEN_STATUSES)
        .values("category__translation_key")
        .annotate(count=Count("pk"))
        .order_by()
    )
    per_category = {}
    for row in open_counts:
        name = names.get(row["category__translation_key"], "?")
        per_category[name] = per_category.get(name, 0) + row["count"]
    categories = [
        Bar(name, count)
        for name, count in sorted(per_category.items(), key=lambda item: (-item[1], item[0]))
    ]

    this_monday = today - timedelta(days=today.weekday())
    first_monday = this_monday - timedelta(weeks=WEEKS - 1)
    start = timezone.make_aware(
        timezone.datetime.combine(first_monday, timezone.datetime.min.time())
    )
    weekly = (
        reports.filter(created_at__gte=start)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {}
    for row in weekly:
        week = row["week"]
        day = timezone.localtime(week).date() if timezone.is_aware(week) else week.date()
        counts[day] = counts.get(day, 0) + row["count"]
    weeks = []
    for index in range(WEEKS):
        monday = first_monday + timedelta(weeks=index)
        full_label = _("Week of %(date)s") % {"date": date_format(monday, "SHORT_DATE_FORMAT")}
        weeks.append(Bar(date_format(monday, "d.m."), counts.get(monday, 0), full_label=full_label))

    durations = [
        (closed - created).total_seconds()
        for created, closed in reports.filter(
            status=Status.RESOLVED,
            closed_at__gte=now - timedelta(days=RESOLUTION_DAYS),
            closed_at__isnull=False,
        ).values_list("created_at", "closed_at")
    ]
    median = statistics.median(durations) if durations else None
    return {
        "categories": categories,
        "open_total": sum(bar.value for bar in categories),
        "weeks": weeks,
        "week_total": sum(bar.value for bar in weeks),
        "median_seconds": median,
        "median_text": duration_text(median) if median is not None else "",
        "resolved_count": len(durations),
    }


class DefectReportsPanel(Component):
    """The dashboard's Mängelmelder panel: numbers and charts of the reports the user sees."""

    name = "defect_reports"
    template_name = "defect_reports/admin/dashboard_panel.html"
    order = 90

    class Media:
        css = {"all": ["defect_reports/admin/admin.css"]}

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        numbers = dashboard_numbers(self.request.user)
        return {
            **numbers,
            "category_chart": horizontal_bars(numbers["categories"]),
            "week_chart": vertical_bars(numbers["weeks"]),
            "index_url": reverse("defect_reports:index"),
            "map_url": reverse("defect_reports:map"),
            "resolution_days": RESOLUTION_DAYS,
            "weeks_count": WEEKS,
        }


# --- Viewsets -----------------------------------------------------------------------------


class DefectReportViewSet(ModelViewSet):
    """Defect reports in the admin: list, processing page, inspect, history, photos, map.
    No "add", "copy" or "delete": reports come from citizens and Open311, and retention
    removes them."""

    model = DefectReport
    name = "defect_reports"
    url_prefix = "defect-reports"
    icon = "tasks"
    menu_label = gettext_lazy("Reports")
    add_to_admin_menu = False
    index_view_class = ReportIndexView
    edit_view_class = ReportProcessView
    inspect_view_class = ReportInspectView
    history_view_class = ReportHistoryView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    ordering = "-created_at"
    filterset_class = DefectReportFilterSet
    search_fields = SEARCH_FIELDS
    search_backend_name = None
    list_export = [
        "reference",
        "category",
        "address",
        "get_status_display",
        "released",
        "created_at",
    ]
    export_headings = {
        "address": gettext_lazy("Place"),
        "get_status_display": gettext_lazy("Status"),
        "released": gettext_lazy("Public"),
        "created_at": gettext_lazy("Reported"),
    }

    def get_form_class(self, for_update=False):
        return ReportWorkflowForm

    def get_common_view_kwargs(self, **kwargs):
        return {
            **super().get_common_view_kwargs(**kwargs),
            "add_url_name": None,
            "delete_url_name": None,
            "usage_url_name": None,
        }

    def get_urlpatterns(self):
        removed = {"add", "delete", "usage"}
        return [p for p in super().get_urlpatterns() if p.name not in removed] + [
            path("map/", OpenReportsMapView.as_view(), name="map"),
            path(
                "photos/<int:pk>/visibility/",
                PhotoVisibilityView.as_view(),
                name="photo_visibility",
            ),
            path("photos/<int:pk>/redact/", PhotoRedactionView.as_view(), name="photo_redact"),
        ]


class DefectTeamViewSet(ModelViewSet):
    """Which user groups process which departments' reports (Settings menu)."""

    model = DefectTeam
    name = "defect_teams"
    url_prefix = "defect-teams"
    icon = "group"
    menu_label = gettext_lazy("Defect processing teams")
    add_to_settings_menu = True
    form_fields = ["group", "departments"]
    list_display = ["group", "departments"]
    copy_view_enabled = False
