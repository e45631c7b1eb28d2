"""The reporter's form: category, place, description and photos, contact. It works without
JavaScript (a typed address or coordinates) and keeps its photos in a server-side draft."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import geo, places
from .models import DefectCategory
from .photos import ACCEPT_ATTRIBUTE
from .questions import questions

PHONE = re.compile(r"^[+()\d][\d\s()/\-.]{4,38}$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CategoryChoiceField(forms.ModelChoiceField):
    """The categories as radio buttons; the template draws them with icon and hint."""

    widget = forms.RadioSelect

    def label_from_instance(self, obj):
        return obj.name


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def question_field(question: dict) -> forms.Field:
    """A form field for one extra question of a category (see defect_reports.questions)."""
    options = {"label": question["label"], "required": False}
    if question.get("datatype_description"):
        options["help_text"] = question["datatype_description"]
    datatype = question["datatype"]
    choices = [(value["key"], value["name"] or value["key"]) for value in question["values"]]
    if datatype == "singlevaluelist":
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)
    if datatype == "multivaluelist":
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **options
        )
    if datatype == "number":
        return forms.FloatField(widget=forms.NumberInput(attrs={"step": "any"}), **options)
    if datatype == "datetime":
        return forms.DateTimeField(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **options
        )
    if datatype == "text":
        return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **options)
    return forms.CharField(max_length=500, **options)


class QuestionGroup:
    """The extra questions of one category, as bound fields for the template."""

    def __init__(self, category, fields):
        self.category = category
        self.fields = fields


class DefectReportForm(forms.Form):
    """Everything a citizen types; the photos are handled by the view (into the draft)."""

    category = CategoryChoiceField(
        label=_("What would you like to report?"),
        queryset=DefectCategory.objects.none(),
        empty_label=None,
        error_messages={"required": _("Please choose what you would like to report.")},
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=200,
        help_text=_("Street and house number, e.g. Marktplatz 1. Or pick the place on the map."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        help_text=_("What is wrong, and where exactly? At most 4,000 characters."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 4000}),
        error_messages={"required": _("Please describe the defect in a few words.")},
    )
    photos = forms.FileField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=150)
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("We send you a link to confirm it, then news about your report."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        help_text=_("Only if we may call you with questions."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, locale=None, site=None, draft=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.draft = draft
        self.place_from_photo = False
        categories = DefectCategory.objects.filter(active=True)
        if locale is not None:
            categories = categories.filter(locale=locale)
        self.fields["category"].queryset = categories.order_by("sort_order", "name")
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.questions = {}  # field name → (category pk, question)
        for category in self.fields["category"].queryset:
            for question in questions(category):
                name = f"q{category.pk}_{question['code']}"
                self.fields[name] = question_field(question)
                self.questions[name] = (category.pk, question)
        self.fields["photos"].help_text = _(
            "Up to %(count)d photos (JPEG, PNG, WebP or HEIC), each at most %(size)d MB. We "
            "remove the place and camera data stored in them before saving."
        ) % {
            "count": settings.DEFECT_REPORTS["MAX_PHOTOS"],
            "size": settings.DEFECT_REPORTS["MAX_PHOTO_BYTES"] // (1024 * 1024),
        }

    def clean_category(self):
        category = self.cleaned_data["category"]
        if category.handled_elsewhere:
            raise forms.ValidationError(
                _("The town is not responsible for this. Please contact %(authority)s instead.")
                % {"authority": category.elsewhere_name or category.name},
                code="elsewhere",
            )
        return category

    def clean_description(self):
        text = CONTROL_CHARACTERS.sub("", self.cleaned_data["description"]).strip()
        text = text.replace("\r\n", "\n")
        if not text:
            raise forms.ValidationError(_("Please describe the defect in a few words."))
        return text

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(_("Please enter a phone number, e.g. 03433 1234567."))
        return phone

    def clean_name(self):
        return CONTROL_CHARACTERS.sub("", self.cleaned_data["name"]).strip()

    @property
    def question_groups(self) -> list[QuestionGroup]:
        groups = {}
        for name, (category_pk, _question) in self.questions.items():
            groups.setdefault(category_pk, []).append(self[name])
        categories = {c.pk: c for c in self.fields["category"].queryset}
        return [QuestionGroup(categories[pk], fields) for pk, fields in groups.items()]

    def _clean_answers(self, data):
        """The chosen category's answers by question code; required ones must be there."""
        category = data.get("category")
        data["answers"] = {}
        if category is None:
            return
        for name, (category_pk, question) in self.questions.items():
            if category_pk != category.pk or name in self.errors:
                continue
            value = data.get(name)
            if value in (None, "", []):
                if question["required"]:
                    self.add_error(name, _("Please answer this question."))
                continue
            data["answers"][question["code"]] = (
                value.isoformat() if hasattr(value, "isoformat") else value
            )

    def clean(self):
        data = super().clean()
        self._clean_answers(data)
        if data.get("website"):
            raise forms.ValidationError(
                _(
                    "Your report could not be sent. Please leave the field “Leave this field "
                    "empty” empty."
                ),
                code="honeypot",
            )
        self._clean_place(data)
        return data

    def _clean_place(self, data):
        lat, lon = data.get("latitude"), data.get("longitude")
        if "latitude" in self.errors or "longitude" in self.errors:
            return
        if (lat is None) != (lon is None):
            self.add_error(
                "latitude" if lat is None else "longitude",
                _("Please give both latitude and longitude, or neither."),
            )
            return
        address_text = (data.get("address") or "").strip()
        if lat is None and address_text:
            address, suggestions = places.resolve_address(address_text)
            if address is None:
                if suggestions:
                    message = _("We could not find this address exactly. Did you mean: %(list)s?")
                    message %= {"list": "; ".join(a.label for a in suggestions)}
                else:
                    message = _(
                        "We could not find this address in the town's street directory. Please "
                        "check the street name, or pick the place on the map."
                    )
                self.add_error("address", message)
                return
            lat, lon = address.latitude, address.longitude
            data["address"] = address.label
        if lat is None and self.draft is not None:
            photo = next((p for p in self.draft.photos.all() if p.has_place), None)
            if photo is not None:
                lat, lon = photo.latitude, photo.longitude
                self.place_from_photo = True
        if lat is None:
            self.add_error(
                "address",
                _(
                    "Please tell us where the defect is: type an address, pick the place on the "
                    "map or give its coordinates."
                ),
            )
            return
        if not geo.valid_point(lat, lon):
            self.add_error("latitude", _("These coordinates are not a place on Earth."))
            return
        if not places.inside_town(lat, lon, self.site):
            self.add_error(
                "address",
                _(
                    "This place is outside the town, so we cannot take care of it. Please "
                    "check the place, or contact the authority responsible there."
                ),
            )
            return
        data["latitude"], data["longitude"] = round(lat, 6), round(lon, 6)
        if not address_text or self.place_from_photo:
            data["address"] = places.describe_place(lat, lon)

    def draft_data(self) -> dict:
        """What the draft keeps of the form (all JSON)."""
        data = self.cleaned_data
        return {
            "category": data["category"].pk,
            "address": data.get("address", ""),
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "description": data["description"],
            "name": data.get("name", ""),
            "email": data.get("email", ""),
            "phone": data.get("phone", ""),
            "place_from_photo": self.place_from_photo,
            "answers": data.get("answers", {}),
        }

    @staticmethod
    def initial_from_draft(draft) -> dict:
        data = dict(draft.data)
        data.pop("place_from_photo", None)
        for code, value in data.pop("answers", {}).items():
            data[f"q{data.get('category')}_{code}"] = value
        return data
