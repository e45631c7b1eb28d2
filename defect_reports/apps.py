from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DefectReportsConfig(AppConfig):
    """The defect reporter (Mängelmelder): categories, reports, map, Open311 (issues 5, 6)."""

    name = "defect_reports"
    verbose_name = _("Defect reports")
