"""Open311's two formats: XML as the GeoReport v2 specification shows it, and JSON mapped from
it by the Spark convention (the root element and list item elements disappear, lists become
arrays). Views build plain Python data once; this module writes it in either format."""

import json
import re
from xml.etree import ElementTree

from django.http import HttpResponse

FORMATS = ("json", "xml")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
# The element each list's items are written in, by the list's own element name.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

# Characters XML 1.0 cannot hold at all (a citizen's text may contain them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def render(data, fmt: str, root: str, status: int = 200) -> HttpResponse:
    """``data`` (a list or a dict) as an Open311 response; ``root`` names the XML root
    element, e.g. ``services`` or ``service_requests``."""
    if fmt == "xml":
        content = to_xml(root, data)
    else:
        content = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(content.encode("utf-8"), content_type=CONTENT_TYPES[fmt], status=status)


def to_xml(root: str, data) -> str:
    """The XML document for ``data`` under an element named ``root``."""
    element = ElementTree.Element(root)
    _fill(element, data)
    return XML_DECLARATION + ElementTree.tostring(element, encoding="unicode")


def _fill(element, value):
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ElementTree.SubElement(element, key), item)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES[element.tag]
        for item in value:
            _fill(ElementTree.SubElement(element, item_name), item)
    elif value is None:
        pass  # an empty element, as the specification writes <account_id/>
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = _NOT_XML.sub("", str(value))


def errors(fmt: str, status: int, *descriptions: str, code: int | None = None) -> HttpResponse:
    """The specification's error answer: one entry per description, each with ``code``
    (the HTTP status unless a more specific code is given)."""
    data = [{"code": code or status, "description": str(text)} for text in descriptions]
    return render(data, fmt, "errors", status=status)
