"""Import and export of the services catalog exchange format (shared/formats/services-catalog.md).

The import is all or nothing: the file is checked first (JSON Schema in ``schema/`` plus the
rules a schema cannot say), and every problem is reported with the service's position and key;
only a file without problems is written, in one transaction. Services are matched by ``key`` in
the file's language: updated when they exist, created otherwise, left alone when unchanged.

A town's catalog has thousands of services, so pages are written in bulk rather than one
``add_child`` and one publish each: their tree paths are computed here, the search index is
updated in one go afterwards, and each new or changed page still gets a revision and a log
entry as if an editor had published it.
"""

import html
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.text import slugify
from jsonschema import Draft202012Validator
from modelcluster.models import ClusterableModel
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log
from wagtail.models import Locale, Page, Revision
from wagtail.signal_handlers import disable_reference_index_auto_update

from home.imports import ImportProblems

from .models import (
    CatalogVersion,
    Department,
    LifeSituation,
    OnlineFormPage,
    ServiceIndexPage,
    ServiceOnlineForm,
    ServicePage,
    split_commas,
    split_lines,
)

FORMAT = "services-catalog/1"
SCHEMA_PATH = Path(__file__).parent / "schema" / "services-catalog-1.schema.json"

SERVICE_FIELDS = {
    "key", "leika", "name", "summary", "description", "keywords", "life_situations",
    "department", "requirements", "documents", "fees", "processing_time", "deadlines",
    "legal_basis", "online_forms",
}  # fmt: skip
TEXT_FIELDS = ["requirements", "fees", "processing_time", "deadlines", "legal_basis"]


class CatalogError(ImportProblems):
    """A services catalog that cannot be imported; ``problems`` lists why."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# --- Checking ---------------------------------------------------------------------------------


def _where(services, path) -> str:
    """Where a schema error is, e.g. "service 3 (key 'hund-anmelden')", counted from 1."""
    items = list(path)
    if len(items) >= 2 and items[0] == "services" and isinstance(items[1], int):
        position = items[1]
        service = services[position] if position < len(services) else {}
        key = service.get("key") if isinstance(service, dict) else None
        where = f"service {position + 1}" + (f" (key {key!r})" if isinstance(key, str) else "")
        rest = items[2:]
        if rest:
            where += ": " + ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in rest)
        return where
    return ".".join(str(p) for p in items) or "file"


def _message(error, services) -> str:
    where = _where(services, error.absolute_path)
    validator = error.validator
    if validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return f"{where}: the required field {missing[0] if missing else ''!r} is missing"
    if validator == "maxLength":
        return f"{where}: longer than {error.validator_value} characters"
    if validator == "minLength" or (validator == "pattern" and error.validator_value == "\\S"):
        return f"{where}: must not be empty"
    if validator == "pattern" and "Hh" in error.validator_value:
        return f"{where}: {error.instance!r} is not an http(s) address"
    if validator == "pattern" and "14" in error.validator_value:
        return f"{where}: a LeiKa key has 14 digits, not {error.instance!r}"
    if validator == "const":
        return f"{where}: the format must be {FORMAT!r}, not {error.instance!r}"
    if validator == "type":
        return f"{where}: must be of type {error.validator_value}"
    return f"{where}: {error.message}"


def check(data) -> tuple[list[str], list[str]]:
    """Problems (the file is rejected) and warnings (it is imported) for a parsed file."""
    if not isinstance(data, dict):
        return ["file: the catalog must be a JSON object"], []
    services = data.get("services") if isinstance(data.get("services"), list) else []
    # An empty text breaks two rules of the schema (minLength and pattern), but it is one
    # problem: say it once.
    problems = list(
        dict.fromkeys(
            _message(error, services)
            for error in sorted(
                Draft202012Validator(schema()).iter_errors(data),
                key=lambda e: list(e.absolute_path),
            )
        )
    )
    warnings = []
    for name in sorted(set(data) - {"format", "language", "services"}):
        warnings.append(f"file: unknown field {name!r} ignored")
    seen = {}
    for position, service in enumerate(services):
        if not isinstance(service, dict):
            continue
        key = service.get("key")
        label = f"service {position + 1}" + (f" (key {key!r})" if isinstance(key, str) else "")
        if isinstance(key, str):
            if key in seen:
                problems.append(f"{label}: the key is already used by service {seen[key] + 1}")
            else:
                seen[key] = position
        for name in sorted(set(service) - SERVICE_FIELDS):
            warnings.append(f"{label}: unknown field {name!r} ignored")
        for number, online_form in enumerate(service.get("online_forms") or [], start=1):
            if isinstance(online_form, dict):
                for name in sorted(set(online_form) - {"title", "url"}):
                    warnings.append(
                        f"{label}: online_forms.{number}: unknown field {name!r} ignored"
                    )
    language = data.get("language") or settings.LANGUAGE_CODE
    if isinstance(language, str) and language not in dict(settings.LANGUAGES):
        problems.append(
            f"file: language {language!r} is not one of the site's languages "
            f"({', '.join(dict(settings.LANGUAGES))})"
        )
    return problems, warnings


def load_file(path) -> dict:
    """Parse a catalog file; a file that is no JSON is one problem."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogError([f"file: cannot be read: {error}"]) from error
    except json.JSONDecodeError as error:
        raise CatalogError(
            [f"file: not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}"]
        ) from error


