"""The services catalog exchange format: ``import_services`` and ``export_services`` as a town
uses them (shared/formats/services-catalog.md)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from jsonschema import Draft202012Validator
from wagtail.models import Page, PageLogEntry

from services_catalog.catalog import SCHEMA_PATH
from services_catalog.models import (
    Department,
    LifeSituation,
    OnlineFormPage,
    ServiceIndexPage,
    ServicePage,
)

pytestmark = pytest.mark.django_db


def service(key="gartenabfall-abholen", **fields):
    """A minimal valid service of the format, with ``fields`` added or replaced."""
    return {
        "key": key,
        "name": fields.pop("name", f"Testdienst {key}"),
        "summary": fields.pop("summary", "Eine kurze Beschreibung, wer das braucht."),
        **fields,
    }


def catalog(*services, language="de", **extra):
    data = {"format": "services-catalog/1", "services": list(services), **extra}
    if language:
        data["language"] = language
    return data


@pytest.fixture
def write(tmp_path):
    """Write a catalog (a dict, or text as it is) to a file and return the file's path."""
    counter = iter(range(1000))

    def write(data, name=None):
        path = tmp_path / (name or f"catalog-{next(counter)}.json")
        text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


class Run:
    def __init__(self, stdout, stderr):
        self.stdout, self.stderr = stdout, stderr


def import_services(path):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_services", path, stdout=stdout, stderr=stderr)
    return Run(stdout.getvalue(), stderr.getvalue())


