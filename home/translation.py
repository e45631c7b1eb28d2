"""Helpers for translatable snippets that pages point at."""


def in_language(objects, locale_id) -> list:
    """``objects`` (instances of one translatable model) with each swapped for its translation
    into the locale ``locale_id`` where there is one, in one query.

    wagtail-localize copies a page's relations as they are, so a translated page would keep
    pointing at the German snippets; pages call this when they are saved.
    """
    objects = list(objects)
    foreign = [obj for obj in objects if obj.locale_id != locale_id]
    if not foreign:
        return objects
    translated = {
        obj.translation_key: obj
        for obj in type(foreign[0]).objects.filter(
            translation_key__in=[obj.translation_key for obj in foreign], locale_id=locale_id
        )
    }
    return [
        obj if obj.locale_id == locale_id else translated.get(obj.translation_key, obj)
        for obj in objects
    ]
