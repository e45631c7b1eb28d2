"""schema.org JSON-LD for any page: the data as JSON that cannot end the script element early."""

import json

from django.utils.safestring import mark_safe

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_for_script(data) -> str:
    """``data`` as JSON safe to put between ``<script type="application/ld+json">`` tags: a
    title such as ``</script>`` cannot close the element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))