def import_rejected(path):
    """Run an import that must fail; the problems it printed."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_services", path, stdout=stdout, stderr=stderr)
    assert "Nothing was imported" in str(error.value)
    return error.value, [
        line.removeprefix("Problem: ")
        for line in stderr.getvalue().splitlines()
        if line.startswith("Problem: ")
    ]


def export_services(*args):
    stdout = io.StringIO()
    call_command("export_services", *args, stdout=stdout, stderr=io.StringIO())
    return json.loads(stdout.getvalue())


def sperrmuell_form(de):
    return OnlineFormPage.objects.get(locale=de, slug="sperrmuell-abholung")


# --- importing --------------------------------------------------------------------------------


def test_a_valid_file_creates_live_findable_services(client, write, de):
    own_form = sperrmuell_form(de)
    before = Page.objects.count()
    path = write(
        catalog(
            service(
                "gartenabfall-abholen",
                name="Gartenabfall abholen lassen",
                leika="99000000000001",
                summary="Wer viel Grünschnitt hat, lässt ihn von der Stadt abholen.",
                description="Erster Absatz.\n\nZweiter Absatz mit <b>Zeichen</b> & mehr.",
                keywords=["Grünschnitt", "Häckselgut"],
                life_situations=["Umzug und Wohnen", "Garten und Natur"],
                department="Grünflächenamt",
                requirements="Sie wohnen in Musterstadt.",
                documents=["Personalausweis", "Abfallbescheid"],
                fees="10,00 Euro",
                processing_time="eine Woche",
                deadlines="bis Freitag vor der Abholung",
                legal_basis="Abfallsatzung § 4",
                online_forms=[
                    {"title": "Online anmelden", "url": "https://service.example/garten"},
                    {"title": "Bei der Stadt anmelden", "url": own_form.full_url},
                ],
            ),
            service("gartenabfall-zweiter", name="Laubsäcke bestellen"),
        )
    )

    run = import_services(path)

    assert "2 created, 0 updated, 0 unchanged" in run.stdout
    assert Page.objects.count() == before + 2
    finder = ServiceIndexPage.objects.get(locale=de)
    page = ServicePage.objects.get(locale=de, key="gartenabfall-abholen")
    assert page.live and not page.has_unpublished_changes
    assert page.get_parent().pk == finder.pk
    assert page.slug == "gartenabfall-abholen"
    assert page.title == "Gartenabfall abholen lassen"
    assert page.leika == "99000000000001"
    assert page.summary == "Wer viel Grünschnitt hat, lässt ihn von der Stadt abholen."
    assert page.description == (
        "<p>Erster Absatz.</p><p>Zweiter Absatz mit &lt;b&gt;Zeichen&lt;/b&gt; &amp; mehr.</p>"
    )
    assert page.keyword_list() == ["Grünschnitt", "Häckselgut"]
    assert page.document_list() == ["Personalausweis", "Abfallbescheid"]
    assert (page.requirements, page.fees, page.processing_time) == (
        "Sie wohnen in Musterstadt.",
        "10,00 Euro",
        "eine Woche",
    )
    assert page.deadlines == "bis Freitag vor der Abholung"
    assert page.legal_basis == "Abfallsatzung § 4"
    # Missing life situations and departments are created in the file's language.
    assert page.department == Department.objects.get(locale=de, name="Grünflächenamt")
    assert {s.name for s in page.life_situations.all()} == {"Umzug und Wohnen", "Garten und Natur"}
    assert LifeSituation.objects.filter(locale=de, name="Umzug und Wohnen").count() == 1
    new_situation = LifeSituation.objects.get(locale=de, name="Garten und Natur")
    assert new_situation.slug == "garten-und-natur"
    # An external form keeps its address; the town's own form is linked as its page.
    forms = list(page.online_forms.order_by("sort_order"))
    assert [(f.title, f.url, f.form_page_id) for f in forms] == [
        ("Online anmelden", "https://service.example/garten", None),
        ("Bei der Stadt anmelden", "", own_form.pk),
    ]
    # As if an editor had published it: a revision that is the live one, and a log entry.
    assert page.revisions.count() == 1
    assert page.latest_revision_id == page.live_revision_id is not None
    assert page.latest_revision.as_object().summary == page.summary
    assert PageLogEntry.objects.filter(page=page, action="wagtail.create").exists()
    # Citizens find it: its page opens, and the service finder lists it.
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gartenabfall abholen lassen" in html and "Abfallbescheid" in html
    found = client.get("/api/services/search", {"q": "Häckselgut", "lang": "de"}).json()
    assert found["results"][0]["key"] == "gartenabfall-abholen"


def test_imported_services_are_in_the_site_search(
    client, write, de, django_capture_on_commit_callbacks
):
    from rathaus.search import search_pages

    path = write(catalog(service("pilzberatung", name="Pilzberatung Zweiundzwanzig")))
    with django_capture_on_commit_callbacks(execute=True):
        import_services(path)
    page = ServicePage.objects.get(locale=de, key="pilzberatung")
    assert page.pk in [result.pk for result in search_pages("Pilzberatung", de)]


def test_importing_the_same_file_again_changes_nothing(write, de):
    path = write(catalog(service("a-dienst"), service("b-dienst")))
    import_services(path)
    pages = ServicePage.objects.filter(locale=de, key__in=["a-dienst", "b-dienst"])
    before = {p.pk: (p.latest_revision_id, p.last_published_at, p.url_path) for p in pages}
    log_entries = PageLogEntry.objects.count()

    run = import_services(path)

    assert "0 created, 0 updated, 2 unchanged" in run.stdout
    after = {p.pk: (p.latest_revision_id, p.last_published_at, p.url_path) for p in pages.all()}
    assert after == before
    assert PageLogEntry.objects.count() == log_entries


def test_a_changed_service_is_updated_and_keeps_its_address(client, write, de):
    import_services(write(catalog(service("a-dienst", name="Alter Name", fees="5 Euro"))))
    page = ServicePage.objects.get(locale=de, key="a-dienst")
    url = page.url

    run = import_services(
        write(catalog(service("a-dienst", name="Neuer Name", fees="7 Euro", documents=["Pass"])))
    )

    assert "0 created, 1 updated, 0 unchanged" in run.stdout
    page.refresh_from_db()
    assert (page.title, page.fees, page.document_list()) == ("Neuer Name", "7 Euro", ["Pass"])
    assert page.url == url
    assert page.revisions.count() == 2
    assert page.live_revision_id == page.latest_revision_id
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish").exists()
    html = client.get(url).content.decode()
    assert "Neuer Name" in html and "7 Euro" in html


def test_a_demo_service_is_updated_in_place(write, de):
    page = ServicePage.objects.get(locale=de, key="wohnsitz-anmelden")
    pk, url = page.pk, page.url
    count = ServicePage.objects.count()
    run = import_services(
        write(catalog(service("wohnsitz-anmelden", name="Wohnsitz anmelden", fees="gratis")))
    )
    assert "1 updated" in run.stdout
    assert ServicePage.objects.count() == count
    page = ServicePage.objects.get(pk=pk)
    assert page.fees == "gratis" and page.url == url


def test_the_key_is_matched_in_the_files_language_only(write, de, en):
    import_services(write(catalog(service("x-dienst", name="Deutscher Name"))))
    run = import_services(write(catalog(service("x-dienst", name="English name"), language="en")))
    assert "1 created" in run.stdout
    german = ServicePage.objects.get(locale=de, key="x-dienst")
    english = ServicePage.objects.get(locale=en, key="x-dienst")
    assert german.pk != english.pk
    assert german.title == "Deutscher Name"

    import_services(write(catalog(service("x-dienst", name="Other name"), language="en")))
    german.refresh_from_db()
    assert german.title == "Deutscher Name"
    assert ServicePage.objects.get(locale=en, key="x-dienst").title == "Other name"


def test_a_file_without_language_is_in_the_sites_default_language(write, de):
    run = import_services(write(catalog(service("ohne-sprache"), language=None)))
    assert "1 created" in run.stdout
    assert ServicePage.objects.filter(locale=de, key="ohne-sprache").exists()


def test_an_english_file_translates_existing_german_services(client, write, de, en):
    english_keys = set(ServicePage.objects.filter(locale=en).values_list("key", flat=True))
    german = (
        ServicePage.objects.filter(locale=de).exclude(key__in=english_keys).order_by("key").first()
    )
    assert german is not None, "the demo has German services without an English version"

    run = import_services(
        write(catalog(service(german.key, name="Translated service"), language="en"))
    )

    assert "1 created" in run.stdout
    english = ServicePage.objects.get(locale=en, key=german.key)
    assert english.translation_key == german.translation_key
    assert german.get_translation(en).pk == english.pk
    assert english.get_parent().specific == ServiceIndexPage.objects.get(locale=en)
    assert english.slug == "translated-service"
    response = client.get(english.url)
    assert response.status_code == 200
    assert "Translated service" in response.content.decode()


# --- rejected files ---------------------------------------------------------------------------


def test_a_file_with_problems_is_rejected_as_a_whole(write):
    count = ServicePage.objects.count()
    path = write(
        catalog(
            service("eins"),
            service("zwei", summary="x" * 301),
            {"key": "drei", "name": "Ohne Zusammenfassung"},
            service("eins", name="Noch einmal eins"),
            service(
                "fuenf",
                online_forms=[
                    {"title": "Böse", "url": "javascript:alert(1)"},
                    {"title": "Alt", "url": "ftp://x"},
                ],
            ),
            service("sechs", leika="123"),
            {"name": "Ohne Schlüssel", "summary": "Kurz."},
        )
    )

    error, problems = import_rejected(path)

    assert sorted(problems) == sorted(
        [
            "service 2 (key 'zwei'): summary: longer than 300 characters",
            "service 3 (key 'drei'): the required field 'summary' is missing",
            "service 4 (key 'eins'): the key is already used by service 1",
            "service 5 (key 'fuenf'): online_forms.1.url: 'javascript:alert(1)' is not an "
            "http(s) address",
            "service 5 (key 'fuenf'): online_forms.2.url: 'ftp://x' is not an http(s) address",
            "service 6 (key 'sechs'): leika: a LeiKa key has 14 digits, not '123'",
            "service 7: the required field 'key' is missing",
        ]
    )
    assert "7 problem(s)" in str(error)
    assert ServicePage.objects.count() == count
    assert not ServicePage.objects.filter(key="eins").exists(), "the valid one neither"


@pytest.mark.parametrize(
    "data, expected",
    [
        (
            {"format": "services-catalog/2", "services": [service("eins")]},
            "format: the format must be 'services-catalog/1', not 'services-catalog/2'",
        ),
        ({"services": [service("eins")]}, "file: the required field 'format' is missing"),
        (catalog(service("eins"), service("eins")), "service 2 (key 'eins'): the key is already"),
        (
            catalog(service("eins", summary="ä" * 301)),
            "service 1 (key 'eins'): summary: longer than 300 characters",
        ),
        (
            catalog(service("eins", name="")),
            "service 1 (key 'eins'): name: must not be empty",
        ),
        (
            catalog(service("eins", online_forms=[{"title": "X", "url": "javascript:alert(1)"}])),
            "service 1 (key 'eins'): online_forms.1.url: 'javascript:alert(1)' is not an http(s)",
        ),
        (
            catalog(service("eins", online_forms=[{"title": "X", "url": "ftp://x"}])),
            "service 1 (key 'eins'): online_forms.1.url: 'ftp://x' is not an http(s) address",
        ),
        (
            catalog(service("eins", online_forms=[{"title": "X", "url": "//evil.example/"}])),
            "service 1 (key 'eins'): online_forms.1.url: '//evil.example/' is not an http(s)",
        ),
        (
            catalog(service("eins", online_forms=[{"title": "X"}])),
            "service 1 (key 'eins'): online_forms.1: the required field 'url' is missing",
        ),
        (catalog(service("eins", keywords="Hund")), "service 1 (key 'eins'): keywords: must be"),
        ([service("eins")], "file: the catalog must be a JSON object"),
        (
            catalog(service("eins"), language="fr"),
            "file: language 'fr' is not one of the site's languages (de, en)",
        ),
    ],
)
def test_each_problem_is_named(write, data, expected):
    count = ServicePage.objects.count()
    _error, problems = import_rejected(write(data))
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems
    assert ServicePage.objects.count() == count


def test_a_file_that_is_not_json_is_rejected(write):
    count = ServicePage.objects.count()
    _error, problems = import_rejected(write('{"format": "services-catalog/1", "services": [}'))
    assert len(problems) == 1
    assert problems[0].startswith("file: not valid JSON (line 1, column")
    assert ServicePage.objects.count() == count


def test_a_missing_file_is_rejected(tmp_path):
    _error, problems = import_rejected(str(tmp_path / "gibt-es-nicht.json"))
    assert problems[0].startswith("file: cannot be read")


def test_unknown_fields_are_ignored_with_a_warning(write, de):
    path = write(
        catalog(
            service(
                "mit-extras",
                zustaendigkeit="Landkreis",
                online_forms=[{"title": "X", "url": "https://x.example/", "typ": "pdf"}],
            ),
            generator="Redaktionssystem 4.2",
        )
    )
    run = import_services(path)
    assert "1 created" in run.stdout
    assert "Warning: file: unknown field 'generator' ignored" in run.stderr
    assert (
        "Warning: service 1 (key 'mit-extras'): unknown field 'zustaendigkeit' ignored"
        in run.stderr
    )
    assert "online_forms.1: unknown field 'typ' ignored" in run.stderr
    assert ServicePage.objects.filter(locale=de, key="mit-extras").exists()


# --- a site without a service finder yet ------------------------------------------------------


def test_import_creates_the_finder_on_a_site_without_one(client, write, de, en, home_de, home_en):
    for finder in ServiceIndexPage.objects.all():
        # A translation may already be gone with its source's subtree.
        if Page.objects.filter(pk=finder.pk).exists():
            Page.objects.get(pk=finder.pk).delete()
    assert not ServiceIndexPage.objects.exists()
    assert not ServicePage.objects.exists()

    run = import_services(write(catalog(service("hund-anmelden", name="Hund anmelden"))))

    assert "1 created" in run.stdout
    finder_de = ServiceIndexPage.objects.get(locale=de)
    assert finder_de.get_parent().pk == home_de.pk
    assert finder_de.live and finder_de.title == "Dienstleistungen"
    assert finder_de.url == "/de/dienstleistungen/"
    assert client.get(finder_de.url).status_code == 200
    page = ServicePage.objects.get(locale=de, key="hund-anmelden")
    assert page.get_parent().pk == finder_de.pk
    assert client.get(page.url).status_code == 200

    run = import_services(
        write(catalog(service("hund-anmelden", name="Registering a dog"), language="en"))
    )

    assert "1 created" in run.stdout
    finder_en = ServiceIndexPage.objects.get(locale=en)
    assert finder_en.translation_key == finder_de.translation_key
    assert finder_en.get_parent().pk == home_en.pk
    assert finder_en.live and finder_en.title == "Services"
    assert finder_en.url == "/en/services/"
    assert client.get(finder_en.url).status_code == 200
    english = ServicePage.objects.get(locale=en, key="hund-anmelden")
    assert english.translation_key == page.translation_key
    assert english.get_parent().pk == finder_en.pk
    response = client.get(english.url)
    assert response.status_code == 200
    assert "Registering a dog" in response.content.decode()


# --- exporting --------------------------------------------------------------------------------


def test_export_writes_the_format_and_matches_the_schema(de):
    data = export_services()
    assert data["format"] == "services-catalog/1"
    assert data["language"] == "de"
    assert len(data["services"]) == ServicePage.objects.live().filter(locale=de).count()
    keys = [s["key"] for s in data["services"]]
    assert keys == sorted(keys)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    errors = list(Draft202012Validator(schema).iter_errors(data))
    assert errors == []
    wohnsitz = next(s for s in data["services"] if s["key"] == "wohnsitz-anmelden")
    assert wohnsitz["name"] == "Wohnsitz anmelden"
    assert wohnsitz["department"] == "Bürgerbüro"
    assert "Umzug und Wohnen" in wohnsitz["life_situations"]
    assert "\n\n" in wohnsitz["description"]
    sperrmuell = next(s for s in data["services"] if s["key"] == "sperrmuell-anmelden")
    assert sperrmuell["online_forms"] == [
        {"title": "Sperrmüll online anmelden", "url": sperrmuell_form(de).full_url}
    ]


def test_export_to_a_file_in_another_language(tmp_path, en):
    output = tmp_path / "en.json"
    call_command(
        "export_services", "--language", "en", "--output", str(output), stderr=io.StringIO()
    )
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["language"] == "en"
    assert len(data["services"]) == ServicePage.objects.live().filter(locale=en).count() > 0


def test_export_of_an_unknown_language_fails():
    with pytest.raises(CommandError):
        export_services("--language", "fr")


@pytest.mark.parametrize("language", ["de", "en"])
def test_exported_catalog_imports_back_unchanged(write, language):
    data = export_services("--language", language)
    count = ServicePage.objects.count()
    run = import_services(write(data))
    assert f"0 created, 0 updated, {len(data['services'])} unchanged" in run.stdout
    assert ServicePage.objects.count() == count


def test_what_editors_typed_is_exported_as_plain_text(de):
    page = ServicePage.objects.get(locale=de, key="wohnsitz-anmelden")
    page.description = "<h3>Wichtig</h3><p>Erst <b>nach</b> dem Einzug &amp; mit Pass.</p>"
    page.documents = "Ausweis\n\n- Mietvertrag"
    page.save_revision().publish()
    data = export_services()
    wohnsitz = next(s for s in data["services"] if s["key"] == "wohnsitz-anmelden")
    assert wohnsitz["documents"] == ["Ausweis", "Mietvertrag"]
    assert wohnsitz["description"] == "Wichtig\n\nErst nach dem Einzug & mit Pass."


def test_the_json_schema_is_valid():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["format"] == {"const": "services-catalog/1"}
