"""Editors reach the news app's pages and snippets in Wagtail's admin."""

import pytest
from django.urls import reverse

from news.models import InfoMonitorPage, NewsIndexPage, NewsPage, NoticeIndexPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("presse", password="x-42-lang"))
    return client


def test_news_pages_open_in_the_editor(editor_client, de):
    for model in (NewsIndexPage, NewsPage, NoticeIndexPage, InfoMonitorPage):
        page = model.objects.filter(locale=de).first()
        response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code == 200, model.__name__


def test_new_article_and_notice_forms_open(editor_client, de):
    news = NewsIndexPage.objects.get(locale=de)
    notices = NoticeIndexPage.objects.get(locale=de)
    assert (
        editor_client.get(
            reverse("wagtailadmin_pages:add", args=["news", "newspage", news.pk])
        ).status_code
        == 200
    )
    assert (
        editor_client.get(
            reverse("wagtailadmin_pages:add", args=["news", "noticepage", notices.pk])
        ).status_code
        == 200
    )


def test_categories_are_managed_as_snippets(editor_client):
    assert editor_client.get(reverse("wagtailsnippets_news_newscategory:list")).status_code == 200
    assert editor_client.get(reverse("wagtailsnippets_news_newscategory:add")).status_code == 200
