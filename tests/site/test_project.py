"""Project hygiene that other people rely on: migrations and translations are complete."""

import shutil
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])


@pytest.mark.django_db
def test_migrations_are_complete():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_every_german_string_is_translated():
    po = polib.pofile(str(LOCALE_DIR / "de/LC_MESSAGES/django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert len(po.translated_entries()) > 100


def test_compiled_translations_match_the_sources():
    po = polib.pofile(str(LOCALE_DIR / "de/LC_MESSAGES/django.po"))
    mo = polib.mofile(str(LOCALE_DIR / "de/LC_MESSAGES/django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in mo}
    for entry in po.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, (
            f"{entry.msgid!r} is not compiled: run `make messages`"
        )


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs GNU gettext's xgettext to extract strings"
)
def test_no_ui_string_is_left_untranslated(tmp_path, settings, monkeypatch):
    """Extract every translatable string of the code now and check that German has it.

    Works on a copy of the sources, so the project's own .po file is never touched.
    """
    source = tmp_path / "src"
    for folder in ("site", "home", "services_catalog", "news", "defect_reports", "templates"):
        shutil.copytree(
            settings.BASE_DIR / folder,
            source / folder,
            ignore=shutil.ignore_patterns("locale", "__pycache__", "static"),
        )
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["de"], no_obsolete=True, verbosity=0)
    po = polib.pofile(str(tmp_path / "locale/de/LC_MESSAGES/django.po"))
    assert len(po) > 100, "strings were extracted"
    missing = [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()]
    assert missing == [], "untranslated strings; run `make messages` and translate them"
