"""Settings shared by every environment.

Everything that differs between machines is read from environment variables here, through
django-environ, so that one variable (``DATABASE_URL``, ``REDIS_URL``, ``ELASTICSEARCH_URL``,
``EMAIL_URL``) switches a concern from the embedded default to a real engine.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.translation import gettext_lazy as _

from .elasticsearch import elasticsearch_backend

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "rathaus",
    "home",
    "services_catalog",
    # Before news and the defect reporter: its home page teaser follows the service finder.
    "campaigns",
    "news",
    "defect_reports",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_q",
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "rathaus.middleware.PermissionsPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that it sees the outcome of the login views.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "rathaus.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "rathaus.wsgi.application"

# --- Database -----------------------------------------------------------------------------
# SQLite in var/ by default; DATABASE_URL (postgres://user@host:5432/name) switches engines.
if not env("DATABASE_URL", default=""):
    VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the queue worker use the file at the same time.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rathaus",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background work ----------------------------------------------------------------------
# django-q2 runs all background work: the ORM broker by default, Redis when REDIS_URL is set.
Q_CLUSTER = {
    "name": "rathaus",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 5,
    "catch_up": False,
    "save_limit": 1000,
    "label": _("Background tasks"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Wagtail's own tasks (search index, reference index) go through django-tasks; this backend
# hands them to django-q2 once the surrounding transaction has committed.
TASKS = {"default": {"BACKEND": "rathaus.tasks.DjangoQBackend"}}

# --- Passwords ----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Brute-force protection of the admin login (django-axes): a user name is locked for the
# client address that failed too often. Behind reverse proxies (PROXY_COUNT > 0) the client
# address is read from X-Forwarded-For, otherwise every login would seem to come from the proxy.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "rathaus/lockout.html"
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
if PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# --- Languages ----------------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("de", "Deutsch"),
    ("en", "English"),
]
WAGTAIL_I18N_ENABLED = True
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Berlin"
LOCALE_PATHS = [PROJECT_DIR / "locale"]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media ---------------------------------------------------------------------
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATIC_URL = "/static/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = env("MEDIA_URL", default="/media/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Upload limits: requests, in-memory files, and what Wagtail accepts into its libraries.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644  # the web server serves media as another user
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 60_000_000
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# --- Defect reporter ----------------------------------------------------------------------
# Photos of reports are kept outside MEDIA_ROOT and served only by a view that checks them.
DEFECT_REPORTS = {
    "PRIVATE_ROOT": str(env.path("DEFECT_PRIVATE_ROOT", default=VAR_DIR / "private")),
    "MAX_PHOTOS": env.int("DEFECT_MAX_PHOTOS", default=5),
    "MAX_PHOTO_BYTES": env.int("DEFECT_MAX_PHOTO_MB", default=15) * 1024 * 1024,
    # Against decompression bombs: larger images are refused before they are decoded.
    "MAX_PHOTO_PIXELS": env.int("DEFECT_MAX_PHOTO_PIXELS", default=50_000_000),
    # Stored photos are scaled down to fit this many pixels on their longer side.
    "PHOTO_MAX_SIDE": env.int("DEFECT_PHOTO_MAX_SIDE", default=2048),
    "THUMBNAIL_SIDE": 480,
    "DUPLICATE_RADIUS_M": env.int("DEFECT_DUPLICATE_RADIUS_M", default=50),
    # Reports (and photo uploads) per client address and hour.
    "RATE_LIMIT_PER_HOUR": env.int("DEFECT_RATE_LIMIT_PER_HOUR", default=10),
    "UPLOADS_PER_HOUR": env.int("DEFECT_UPLOADS_PER_HOUR", default=60),
    # The public map clusters when a view holds more reports than this.
    "CLUSTER_ABOVE": env.int("DEFECT_CLUSTER_ABOVE", default=300),
}
# Retention (run daily by the queue): contact data and photos that were never public go this
# many days after a report was closed; unconfirmed email addresses this many days after sending.
DEFECT_RETENTION = {
    "PERSONAL_DATA_DAYS": env.int("DEFECT_PERSONAL_DATA_DAYS", default=90),
    "UNRELEASED_PHOTOS_DAYS": env.int("DEFECT_UNRELEASED_PHOTOS_DAYS", default=90),
    "UNCONFIRMED_EMAIL_DAYS": env.int("DEFECT_UNCONFIRMED_EMAIL_DAYS", default=7),
}
# Open311: how long a media_url download may take, and private networks it may still use.
OPEN311_MEDIA_URL_TIMEOUT = env.int("OPEN311_MEDIA_URL_TIMEOUT", default=10)
OPEN311_MEDIA_URL_ALLOWED_NETWORKS = env.list("OPEN311_MEDIA_URL_ALLOWED_NETWORKS", default=[])
# Map tiles: any XYZ tile server; the attribution is shown on every map.
TILE_SERVER_URL = env("TILE_SERVER_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
TILE_ATTRIBUTION = env(
    "TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)

# --- Mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="rathaus@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env("WAGTAIL_SITE_NAME", default="Rathaus")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {
            "features": ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
        },
    }
}

# Search: Wagtail's database backend by default. With ELASTICSEARCH_URL the Elasticsearch 8
# backend becomes the default and the database backend is kept, and kept up to date, as the
# fallback for when Elasticsearch does not answer (see rathaus.search).
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
WAGTAILSEARCH_BACKENDS = {
    "database": {"BACKEND": "wagtail.search.backends.database"},
}
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS["default"] = elasticsearch_backend(
        env.list("ELASTICSEARCH_URL"),
        index_prefix=env("ELASTICSEARCH_INDEX_PREFIX", default="rathaus_"),
        timeout=env.int("ELASTICSEARCH_TIMEOUT", default=5),
    )
else:
    WAGTAILSEARCH_BACKENDS["default"] = WAGTAILSEARCH_BACKENDS.pop("database")

# Wagtail's query log (popular searches, beside search promotions) keeps daily hits this many
# days when `searchpromotions_garbage_collect` runs; the communications statistics read it.
WAGTAILSEARCH_HITS_MAX_AGE = env.int("SEARCH_LOG_DAYS", default=730)

# --- Security -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview sets SAMEORIGIN on its own views.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=(), interest-cohort=()"

# Content-Security-Policy for the public site: no inline scripts, nothing from other hosts.
# Wagtail's admin sets up its own scripts and is left out. Map tiles come from TILE_SERVER_URL.
_tiles = urlsplit(TILE_SERVER_URL)
TILE_SERVER_HOST = env(
    "TILE_SERVER_HOST",
    default=f"{_tiles.scheme}://{_tiles.netloc}" if _tiles.netloc else "'self'",
)
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", TILE_SERVER_HOST],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "rathaus": {"level": env("LOG_LEVEL", default="INFO")},
        "django_q": {"level": "WARNING"},
    },
}

# --- Promotion material ---
# Fonts of the share images (TTF/OTF paths). Empty: the DejaVu Sans shipped with campaigns/.
SHARE_IMAGE_FONT = env("SHARE_IMAGE_FONT", default="")
SHARE_IMAGE_FONT_BOLD = env("SHARE_IMAGE_FONT_BOLD", default="")
# A search term is shown on the reach page only when searched this often in the period.
REACH_MIN_SEARCHES = env.int("REACH_MIN_SEARCHES", default=3)
