"""Material for each service: printable poster and flyer, QR codes, share image and texts."""

from django.http import Http404


def qr_code(request, code, image_format):
    """The QR code of a short link, as SVG or PNG (public: it only holds the short link)."""
    raise Http404


def share_image(request, code):
    """The 1200×630 share image of a short link's service (OpenGraph)."""
    raise Http404


admin_urlpatterns = []
