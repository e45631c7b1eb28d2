"""Public views: the short links, and the QR codes and share images made from them."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from home.counters import counts_as_visit

from .models import ShortLink, ShortLinkVisit


def short_link_or_404(code) -> ShortLink:
    return get_object_or_404(ShortLink.objects.select_related("service"), code=code.lower())


@never_cache
@require_safe
def short_link(request, code):
    """Count the visit, then go to the link's service. The target comes from the database
    only, so the link cannot be made to lead anywhere else."""
    link = short_link_or_404(code)
    service = link.target()
    if service is None:
        raise Http404("This service is no longer offered.")
    if counts_as_visit(request):
        channel = (
            ShortLinkVisit.Channel.QR
            if ShortLinkVisit.QR_PARAMETER in request.GET
            else ShortLinkVisit.Channel.LINK
        )
        ShortLinkVisit.count_visit(link, channel)
    response = HttpResponseRedirect(service.url)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
