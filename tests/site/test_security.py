"""Security baseline: headers, a Content-Security-Policy without inline scripts, nothing from
third-party hosts, and brute-force protection for the admin login."""

import re

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/de/",
    "/en/",
    "/de/kontakt/",
    "/de/suche/?q=Rathaus",
    "/de/gibt-es-nicht/",
    "/de/aktuelles/",
    "/de/aktuelles/buergerbuero-online-termine/",
    "/de/bekanntmachungen/",
    "/de/infomonitor/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_send_a_strict_content_security_policy(client, url):
    response = client.get(url)
    policy = dict(
        (part.strip().split(" ", 1) + [""])[:2]
        for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_have_no_inline_script_and_load_nothing_from_other_hosts(client, url):
    html = client.get(url).content.decode()
    # Only data blocks (JSON-LD) may be inline; browsers never execute them.
    for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        if 'type="application/ld+json"' not in attributes:
            assert "src=" in attributes and body.strip() == "", "inline script found"
    tags = re.findall(r"<(?:script|img|link|iframe|source|video|audio)\b[^>]*>", html)
    # Canonical and alternate links name addresses; they load nothing.
    tags = [tag for tag in tags if not re.search(r'rel="(canonical|alternate)"', tag)]
    loaded = [m for tag in tags for m in re.findall(r'\b(?:src|href|srcset)="([^"]+)"', tag)]
    external = [
        u for u in loaded if u.startswith(("http:", "https:", "//")) and "testserver" not in u
    ]
    assert external == []


def test_usual_security_headers(client):
    response = client.get("/de/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_admin_is_left_to_its_own_scripts(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


def test_admin_login_locks_out_after_repeated_failures(client, django_user_model):
    django_user_model.objects.create_user("editor", password="richtig-und-lang-42")
    for _attempt in range(5):
        response = client.post(
            "/admin/login/", {"username": "editor", "password": "falsch"}, REMOTE_ADDR="10.1.1.1"
        )
        assert response.status_code in (200, 429)
    response = client.post(
        "/admin/login/",
        {"username": "editor", "password": "richtig-und-lang-42"},
        REMOTE_ADDR="10.1.1.1",
    )
    assert response.status_code == 429
    assert "/admin/" not in response.get("Location", "")


def test_behind_a_proxy_the_lockout_uses_the_forwarded_client_address(
    client, django_user_model, settings
):
    """Behind the proxy every request comes from 127.0.0.1: only the forwarded address tells
    an attacker from an editor, who must still be able to log in."""
    from axes.conf import settings as axes_settings

    django_user_model.objects.create_user("editor", password="richtig-und-lang-42")
    settings.AXES_IPWARE_PROXY_COUNT = axes_settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    axes_settings.AXES_IPWARE_META_PRECEDENCE_ORDER = settings.AXES_IPWARE_META_PRECEDENCE_ORDER
    try:
        for _attempt in range(5):
            client.post(
                "/admin/login/",
                {"username": "editor", "password": "falsch"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="203.0.113.9, 127.0.0.1",
            )
        attacker = client.post(
            "/admin/login/",
            {"username": "editor", "password": "richtig-und-lang-42"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.9, 127.0.0.1",
        )
        editor = client.post(
            "/admin/login/",
            {"username": "editor", "password": "richtig-und-lang-42"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.7, 127.0.0.1",
        )
    finally:
        axes_settings.AXES_IPWARE_PROXY_COUNT = None
        axes_settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    assert attacker.status_code == 429
    assert editor.status_code == 302


def test_admin_login_works_with_the_right_password(client, django_user_model):
    django_user_model.objects.create_superuser("chefin", password="richtig-und-lang-42")
    response = client.post(
        "/admin/login/", {"username": "chefin", "password": "richtig-und-lang-42"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def png_bytes(width, height):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#0b4f8a").save(buffer, "PNG")
    return buffer.getvalue()


def upload_image(client, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/admin/images/add/",
        {"title": name, "file": SimpleUploadedFile(name, content, content_type="image/png")},
    )


def test_image_uploads_over_the_limits_are_refused(client, django_user_model, settings):
    from wagtail.images import get_image_model

    client.force_login(django_user_model.objects.create_superuser("bild", password="x-42-lang"))
    Image = get_image_model()
    before = Image.objects.count()
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 2_000
    assert upload_image(client, "gross.png", png_bytes(400, 400) + b"\0" * 3_000).status_code == 200
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 10_000
    assert upload_image(client, "bombe.png", png_bytes(200, 200)).status_code == 200
    assert Image.objects.count() == before, "neither upload was stored"
    assert upload_image(client, "klein.png", png_bytes(50, 50)).status_code == 302
    assert Image.objects.count() == before + 1


def test_svg_and_html_uploads_are_not_accepted(settings):
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS
    assert "html" not in settings.WAGTAILDOCS_EXTENSIONS
