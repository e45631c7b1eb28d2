"""Meta tags of a news article: OpenGraph, Twitter card and schema.org NewsArticle."""

from django import template
from wagtail.models import Site

from home.jsonld import json_for_script

register = template.Library()


@register.inclusion_tag("news/includes/meta.html", takes_context=True)
def news_meta(context, page):
    """OpenGraph, Twitter and JSON-LD for ``page`` (a NewsPage), from data it already has."""
    request = context["request"]
    url = page.get_full_url(request)
    image_url = ""
    if page.image:
        rendition = page.image.get_rendition("fill-1200x630")
        image_url = request.build_absolute_uri(rendition.url)
    site = Site.find_for_request(request)
    publisher = site.site_name if site else ""
    schema = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title[:110],
        "description": page.teaser,
        "datePublished": page.date.isoformat(),
        "dateModified": (page.last_published_at or page.latest_revision_created_at).isoformat()
        if (page.last_published_at or page.latest_revision_created_at)
        else page.date.isoformat(),
        "inLanguage": page.locale.language_code,
        "mainEntityOfPage": url,
        "url": url,
        "publisher": {"@type": "GovernmentOrganization", "name": publisher},
        "author": {"@type": "GovernmentOrganization", "name": publisher},
    }
    if image_url:
        schema["image"] = [image_url]
    return {
        "page": page,
        "url": url,
        "image_url": image_url,
        "site_name": publisher,
        "language": page.locale.language_code,
        "schema_json": json_for_script(schema),
    }
