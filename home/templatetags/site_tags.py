"""Template tags for the parts every page shares: navigation, languages, banners."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from wagtail.models import Locale, Page, Site

from home.models import EmergencyBanner, NavigationMenu

register = template.Library()


def _localized_home(request, language_code):
    """The site's home page in ``language_code`` (looked up once per request)."""
    homes = getattr(request, "_rathaus_homes", None)
    if homes is None:
        site = Site.find_for_request(request)
        homes = {}
        if site is not None:
            translations = site.root_page.get_translations(inclusive=True).live()
            homes = {
                home.locale.language_code: home for home in translations.select_related("locale")
            }
        request._rathaus_homes = homes
    return homes.get(language_code)


def _active_locale(request):
    """The Locale of the current language (looked up once per request and language)."""
    code = translation.get_language()
    cached = getattr(request, "_rathaus_locale", None)
    if cached is None or cached.language_code != code:
        cached = request._rathaus_locale = Locale.get_active()
    return cached


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in every language: [{code, name, url, current, translated}].

    A page without a translation leads to the home page of the other language
    (``translated`` is then False, and no hreflang alternate is given for it).
    """
    request = context["request"]
    page = context.get("page")
    current = translation.get_language()
    translations = {}
    if isinstance(page, Page) and page.pk:
        translations = {
            p.locale.language_code: p
            for p in page.get_translations(inclusive=True).live().select_related("locale")
        }
    versions = []
    for code, name in settings.LANGUAGES:
        if context.get("error_page"):
            # The same address in the other language would only be another error.
            home = _localized_home(request, code)
            translated, url = False, home.get_url(request) if home else f"/{code}/"
        elif isinstance(page, Page) and page.pk:
            target = translations.get(code)
            translated = target is not None
            target = target or _localized_home(request, code)
            url = target.get_url(request) if target else f"/{code}/"
        else:
            translated = True
            url = translate_url(request.path, code)
            if request.GET:
                url = f"{url}?{request.GET.urlencode()}"
        versions.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "current": code == current,
                "translated": translated,
            }
        )
    return versions


@register.simple_tag(takes_context=True)
def navigation_links(context, slot):
    """The links of the main navigation or the footer for the current language.

    Without a menu for ``slot``, the main navigation falls back to the home page's children
    that are marked "show in menus".
    """
    request = context["request"]
    current = _active_locale(request)
    menu = NavigationMenu.for_slot(slot, current)
    links = []
    if menu is not None:
        for block in menu.links:
            value = block.value
            page = value.get("page")
            if page is not None:
                if page.locale_id != current.pk:
                    page = page.get_translation_or_none(current) or page
                if not page.live:
                    continue
                href, text = page.get_url(request), value.get("label") or page.title
            else:
                href, text = value.get("url"), value.get("label") or value.get("url")
            links.append({"href": href, "text": text})
    elif slot == NavigationMenu.Slot.MAIN:
        home = _localized_home(request, translation.get_language())
        if home is not None:
            for page in home.get_children().live().public().in_menu():
                links.append({"href": page.get_url(request), "text": page.title})
    path = request.path
    for link in links:
        link["active"] = (
            bool(link["href"]) and link["href"] != "/" and path.startswith(link["href"])
        )
    return links


@register.simple_tag(takes_context=True)
def emergency_banners(context):
    """Emergency banners to show now: in the current language, and those of the default
    language that have no translation into it (a storm warning must reach everyone)."""
    return EmergencyBanner.objects.for_everyone_now(_active_locale(context["request"]))


@register.simple_tag(takes_context=True)
def home_url(context):
    """The home page of the current language."""
    home = _localized_home(context["request"], translation.get_language())
    return home.get_url(context["request"]) if home else "/"


def _hook_fragments(name, *args) -> list:
    """What other apps' ``name`` hooks render for this request (each an HTML fragment)."""
    from wagtail import hooks

    return [fragment for hook in hooks.get_hooks(name) if (fragment := hook(*args))]


@register.simple_tag(takes_context=True)
def page_promotions(context):
    """Campaign banners and teasers other apps show on this page (``rathaus_page_promotions``
    hooks), joined into one fragment."""
    page = context.get("page")
    request = context.get("request")
    if request is None or not isinstance(page, Page):
        return ""
    return mark_safe("".join(_hook_fragments("rathaus_page_promotions", request, page)))


@register.simple_tag(takes_context=True)
def share_image_url(context):
    """The absolute address of the page's share image (OpenGraph) from other apps'
    ``rathaus_share_image`` hooks, or ""."""
    page = context.get("page")
    request = context.get("request")
    if request is None or not isinstance(page, Page):
        return ""
    urls = _hook_fragments("rathaus_share_image", request, page)
    return urls[0] if urls else ""


@register.simple_tag(takes_context=True)
def page_description(context):
    """A page's description for link previews: its search description, else its summary or
    introduction (whichever its type has)."""
    page = context.get("page")
    if not isinstance(page, Page):
        return ""
    for name in ("search_description", "summary", "intro", "teaser"):
        text = getattr(page, name, "")
        if text and isinstance(text, str):
            return strip_tags(str(text)).strip()
    return ""
