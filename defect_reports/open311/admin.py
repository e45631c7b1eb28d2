"""API keys for Open311 clients in Wagtail's admin."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import ApiKey


class ApiKeyViewSet(ModelViewSet):
    model = ApiKey
    icon = "key"
    menu_label = _("API keys")
    add_to_admin_menu = False
    form_fields = ["name", "contact", "active", "requests_per_hour"]
    list_display = ["name", "prefix", "active", "last_used_at"]


api_key_viewset = ApiKeyViewSet("defect_api_keys")
