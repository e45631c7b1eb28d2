import pytest
from django.test import Client

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Firefox/140.0"


@pytest.fixture
def visitor():
    """A client that looks like a person's browser (robots and bare clients are not counted)."""
    return Client(HTTP_USER_AGENT=BROWSER)