# --- Importing --------------------------------------------------------------------------------


def paragraphs_to_html(text: str) -> str:
    """Plain text with blank lines between paragraphs as rich text paragraphs."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()]
    return "".join(
        "<p>" + "<br/>".join(html.escape(line) for line in block.splitlines()) + "</p>"
        for block in blocks
    )


def html_to_paragraphs(value: str) -> str:
    """Rich text as plain text, paragraphs separated by blank lines (the format's way)."""
    text = re.sub(r"<br\s*/?>", "\n", value or "")
    text = re.sub(r"<li[^>]*>", "- ", text)
    text = re.sub(r"</(p|h[1-6]|ul|ol)>", "\n\n", text)
    text = re.sub(r"</li>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    blocks = [
        "\n".join(line.strip() for line in block.strip().splitlines())
        for block in re.split(r"\n\s*\n", text)
    ]
    return "\n\n".join(block for block in blocks if block)


def ensure_finder_page(locale: Locale) -> ServiceIndexPage:
    """The service finder of ``locale``; created (as a translation where one exists) when there
    is none, below the home page of that language."""
    existing = ServiceIndexPage.objects.filter(locale=locale).first()
    if existing:
        return existing
    title = {"de": "Dienstleistungen", "en": "Services"}.get(locale.language_code, "Services")
    other = ServiceIndexPage.objects.exclude(locale=locale).first()
    if other is not None:
        home = other.get_parent().get_translation_or_none(locale)
        if home is not None:
            # A copy for translation is a draft named in the other language: name it in its
            # own and publish it, or the language's services would have no finder to list them.
            finder = other.copy_for_translation(locale, copy_parents=False, alias=False)
            finder.title = finder.draft_title = title
            finder.slug = find_available_slug(home, slugify(title), ignore_page_id=finder.pk)
            finder.save_revision().publish()
            return ServiceIndexPage.objects.get(pk=finder.pk)
    from home.models import HomePage

    home = HomePage.objects.filter(locale=locale).first()
    if home is None:
        site_root = Page.objects.filter(depth=2, locale=locale).first()
        home = site_root or Page.get_first_root_node()
    finder = ServiceIndexPage(
        title=title, slug=slugify(title), locale=locale, live=True, has_unpublished_changes=False
    )
    home.add_child(instance=finder)
    finder.save_revision().publish()
    return finder


def _by_name(model, names, locale) -> dict:
    """Snippets of ``model`` in ``locale`` by name, created when missing."""
    wanted = {name.strip() for name in names if name and name.strip()}
    found = {obj.name: obj for obj in model.objects.filter(locale=locale, name__in=wanted)}
    for name in sorted(wanted - set(found)):
        obj = model(name=name, locale=locale)
        if isinstance(obj, LifeSituation):
            obj.slug = _unique_slug(LifeSituation, name, locale)
        obj.save()
        found[name] = obj
    return found


def _unique_slug(model, name, locale):
    base = slugify(name)[:100] or "lebenslage"
    slug, number = base, 1
    while model.objects.filter(locale=locale, slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _wanted_state(service, situations, departments, own_forms) -> dict:
    """What a service page should hold after the import, in the page's own terms."""
    forms = []
    for online_form in service.get("online_forms") or []:
        form_page_id = own_forms.get(online_form["url"].rstrip("/"))
        forms.append(
            {
                "title": online_form["title"].strip(),
                "url": "" if form_page_id else online_form["url"].strip(),
                "form_page_id": form_page_id,
            }
        )
    department = (service.get("department") or "").strip()
    return {
        "title": service["name"].strip(),
        "leika": service.get("leika") or "",
        "summary": service["summary"].strip(),
        "description": paragraphs_to_html(service.get("description") or ""),
        "keywords": ", ".join(k.strip() for k in service.get("keywords") or [] if k.strip()),
        "documents": "\n".join(d.strip() for d in service.get("documents") or [] if d.strip()),
        **{name: (service.get(name) or "").strip() for name in TEXT_FIELDS},
        "department_id": departments[department].pk if department else None,
        "situation_ids": sorted(
            situations[name.strip()].pk for name in service.get("life_situations") or []
        ),
        "forms": forms,
    }


def _current_state(page, situation_ids, forms) -> dict:
    return {
        "title": page.title,
        "leika": page.leika,
        "summary": page.summary,
        "description": page.description,
        "keywords": page.keywords,
        "documents": page.documents,
        **{name: getattr(page, name) for name in TEXT_FIELDS},
        "department_id": page.department_id,
        "situation_ids": sorted(situation_ids),
        "forms": forms,
    }


def _apply(page, state, situations_by_id):
    page.title = page.draft_title = state["title"]
    for name in ["leika", "summary", "description", "keywords", "documents", *TEXT_FIELDS]:
        setattr(page, name, state[name])
    page.department_id = state["department_id"]
    page.life_situations.set([situations_by_id[pk] for pk in state["situation_ids"]])
    page.online_forms = [
        ServiceOnlineForm(
            title=f["title"], url=f["url"], form_page_id=f["form_page_id"], sort_order=i
        )
        for i, f in enumerate(state["forms"])
    ]


@contextmanager
def deferred_search_indexing():
    """Write many service pages without queueing one search index update per save."""
    from modelsearch.signal_handlers import post_save_signal_handler

    post_save.disconnect(post_save_signal_handler, sender=ServicePage)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        post_save.connect(post_save_signal_handler, sender=ServicePage)


def import_catalog(data: dict, user=None) -> ImportResult:
    """Import a parsed catalog (see the module docstring); raises CatalogError on problems."""
    problems, warnings = check(data)
    if problems:
        raise CatalogError(problems)
    language = data.get("language") or settings.LANGUAGE_CODE
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        raise CatalogError([f"file: the site has no pages in language {language!r} yet"])
    result = ImportResult(warnings=warnings)
    services = data["services"]
    with transaction.atomic(), deferred_search_indexing():
        finder = ensure_finder_page(locale)
        situations = _by_name(
            LifeSituation, [n for s in services for n in s.get("life_situations") or []], locale
        )
        departments = _by_name(Department, [s.get("department") for s in services], locale)
        situations_by_id = {s.pk: s for s in situations.values()}
        own_forms = {
            page.full_url.rstrip("/"): page.pk
            for page in OnlineFormPage.objects.live().filter(locale=locale)
            if page.full_url
        }
        keys = [service["key"] for service in services]
        existing = {
            page.key: page
            for page in ServicePage.objects.filter(locale=locale, key__in=keys).prefetch_related(
                "life_situations", "online_forms"
            )
        }
        translation_keys = dict(
            ServicePage.objects.filter(key__in=set(keys) - set(existing))
            .exclude(locale=locale)
            .values_list("key", "translation_key")
        )
        now = timezone.now()
        written = []
        new_pages = []
        for service in services:
            state = _wanted_state(service, situations, departments, own_forms)
            page = existing.get(service["key"])
            if page is None:
                page = ServicePage(
                    key=service["key"],
                    locale=locale,
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                    latest_revision_created_at=now,
                    last_reviewed=now.date(),
                    owner=user,
                )
                if service["key"] in translation_keys:
                    page.translation_key = translation_keys[service["key"]]
                _apply(page, state, situations_by_id)
                new_pages.append(page)
                continue
            current = _current_state(
                page,
                [s.pk for s in page.life_situations.all()],
                [
                    {"title": f.title, "url": f.url, "form_page_id": f.form_page_id}
                    for f in page.online_forms.all()
                ],
            )
            if current == state and page.live:
                result.unchanged += 1
                continue
            if page.has_unpublished_changes:
                result.warnings.append(
                    f"service {service['key']!r}: an unpublished draft was replaced by the import "
                    "(it stays in the page's history)"
                )
            _apply(page, state, situations_by_id)
            page.live = True
            page.has_unpublished_changes = False
            page.last_published_at = page.latest_revision_created_at = now
            page.first_published_at = page.first_published_at or now
            ClusterableModel.save(page)
            written.append((page, "wagtail.publish"))
            result.updated += 1
        written += [(page, "wagtail.create") for page in _add_children(finder, new_pages)]
        result.created = len(new_pages)
        _record_revisions(written, user, now)
        CatalogVersion.bump()
        ids = [page.pk for page, _action in written]
        transaction.on_commit(lambda: update_search_index(ids))
    return result


def _add_children(parent, pages) -> list:
    """Insert ``pages`` as the last children of ``parent``, as treebeard's ``add_child`` would."""
    if not pages:
        return []
    parent = Page.objects.get(pk=parent.pk)
    last = parent.get_last_child()
    step = int(last.path[-Page.steplen :], 36) if last else 0
    slugs = set(
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).values_list(
            "slug", flat=True
        )
    )
    content_type = ContentType.objects.get_for_model(ServicePage)
    for page in pages:
        step += 1
        page.path = Page._get_path(parent.path, parent.depth + 1, step)
        page.depth = parent.depth + 1
        page.numchild = 0
        # The catalog key makes a good address in the catalog's own language; translations are
        # named after their title.
        preferred = page.key if page.locale.language_code == settings.LANGUAGE_CODE else page.title
        base = slugify(preferred)[:240] or slugify(page.title)[:240] or "dienstleistung"
        slug, number = base, 1
        while slug in slugs:
            number += 1
            slug = f"{base}-{number}"
        slugs.add(slug)
        page.slug = slug
        page.url_path = f"{parent.url_path}{slug}/"
        page.content_type = content_type
        page.draft_title = page.title
        ClusterableModel.save(page)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(pages))
    return pages


