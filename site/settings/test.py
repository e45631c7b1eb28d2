"""Settings for the test suite: fast password hashing, tasks run at once, mail in memory."""

from .base import *  # noqa: F403
from .base import Q_CLUSTER, env

DEBUG = False
SECRET_KEY = "django-insecure-rathaus-test-only"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]

# Background tasks still pass through django-q2, which runs them synchronously.
# Successful tasks are not stored (save_limit -1): storing them costs more than the tasks.
Q_CLUSTER = {**Q_CLUSTER, "sync": True, "save_limit": -1}

MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/rathaus-test-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True

# Tests never reach a tile server on the internet: every tile is one blank image of our own.
TILE_SERVER_URL = "/static/img/blank-tile.png"
TILE_SERVER_HOST = "'self'"
DEFECT_REPORTS = {
    **DEFECT_REPORTS,  # noqa: F405
    "PRIVATE_ROOT": str(env.path("DEFECT_PRIVATE_ROOT", default="/tmp/rathaus-test-private")),
}
CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] = ["'self'", "data:"]  # noqa: F405
