"""schema.org ``GovernmentService`` JSON-LD for a service page, from the page's own data."""

from django import template
from django.utils.html import format_html
from wagtail.models import Site

from home.jsonld import json_for_script
from home.models import TownSettings

register = template.Library()


def service_schema_data(page, request) -> dict:
    """The schema.org description of a service (GovernmentService)."""
    site = Site.find_for_request(request)
    town = TownSettings.for_site(site).town_name if site else ""
    department = page.department
    provider = {"@type": "GovernmentOrganization", "name": department.name if department else town}
    if department:
        if department.phone:
            provider["telephone"] = department.phone
        if department.email:
            provider["email"] = department.email
        if department.address:
            provider["address"] = " ".join(department.address.split())
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": page.title,
        "description": page.summary,
        "url": page.get_full_url(request),
        "provider": provider,
        "areaServed": {"@type": "City", "name": town},
    }
    if page.leika:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "LeiKa", "value": page.leika}
    situations = [situation.name for situation in page.life_situations.all()]
    if situations:
        data["serviceType"] = situations
    channels = []
    for online_form in page.live_online_forms():
        target = online_form.target_url()
        if target:
            channels.append(
                {
                    "@type": "ServiceChannel",
                    "name": online_form.title,
                    "serviceUrl": request.build_absolute_uri(target),
                }
            )
    if department and department.address:
        channels.append(
            {
                "@type": "ServiceChannel",
                "name": department.name,
                "serviceLocation": {"@type": "Place", "address": provider["address"]},
                **(
                    {"servicePhone": {"@type": "ContactPoint", "telephone": department.phone}}
                    if department.phone
                    else {}
                ),
            }
        )
    if channels:
        data["availableChannel"] = channels
    return data


@register.simple_tag(takes_context=True)
def service_schema(context, page):
    """``<script type="application/ld+json">`` with the service's GovernmentService data."""
    return format_html(
        '<script type="application/ld+json">{}</script>',
        json_for_script(service_schema_data(page, context["request"])),
    )
