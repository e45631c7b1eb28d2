"""Template helpers of the defect reporter: category icons, the privacy notice, statuses."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.models import Site
from wagtail.rich_text import expand_db_html

from ..models import DefectCategory, DefectReportSettings

register = template.Library()


@register.simple_tag
def category_icon(icon: str):
    """A category's icon from the sprite, hidden from screen readers (the name is beside it)."""
    return format_html(
        '<svg class="defect-icon" aria-hidden="true" focusable="false" width="32" height="32">'
        '<use href="{}#defect-{}"></use></svg>',
        static("img/defect-categories.svg"),
        icon or "other",
    )


@register.filter
def elsewhere_category(form):
    """The category chosen in a submitted form, when it is one handled elsewhere."""
    if not form.is_bound:
        return None
    value = form.data.get("category", "")
    if not str(value).isdigit():
        return None
    category = DefectCategory.objects.filter(pk=int(value)).first()
    return category if category is not None and category.handled_elsewhere else None


@register.simple_tag(takes_context=True)
def privacy_notice(context):
    """The site's privacy notice for the reporter, or the standard one."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is not None:
        notice = DefectReportSettings.for_site(site).privacy_notice
        if notice:
            return format_html('<div class="rich-text">{}</div>', expand_db_html(notice))
    return format_html(
        "<p>{}</p><p>{}</p>",
        _(
            "We use your contact details only to handle this report and to tell you about it. "
            "They are never shown publicly. We delete them 90 days after the report is closed."
        ),
        _(
            "Photos are saved without the location and camera data stored in them. Released "
            "photos can be seen by everyone, so please avoid showing people or number plates."
        ),
    )


@register.inclusion_tag("defect_reports/includes/status_badge.html")
def status_badge(report_or_status, label=None):
    """A coloured badge with the report's status in words."""
    if hasattr(report_or_status, "get_status_display"):
        return {
            "status": report_or_status.status,
            "label": report_or_status.get_status_display(),
        }
    return {"status": report_or_status, "label": label}
