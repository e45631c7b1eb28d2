"""Open311 GeoReport v2 endpoints under /open311/v2/, each as .json and .xml."""

from django.urls import path, re_path, register_converter

from . import views


class FormatConverter:
    """The format suffix of an Open311 resource: json or xml."""

    regex = "json|xml"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "open311_format")

urlpatterns = [
    path("", views.root, name="open311_root"),
    path("discovery.<open311_format:fmt>", views.discovery, name="open311_discovery"),
    path("services.<open311_format:fmt>", views.service_list, name="open311_services"),
    path(
        "services/<str:service_code>.<open311_format:fmt>",
        views.service_definition,
        name="open311_service_definition",
    ),
    path("requests.<open311_format:fmt>", views.service_requests, name="open311_requests"),
    path(
        "requests/<str:service_request_id>.<open311_format:fmt>",
        views.service_request,
        name="open311_request",
    ),
    path("tokens/<str:token>.<open311_format:fmt>", views.token, name="open311_token"),
    path("openapi.json", views.openapi_document, name="open311_openapi"),
    # Anything else: a 404 in the specification's error format (XML when asked for .xml).
    re_path(r"^(?P<path>.*\.xml)$", views.not_found, {"fmt": "xml"}),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
