"""API keys for Open311 clients in Wagtail's admin. Creating a key shows its secret once, on
the page that follows; only a hash is stored, so neither the listing nor the edit form can
ever show it again."""

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import ApiKey


class ApiKeyCreateView(CreateView):
    """Create a key with a new secret and show the secret once, instead of going back to
    the listing."""

    success_template_name = "defect_reports/open311/api_key_created.html"

    def save_instance(self):
        self.secret = self.form.instance.set_new_key()
        return super().save_instance()

    def save_action(self):
        context = self.get_context_data(
            api_key=self.object,
            secret=self.secret,
            open311_url=reverse("open311_discovery", kwargs={"fmt": "json"}),
            index_url=reverse(self.index_url_name),
        )
        response = TemplateResponse(self.request, self.success_template_name, context)
        # The secret must not stay in any cache or be sent on as a referrer.
        add_never_cache_headers(response)
        response["Referrer-Policy"] = "no-referrer"
        return response


class ApiKeyViewSet(ModelViewSet):
    model = ApiKey
    icon = "key"
    menu_label = _("API keys")
    add_to_admin_menu = False
    # Under Settings, next to the site's other technical settings.
    add_to_settings_menu = True
    menu_order = 900
    add_view_class = ApiKeyCreateView
    form_fields = ["name", "contact", "active", "requests_per_hour"]
    list_display = ["name", "prefix", "active", "requests_per_hour", "last_used_at"]
    list_filter = ["active"]
    search_fields = ["name", "contact"]


api_key_viewset = ApiKeyViewSet("defect_api_keys")
