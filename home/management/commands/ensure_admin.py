"""``python manage.py ensure_admin``: an administrator for a local demo, with its login printed.

Creates the user once, with a random password kept in var/admin-login.txt (outside git); on
every later run it only prints that login again.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demo administrator if missing and print its login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        login_file = settings.VAR_DIR / "admin-login.txt"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(
                username=username, email=f"{username}@example.org", password=password
            )
            login_file.parent.mkdir(parents=True, exist_ok=True)
            login_file.write_text(f"{username}\n{password}\n")
            login_file.chmod(0o600)
        if login_file.exists():
            name, password = login_file.read_text().split("\n")[:2]
            self.stdout.write(f"Admin login: {name} / {password}  (http://127.0.0.1:8000/admin/)")
        else:
            self.stdout.write(f"Admin user {username!r} exists; its password is not stored here.")
