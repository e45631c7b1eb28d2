"""Recurring jobs run by django-q2's scheduler, and the code that registers them."""

from django.core.management import call_command


def publish_scheduled():
    """Publish pages whose go-live time has passed and unpublish expired ones."""
    call_command("publish_scheduled")


#: Every recurring job: name -> (function path, minutes between runs). Later apps add theirs.
SCHEDULES = {
    "publish_scheduled": ("rathaus.jobs.publish_scheduled", 5),
}


def ensure_schedules(**kwargs):
    """Create or update the django-q2 schedules of SCHEDULES; safe to run any number of times."""
    from django_q.models import Schedule

    for name, (func, minutes) in SCHEDULES.items():
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": Schedule.MINUTES, "minutes": minutes},
        )
