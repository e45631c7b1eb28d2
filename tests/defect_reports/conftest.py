"""Fixtures of the defect reporter's tests: the demo's reporter page and categories, helpers
to send a report through the web client, and a fresh place for private photo files."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from defect_reports.models import DefectCategory, DefectReportPage

from .photo_files import MARKTPLATZ, photo


@pytest.fixture
def private_root(settings):
    """The folder report photos are stored in (one per test session, see tests/conftest.py)."""
    return Path(settings.DEFECT_REPORTS["PRIVATE_ROOT"])


@pytest.fixture
def reporter_de(de):
    return DefectReportPage.objects.live().get(locale=de)


@pytest.fixture
def reporter_en(en):
    return DefectReportPage.objects.live().get(locale=en)


@pytest.fixture
def pothole_de(de):
    return DefectCategory.objects.get(locale=de, code="schlagloch")


@pytest.fixture
def motorway_de(de):
    return DefectCategory.objects.get(
        locale=de, kind=DefectCategory.Kind.ELSEWHERE, code="autobahn"
    )


def upload(name="foto.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content if content is not None else photo(), content_type)


def form_data(category, **overrides):
    """A complete, valid report at Marktplatz without photos or contact."""
    data = {
        "category": str(category.pk),
        "address": "",
        "latitude": str(MARKTPLATZ[0]),
        "longitude": str(MARKTPLATZ[1]),
        "description": "Testmeldung 4711: Loch vor dem Rathaus, etwa 30 cm breit.",
        "name": "",
        "email": "",
        "phone": "",
        "website": "",
        "action": "review",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
