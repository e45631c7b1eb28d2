"""Who may see and process which defect reports in the admin.

A report belongs to its category's department. Superusers see every report. Other users see
the reports of the departments their groups' defect processing teams (``DefectTeam``) name, and
only if they also have the model permission to view or change defect reports. Everyone else,
page editors included, sees no reports, no photos that are not public and no personal data.

A category exists once per language and each translation has its own "responsible department"
text ("Tiefbauamt", "Civil Engineering Office"), so a team that names any of them gets the
category in every language.
"""

from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

from .models import DefectCategory, DefectReport, DefectTeam

ALL_DEPARTMENTS = "*"
VIEW_PERMISSIONS = ("defect_reports.view_defectreport", "defect_reports.change_defectreport")
CHANGE_PERMISSION = "defect_reports.change_defectreport"
PERSONAL_DATA_PERMISSION = "defect_reports.view_personal_data"

# Cached on the user object for the length of a request: lists and photos ask many times.
_CACHE_ATTRIBUTE = "_defect_team_departments"
_KEYS_CACHE_ATTRIBUTE = "_defect_team_category_keys"


def team_departments(user) -> frozenset[str] | None:
    """The departments whose reports the user's teams process: ``None`` for all of them
    (superusers, and teams with "*"), an empty set for users without a team."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    if not hasattr(user, _CACHE_ATTRIBUTE):
        departments = set()
        every = False
        for team in DefectTeam.objects.filter(group__user=user):
            names = team.department_list()
            if ALL_DEPARTMENTS in names:
                every = True
            departments.update(name for name in names if name != ALL_DEPARTMENTS)
        setattr(user, _CACHE_ATTRIBUTE, None if every else frozenset(departments))
    return getattr(user, _CACHE_ATTRIBUTE)


def _has_team(user) -> bool:
    departments = team_departments(user)
    return departments is None or bool(departments)


def can_view_reports(user) -> bool:
    """The user works with defect reports at all: a team and the view or change permission."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return any(user.has_perm(permission) for permission in VIEW_PERMISSIONS) and _has_team(user)


def can_change_reports(user) -> bool:
    """The user may process (change status, answer, release) the reports they see."""
    return can_view_reports(user) and user.has_perm(CHANGE_PERMISSION)


def can_see_personal_data(user) -> bool:
    """Reporters' contact data: only for processing staff who also have that permission."""
    return can_view_reports(user) and user.has_perm(PERSONAL_DATA_PERMISSION)


def category_keys(user) -> frozenset | None:
    """The translation keys of the categories whose reports the user's teams process (``None``
    for all of them)."""
    departments = team_departments(user)
    if departments is None:
        return None
    if not hasattr(user, _KEYS_CACHE_ATTRIBUTE):
        keys = DefectCategory.objects.filter(department__in=departments).values_list(
            "translation_key", flat=True
        )
        setattr(user, _KEYS_CACHE_ATTRIBUTE, frozenset(keys) if departments else frozenset())
    return getattr(user, _KEYS_CACHE_ATTRIBUTE)


def department_filter(user) -> Q:
    """A filter on reports for the user's departments (everything for superusers)."""
    keys = category_keys(user)
    if keys is None:
        return Q()
    return Q(category__translation_key__in=keys)


def reports_for(user, queryset=None):
    """The reports the user may see (none for users without a team or permission)."""
    queryset = DefectReport.objects.all() if queryset is None else queryset
    if not can_view_reports(user):
        return queryset.none()
    return queryset.filter(department_filter(user))


def can_see_report(user, report) -> bool:
    """The user may see this report and all its photos in the admin."""
    if not can_view_reports(user):
        return False
    keys = category_keys(user)
    return keys is None or report.category.translation_key in keys


def can_change_report(user, report) -> bool:
    return can_see_report(user, report) and user.has_perm(CHANGE_PERMISSION)


class DefectReportPermissionPolicy(ModelPermissionPolicy):
    """Wagtail's permission checks for defect reports: the model permissions, and a team
    for the report's department. Hides the menu item and answers 403 to users without."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            # Reports come from citizens and Open311; retention removes them, nobody by hand.
            return False
        return super().user_has_permission(user, action) and can_view_reports(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and can_see_report(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not any(self.user_has_permission(user, action) for action in actions):
            return DefectReport.objects.none()
        return reports_for(user)
