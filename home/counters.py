"""Daily totals for reach statistics: no cookies, no visitor, no time of day, just a count per
thing and day. The apps' counter models use these helpers."""

import re

from django.db.models import F
from django.utils import timezone

# Crawlers, link previews (the share texts' channels fetch every link posted: WhatsApp,
# Mastodon's servers, Bluesky's card service, …) and monitoring; they are not people reached.
_ROBOT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|iframely|cardyb|whatsapp|"
    r"mastodon|pleroma|misskey|http\.rb|curl|wget|python|httpclient|okhttp|go-http|java/|"
    r"axios|node-fetch|headless|monitor|uptime|lighthouse|pingdom|validator",
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
    """Whether a request is a person's visit worth counting: a GET by a web browser (every
    browser's user agent starts with "Mozilla/") for a page to show, that is no preview, no
    prefetch and comes from no known robot or link preview."""
    if request.method != "GET" or getattr(request, "is_preview", False):
        return False
    if request.headers.get("Purpose") == "prefetch" or request.headers.get(
        "Sec-Purpose", ""
    ).startswith("prefetch"):
        return False
    # Browsers say what a request is for; only a document shown to someone counts.
    if request.headers.get("Sec-Fetch-Dest", "document") not in ("document", "iframe"):
        return False
    agent = request.headers.get("User-Agent", "")
    return agent.startswith("Mozilla/") and not _ROBOT.search(agent)
