"""Plain-text emails written as templates: the first line is the subject, the rest the body."""

from django.template.loader import render_to_string
from django.utils import translation


def render_email(template: str, context: dict, language: str) -> tuple[str, str]:
    """Render an email template in the recipient's language; returns (subject, body)."""
    with translation.override(language):
        subject, _sep, body = render_to_string(template, context).strip().partition("\n")
    return " ".join(subject.split()), body.strip() + "\n"
