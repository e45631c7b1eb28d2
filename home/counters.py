"""Daily totals for reach statistics: no cookies, no visitor, no time of day, just a count per
thing and day. The apps' counter models use these helpers."""

import re

from django.db.models import F
from django.utils import timezone

# Crawlers, link previews and monitoring announce themselves; they are not people reached.
_ROBOT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|curl|wget|python-|"
    r"httpclient|headless|monitor|uptime|lighthouse|pingdom",
    re.IGNORECASE,
)


def add_one(model, day=None, **key):
    """Add one to ``model``'s ``count`` for ``key`` on ``day`` (default: today in the town's
    time zone); safe when two requests count at the same moment."""
    day = day or timezone.localdate()
    updated = model.objects.filter(date=day, **key).update(count=F("count") + 1)
    if not updated:
        row, created = model.objects.get_or_create(date=day, **key, defaults={"count": 1})
        if not created:
            model.objects.filter(pk=row.pk).update(count=F("count") + 1)


def counts_as_visit(request) -> bool:
    """Whether a request is a person's visit worth counting: a GET that is no preview, no
    prefetch and comes from no known robot."""
    if request.method != "GET" or getattr(request, "is_preview", False):
        return False
    if request.headers.get("Purpose") == "prefetch" or request.headers.get(
        "Sec-Purpose", ""
    ).startswith("prefetch"):
        return False
    agent = request.headers.get("User-Agent", "")
    return bool(agent) and not _ROBOT.search(agent)