def _record_revisions(written, user, now):
    """A revision and a log entry for every page the import created or changed."""
    if not written:
        return
    content_type = ContentType.objects.get_for_model(ServicePage)
    base_type = ContentType.objects.get_for_model(Page)
    revisions = Revision.objects.bulk_create(
        [
            Revision(
                content_type=content_type,
                base_content_type=base_type,
                object_id=str(page.pk),
                content=page.serializable_data(),
                object_str=page.title,
                user=user,
                created_at=now,
                approved_go_live_at=None,
            )
            for page, _action in written
        ]
    )
    for (page, action), revision in zip(written, revisions, strict=True):
        page.latest_revision = page.live_revision = revision
        log(instance=page, action=action, user=user, revision=revision, content_changed=True)
    Page.objects.bulk_update(
        [page for page, _action in written], ["latest_revision", "live_revision"], batch_size=500
    )


def update_search_index(page_ids) -> None:
    """Index the imported pages in every search backend, in bulk (queued when a worker runs)."""
    from .tasks import index_services

    for start in range(0, len(page_ids), 500):
        index_services.enqueue(list(page_ids[start : start + 500]))


# --- Exporting --------------------------------------------------------------------------------


def export_catalog(locale: Locale) -> dict:
    """The live services of ``locale`` in the exchange format, ordered by key."""
    pages = (
        ServicePage.objects.live()
        .filter(locale=locale)
        .select_related("department")
        .prefetch_related("life_situations", "online_forms__form_page")
        .order_by("key")
    )
    services = []
    for page in pages:
        service = {"key": page.key, "name": page.title, "summary": page.summary}
        if page.leika:
            service["leika"] = page.leika
        optional = {
            "description": html_to_paragraphs(page.description),
            "keywords": split_commas(page.keywords),
            "life_situations": [s.name for s in page.life_situations.all()],
            "department": page.department.name if page.department else "",
            "requirements": page.requirements,
            "documents": split_lines(page.documents),
            "fees": page.fees,
            "processing_time": page.processing_time,
            "deadlines": page.deadlines,
            "legal_basis": page.legal_basis,
            "online_forms": [
                {"title": f.title, "url": f.url or (f.form_page.full_url if f.form_page else "")}
                for f in page.online_forms.all()
                if f.url or f.form_page
            ],
        }
        service.update({name: value for name, value in optional.items() if value})
        services.append(service)
    return {"format": FORMAT, "language": locale.language_code, "services": services}
