"""Recurring jobs run by django-q2's scheduler, and the code that registers them."""

from django.core.management import call_command


def publish_scheduled():
    """Publish pages whose go-live time has passed and unpublish expired ones."""
    call_command("publish_scheduled")


def forget_old_searches():
    """Delete search counts older than SEARCH_LOG_DAYS (search terms may name people)."""
    from home.search_log import forget_old_searches as forget

    forget()


#: Every recurring job: name -> (function path, minutes between runs). Later apps add theirs.
SCHEDULES = {
    "publish_scheduled": ("rathaus.jobs.publish_scheduled", 5),
    "forget_old_searches": ("rathaus.jobs.forget_old_searches", 24 * 60),
    "delete_expired_report_drafts": ("defect_reports.reporting.delete_expired_drafts", 60),
    "send_department_digests": ("defect_reports.tasks.send_department_digests", 24 * 60),
    "send_missed_report_notifications": ("defect_reports.tasks.send_missed_notifications", 60),
    "apply_defect_retention": ("defect_reports.retention.apply_retention", 24 * 60),
    "purge_when_promotions_turn": ("campaigns.signal_handlers.purge_when_schedules_turn", 5),
}


def ensure_schedules(**kwargs):
    """Create or update the django-q2 schedules of SCHEDULES; safe to run any number of times."""
    from django_q.models import Schedule

    for name, (func, minutes) in SCHEDULES.items():
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": Schedule.MINUTES, "minutes": minutes},
        )
