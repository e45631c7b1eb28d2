"""Settings: production refuses an unsafe start, passes Django's deployment checks, and every
settings module takes DATABASE_URL and REDIS_URL from the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "k" * 20 + "3xR!_qP9-zL2" + "w" * 30

PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'cache': s.CACHES['default']['BACKEND'], "
    "'q': {k: str(v) for k, v in s.Q_CLUSTER.items() if k in ('redis', 'orm')}, "
    "'search': s.WAGTAILSEARCH_BACKENDS['default']['BACKEND'], 'email': s.EMAIL_BACKEND}))"
)


def run(args, settings_module, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "EMAIL_URL", "SECRET_KEY"}
    }
    environment.update(DJANGO_SETTINGS_MODULE=settings_module, **env)
    environment = {key: value for key, value in environment.items() if value is not None}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def production_env(**overrides):
    return {
        "SECRET_KEY": REAL_KEY,
        "ALLOWED_HOSTS": "www.musterstadt.example",
        "DATABASE_URL": "sqlite:////tmp/rathaus-deploy-check.sqlite3",
        "WAGTAILADMIN_BASE_URL": "https://www.musterstadt.example",
        "EMAIL_URL": "smtp+tls://rathaus:secret@mail.musterstadt.example:587",
        **overrides,
    }


def test_production_refuses_to_start_without_a_secret_key():
    result = run(["manage.py", "check"], "rathaus.settings.production", ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key():
    result = run(
        ["manage.py", "check"],
        "rathaus.settings.production",
        **production_env(SECRET_KEY="django-insecure-rathaus-dev-only-never-use-in-production"),
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("variable", ["WAGTAILADMIN_BASE_URL", "EMAIL_URL"])
def test_production_requires_its_address_and_mail_server(variable):
    result = run(
        ["manage.py", "check"], "rathaus.settings.production", **production_env(**{variable: None})
    )
    assert result.returncode != 0
    assert f"{variable} must be set in production" in result.stderr


def test_production_passes_the_deployment_checks():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        "rathaus.settings.production",
        **production_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "module",
    [
        "rathaus.settings.dev",
        "rathaus.settings.test",
        "rathaus.settings.production",
    ],
)
def test_every_settings_module_reads_database_and_redis_from_the_environment(module):
    result = run(
        ["-c", PRINT_SETTINGS],
        module,
        **production_env(
            DATABASE_URL="postgres://postgres@db.example:5432/rathaus",
            REDIS_URL="redis://cache.example:6379/1",
        ),
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "rathaus"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["q"] == {"redis": "redis://cache.example:6379/1"}


def test_defaults_need_no_environment():
    result = run(["-c", PRINT_SETTINGS], "rathaus.settings.dev")
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["q"] == {"orm": "default"}
    assert values["search"] == "wagtail.search.backends.database"


def test_elasticsearch_and_mail_are_configured_by_url():
    result = run(
        ["-c", PRINT_SETTINGS],
        "rathaus.settings.production",
        **production_env(ELASTICSEARCH_URL="http://es.example:9200"),
    )
    values = json.loads(result.stdout)
    assert values["search"] == "rathaus.search_backend"  # Wagtail's ES8 backend + synonyms
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_proxy_count_makes_the_lockout_read_the_forwarded_address():
    script = (
        "import django; django.setup(); from axes.conf import settings as s; "
        "print(s.AXES_IPWARE_PROXY_COUNT, s.AXES_IPWARE_META_PRECEDENCE_ORDER[0])"
    )
    behind_proxy = run(
        ["-c", script], "rathaus.settings.production", **production_env(PROXY_COUNT="1")
    )
    direct = run(["-c", script], "rathaus.settings.production", **production_env())
    assert behind_proxy.stdout.split() == ["1", "HTTP_X_FORWARDED_FOR"]
    assert direct.stdout.split() == ["None", "REMOTE_ADDR"]
