"""Admin for news categories, and the news teasers on the home page."""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Locale
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import NewsCategory, NewsIndexPage, NoticeIndexPage, current_notices, latest_news


class NewsCategoryViewSet(SnippetViewSet):
    model = NewsCategory
    icon = "tag"
    menu_label = _("News categories")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["name", "slug", "locale"]
    list_filter = ["locale"]


register_snippet(NewsCategoryViewSet)


@hooks.register("rathaus_home_teasers")
def news_teasers(request, page):
    """The latest news and the notices valid today, for the home page of ``page``'s language."""
    locale = page.locale if page else Locale.get_active()
    articles = list(latest_news(locale, 3))
    notices = list(current_notices(locale)[:5])
    if not articles and not notices:
        return ""
    return render_to_string(
        "news/home_teasers.html",
        {
            "articles": articles,
            "notices": notices,
            "news_index": NewsIndexPage.objects.live().filter(locale=locale).first(),
            "notice_index": NoticeIndexPage.objects.live().filter(locale=locale).first(),
        },
        request=request,
    )
