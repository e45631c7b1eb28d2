"""StreamField blocks shared by every app: headings, text, images, buttons, FAQ, contacts."""

from django.forms.utils import ErrorList
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    """A section heading; the level keeps the page outline correct for screen readers."""

    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section heading (H2)")), ("h3", _("Subheading (H3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "home/blocks/heading.html"


class ImageWithAltBlock(blocks.StructBlock):
    """An image with the alternative text that blind readers hear, which is required."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "home/blocks/image.html"


class LinkBlock(blocks.StructBlock):
    """A link to a page of the site or to another address, with an optional own label."""

    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("Or an external address"), required=False)
    label = blocks.CharBlock(
        label=_("Label"),
        required=False,
        max_length=80,
        help_text=_("Leave empty to use the page's title."),
    )

    class Meta:
        icon = "link"
        label = _("Link")

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if bool(value.get("page")) == bool(value.get("url")):
            message = _("Choose either a page or an external address.")
            errors["page"] = ErrorList([message])
            errors["url"] = ErrorList([message])
        elif value.get("url") and not value.get("label"):
            errors["label"] = ErrorList([_("A link to an external address needs a label.")])
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["href"] = link_href(value)
        context["text"] = link_text(value)
        return context


def link_href(value) -> str:
    """The address a LinkBlock value points at."""
    page = value.get("page")
    if page:
        return page.localized.url or ""
    return value.get("url") or ""


def link_text(value) -> str:
    """The visible text of a LinkBlock value."""
    page = value.get("page")
    return value.get("label") or (page.localized.title if page else value.get("url", ""))


class QuickLinkBlock(LinkBlock):
    """A tile on the home page leading to something citizens often look for."""

    description = blocks.CharBlock(label=_("Short description"), required=False, max_length=140)

    class Meta:
        icon = "link"
        label = _("Quick link")
        template = "home/blocks/quick_link.html"


class CallToActionBlock(LinkBlock):
    """One prominent button whose text names the action ("Online beantragen")."""

    class Meta:
        icon = "pick"
        label = _("Call-to-action button")
        template = "home/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("label"):
            raise blocks.StructBlockValidationError(
                block_errors={"label": ErrorList([_("A button needs a text naming the action.")])}
            )
        return value


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=250)
    answer = blocks.RichTextBlock(label=_("Answer"), features=["bold", "italic", "link", "ul"])


class AccordionBlock(blocks.StructBlock):
    """Questions and answers that open one at a time (native details/summary, no script)."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    items = blocks.ListBlock(FAQItemBlock(), label=_("Questions"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Accordion (FAQ)")
        template = "home/blocks/accordion.html"


class ContactBlock(blocks.StructBlock):
    """Who to ask: a person or an office with phone, email, address and opening hours."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    name = blocks.CharBlock(label=_("Name or office"), max_length=120)
    role = blocks.CharBlock(label=_("Role"), required=False, max_length=120)
    phone = blocks.CharBlock(label=_("Phone"), required=False, max_length=40)
    email = blocks.EmailBlock(label=_("Email"), required=False)
    address = blocks.TextBlock(label=_("Address"), required=False)
    hours = blocks.TextBlock(label=_("Opening hours"), required=False)

    class Meta:
        icon = "user"
        label = _("Contact box")
        template = "home/blocks/contact.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to use the document's title."),
    )


class DocumentLinksBlock(blocks.StructBlock):
    """A list of downloads (forms, statutes, plans) with file type and size."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    documents = blocks.ListBlock(DocumentLinkBlock(), label=_("Documents"), min_num=1)

    class Meta:
        icon = "doc-full"
        label = _("Document links")
        template = "home/blocks/document_links.html"


class ServiceOfTheMonthBlock(blocks.StaticBlock):
    """The current service of the month, as a teaser. Shows nothing while none is scheduled.

    ``home`` knows no services: the teaser comes from the ``rathaus_service_of_the_month`` hook.
    """

    class Meta:
        icon = "pick"
        label = _("Service of the month")
        admin_text = _("Shows the service of the month that is running, if there is one.")

    def render_basic(self, value, context=None):
        from wagtail import hooks
        from wagtail.models import Locale

        context = context or {}
        request = context.get("request")
        page = context.get("page")
        locale = page.locale if page is not None and hasattr(page, "locale") else None
        locale = locale or Locale.get_active()
        fragments = [
            hook(request, locale) for hook in hooks.get_hooks("rathaus_service_of_the_month")
        ]
        return mark_safe("".join(fragment for fragment in fragments if fragment))


class BaseStreamBlock(blocks.StreamBlock):
    """The content blocks of a standard page; other apps reuse them for their bodies."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Text"),
        icon="pilcrow",
        template="home/blocks/paragraph.html",
    )
    image = ImageWithAltBlock()
    call_to_action = CallToActionBlock()
    accordion = AccordionBlock()
    contact = ContactBlock()
    documents = DocumentLinksBlock()
    service_of_the_month = ServiceOfTheMonthBlock()
