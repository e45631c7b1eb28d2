"""RSS 2.0 and Atom feeds of a news section, per language and per category."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from wagtail.models import Site

FEED_LENGTH = 20


class NewsFeed(Feed):
    """The newest articles of one news index page (optionally of one category), as RSS 2.0."""

    feed_type = Rss201rev2Feed

    def __init__(self, index, category=None):
        super().__init__()
        self.index = index
        self.category = category

    def get_object(self, request, *args, **kwargs):
        self.request = request
        # Django reads the feed's language as a plain attribute, not per object.
        self.language = self.index.locale.language_code
        return self.index

    def town(self):
        site = Site.find_for_request(self.request)
        return site.site_name if site and site.site_name else ""

    def title(self, index):
        parts = [self.town(), index.title] + ([self.category.name] if self.category else [])
        return " – ".join(part for part in parts if part)

    def author_name(self, index):
        # Atom requires an author; the town publishes its news.
        return self.town() or index.title

    def link(self, index):
        return index.get_full_url(self.request)

    def feed_url(self, index):
        return self.request.build_absolute_uri()

    def description(self, index):
        return index.intro or index.title

    def items(self, index):
        articles = index.articles()
        if self.category is not None:
            articles = articles.filter(categories=self.category)
        return articles[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.teaser

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        published = item.first_published_at
        if published and timezone.localdate(published) == item.date:
            return published
        return timezone.make_aware(datetime.combine(item.date, time(8)))

    def item_updateddate(self, item):
        return item.last_published_at or self.item_pubdate(item)

    def item_categories(self, item):
        return [category.name for category in item.categories.all()]


class AtomNewsFeed(NewsFeed):
    """The same feed as Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self, index):
        return self.description(index)
