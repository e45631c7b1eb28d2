from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RathausConfig(AppConfig):
    """Site-wide plumbing: schedules, checks and template tags. Holds no models."""

    name = "rathaus"
    verbose_name = "Rathaus"

    def ready(self):
        from django.apps import apps

        from .jobs import ensure_schedules

        # django_q's own post_migrate, so the Schedule table exists (this app has no models,
        # and Django sends post_migrate only to apps with models).
        post_migrate.connect(ensure_schedules, sender=apps.get_app_config("django_q"))
