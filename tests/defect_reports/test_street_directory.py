"""The street directory: ``import_addresses`` as a town uses it (CSV from a spreadsheet or its
GIS, all or nothing), and the address search, resolution and nearest address built on it."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from defect_reports import places
from defect_reports.demo import ADDRESSES
from defect_reports.models import StreetAddress

pytestmark = pytest.mark.django_db

HEADER = "street,house_number,postcode,city,latitude,longitude"


@pytest.fixture
def write(tmp_path):
    """Write CSV text to a file (UTF-8, optionally with a byte order mark); its path."""
    counter = iter(range(1000))

    def write(text, bom=False):
        path = tmp_path / f"addresses-{next(counter)}.csv"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        return str(path)

    return write


def import_addresses(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_addresses", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue()


def import_rejected(*args):
    """Run an import that must fail; the problems it printed."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_addresses", *args, stdout=stdout, stderr=stderr)
    problems = [
        line.removeprefix("Problem: ")
        for line in stderr.getvalue().splitlines()
        if line.startswith("Problem: ")
    ]
    assert f"Nothing was imported: {len(problems)} problem(s)" in str(error.value)
    return problems


def directory():
    """The whole directory as {(street, number): (postcode, city, lat, lon, search_name)}."""
    return {
        (a.street, a.house_number): (a.postcode, a.city, a.latitude, a.longitude, a.search_name)
        for a in StreetAddress.objects.all()
    }


# --- importing --------------------------------------------------------------------------------


def test_a_valid_file_adds_its_addresses_to_the_directory(write):
    before = StreetAddress.objects.count()
    path = write(
        f"{HEADER}\n"
        "Am Wasserturm,1,12345,Musterstadt,51.061200,12.561100\n"
        "Am Wasserturm,3a,12345,Musterstadt,51.061300,12.561250\n"
        "Große Brückenstr.,2,12345,Musterstadt,51.050100,12.550200\n"
    )

    output = import_addresses(path)

    assert "3 addresses: 3 new, 0 changed, 0 unchanged" in output
    assert StreetAddress.objects.count() == before + 3
    tower = StreetAddress.objects.get(street="Am Wasserturm", house_number="3a")
    assert (tower.postcode, tower.city) == ("12345", "Musterstadt")
    assert (tower.latitude, tower.longitude) == (51.0613, 12.56125)
    # Written in bulk, yet folded for search just like StreetAddress.save() does.
    assert tower.search_name == "am wasserturm"
    bridge = StreetAddress.objects.get(street="Große Brückenstr.")
    assert bridge.search_name == "grosse bruckenstrasse"
    assert [a.label for a in places.search_addresses("Große Brückenstraße 2")] == [
        "Große Brückenstr. 2"
    ]


def test_a_semicolon_file_with_byte_order_mark_from_a_spreadsheet(write):
    path = write(
        "Street;House_Number;Postcode;City;Latitude;Longitude\r\n"
        "Mühlenstraße;2a;12345;Musterstadt;51,0571;12,5502\r\n"
        "\r\n"
        '"Weg ""Am Anger""";7;12345;Musterstadt;51.0572;12.5503\r\n',
        bom=True,
    )

    output = import_addresses(path)

    assert "2 addresses: 2 new, 0 changed, 0 unchanged" in output
    mill = StreetAddress.objects.get(street="Mühlenstraße")
    assert (mill.house_number, mill.latitude, mill.longitude) == ("2a", 51.0571, 12.5502)
    assert mill.search_name == "muhlenstrasse"
    assert StreetAddress.objects.filter(street='Weg "Am Anger"', house_number="7").exists()


def test_postcode_and_city_columns_are_optional(write):
    import_addresses(write("latitude,longitude,street,house_number\n51.06,12.56,Feldrain,4\n"))
    address = StreetAddress.objects.get(street="Feldrain")
    assert (address.house_number, address.postcode, address.city) == ("4", "", "")
    assert (address.latitude, address.longitude) == (51.06, 12.56)


def test_the_file_can_come_from_standard_input(monkeypatch):
    text = f"{HEADER}\nSandweg,9,12345,Musterstadt,51.0599,12.5501\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode()), "utf-8"))

    output = import_addresses("-")

    assert "1 addresses: 1 new" in output
    assert StreetAddress.objects.filter(street="Sandweg", house_number="9").exists()


def test_every_problem_is_reported_with_its_line_and_nothing_is_imported(write):
    before = directory()
    path = write(
        f"{HEADER}\n"
        "Gute Straße,1,12345,Musterstadt,51.05,12.55\n"  # line 2 is fine
        " ,2,12345,Musterstadt,51.05,12.55\n"
        "Gute Straße,3,12345,Musterstadt,einundfünfzig,12.55\n"
        "Gute Straße,4,12345,Musterstadt,51.05,200\n"
        "Gute Straße,5,12345,Musterstadt,-91,12.55\n"
        "Gute Straße,6,12345,Musterstadt,nan,12.55\n"
        "Gute Straße,7,12345,Musterstadt,51.05\n"
        "Gute Straße,1,12345,Musterstadt,51.06,12.56\n"
        "Gute Straße,8,12345,Musterstadt,,12.55\n"
    )

    problems = import_rejected(path)

    assert problems == [
        "line 3: the street is empty",
        "line 4: latitude 'einundfünfzig' is not a number",
        "line 5: longitude 200 is outside the world (-180 to 180)",
        "line 6: latitude -91 is outside the world (-90 to 90)",
        "line 7: latitude nan is outside the world (-90 to 90)",
        "line 8: 5 values, but the header has 6 columns",
        "line 8: longitude is empty",
        "line 9: Gute Straße 1 is already on line 2",
        "line 10: latitude is empty",
    ]
    assert directory() == before
    assert not StreetAddress.objects.filter(street="Gute Straße").exists()


def test_a_missing_column_is_named(write):
    problems = import_rejected(write("street,house_number,postcode,city,lat,lon\nA,1,,,1,2\n"))
    assert problems == ["line 1: missing column 'latitude'", "line 1: missing column 'longitude'"]


def test_a_file_that_is_not_utf8_is_rejected(write, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\nMühlweg,1,12345,Musterstadt,51.05,12.55\n".encode("latin-1"))
    problems = import_rejected(str(path))
    assert len(problems) == 1 and problems[0].startswith("line 2: the file is not UTF-8")


def test_an_empty_file_or_a_header_alone_is_rejected(write):
    assert import_rejected(write("")) == ["line 1: the file is empty; it needs a header line"]
    assert import_rejected(write(HEADER + "\n")) == [
        "line 2: the file holds no addresses, only a header"
    ]


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*nowhere.csv"):
        call_command("import_addresses", str(tmp_path / "nowhere.csv"), stdout=io.StringIO())


def test_importing_again_updates_by_street_and_house_number(write):
    import_addresses(
        write(
            f"{HEADER}\n"
            "Lerchenweg,1,12345,Musterstadt,51.0601,12.5601\n"
            "Lerchenweg,2,12345,Musterstadt,51.0602,12.5602\n"
        )
    )
    first = StreetAddress.objects.get(street="Lerchenweg", house_number="1")
    total = StreetAddress.objects.count()

    output = import_addresses(
        write(
            f"{HEADER}\n"
            "Lerchenweg,1,12345,Musterstadt,51.0601,12.5601\n"
            "Lerchenweg,2,12346,Musterstadt-Nord,51.0612,12.5612\n"
            "Lerchenweg,3,12345,Musterstadt,51.0603,12.5603\n"
        )
    )

    assert "3 addresses: 1 new, 1 changed, 1 unchanged" in output
    assert StreetAddress.objects.count() == total + 1
    moved = StreetAddress.objects.get(street="Lerchenweg", house_number="2")
    assert (moved.postcode, moved.city, moved.latitude, moved.longitude) == (
        "12346",
        "Musterstadt-Nord",
        51.0612,
        12.5612,
    )
    # The same row, not a new one; and addresses missing from the file are kept.
    assert StreetAddress.objects.get(street="Lerchenweg", house_number="1").pk == first.pk
    assert StreetAddress.objects.filter(street="Marktplatz", house_number="1").exists()


def test_the_demo_directory_imported_again_is_unchanged():
    rows = len(ADDRESSES.read_text(encoding="utf-8").strip().splitlines()) - 1
    assert StreetAddress.objects.count() == rows

    output = import_addresses(str(ADDRESSES))

    assert f"{rows:,} addresses: 0 new, 0 changed, {rows:,} unchanged" in output
    assert rows > 1000 and "," in f"{rows:,}"


def test_replace_deletes_the_directory_first(write):
    before = StreetAddress.objects.count()
    output = import_addresses(
        write(
            f"{HEADER}\n"
            "Marktplatz,1,12345,Musterstadt,51.0560,12.5560\n"
            "Neue Mitte,1,12345,Musterstadt,51.0561,12.5561\n"
        ),
        "--replace",
    )
    assert f"2 addresses: 2 new, 0 changed, 0 unchanged ({before:,} removed first)" in output
    assert set(directory()) == {("Marktplatz", "1"), ("Neue Mitte", "1")}


def test_a_rejected_replace_keeps_the_directory(write):
    before = directory()
    import_rejected(write(f"{HEADER}\nNeue Mitte,1,12345,Musterstadt,north,12.5561\n"), "--replace")
    assert directory() == before


# --- searching --------------------------------------------------------------------------------


def labels(addresses):
    return [address.label for address in addresses]


def test_search_understands_abbreviated_street_and_number():
    assert labels(places.search_addresses("Goethestr. 3")) == ["Goethestraße 3"]
    assert labels(places.search_addresses("goethestrasse 3")) == ["Goethestraße 3"]
    assert labels(places.search_addresses("Kirchgasse 3A")) == ["Kirchgasse 3a"]


def test_a_street_alone_gives_one_entry_per_street():
    found = places.search_addresses("goethestrasse")
    assert [a.street for a in found] == ["Goethestraße"]
    # A word inside the name finds the street too.
    assert [a.street for a in places.search_addresses("Friedens")] == ["Straße des Friedens"]
    assert [a.street for a in places.search_addresses("kollwitz")] == ["Käthe-Kollwitz-Straße"]


def test_a_common_word_lists_several_streets():
    streets = [a.street for a in places.search_addresses("weg")]
    assert {"Ahornweg", "Birkenweg", "Brunnenweg", "Rosenweg"} <= set(streets)


def test_sharp_s_and_double_s_find_the_same_street():
    assert labels(places.search_addresses("Schlossberg 5")) == ["Schloßberg 5"]
    assert labels(places.search_addresses("Schloßberg 5")) == ["Schloßberg 5"]
    assert labels(places.search_addresses("Schlossberg")) == labels(
        places.search_addresses("Schloßberg")
    )
    assert labels(places.search_addresses("Strasse des Friedens 12")) == ["Straße des Friedens 12"]


def test_umlauts_are_found_with_and_without_their_dots():
    assert labels(places.search_addresses("Töpfergasse 4")) == ["Töpfergasse 4"]
    assert labels(places.search_addresses("topfergasse 4")) == ["Töpfergasse 4"]
    assert labels(places.search_addresses("TÖPFERGASSE 4")) == ["Töpfergasse 4"]
    assert [a.street for a in places.search_addresses("kreisstadter str")] == [
        "Kreisstädter Straße"
    ]
    assert labels(places.search_addresses("Käthe-Kollwitz-Str. 3")) == ["Käthe-Kollwitz-Straße 3"]


def test_nothing_is_found_for_unknown_or_too_short_input():
    assert places.search_addresses("Nirgendwostraße 99") == []
    assert places.search_addresses("x") == []
    assert places.search_addresses("") == []


def test_resolve_address_finds_the_one_address_meant():
    address, suggestions = places.resolve_address("Kirchgasse 3a")
    assert address.label == "Kirchgasse 3a" and suggestions == []
    address, suggestions = places.resolve_address("Marktplatz 1")
    assert (address.latitude, address.longitude) == (51.056, 12.556)


def test_resolve_address_suggests_when_the_house_number_is_unknown():
    address, suggestions = places.resolve_address("Hauptstraße 999")
    assert address is None
    assert 1 <= len(suggestions) <= 5
    assert {a.street for a in suggestions} == {"Hauptstraße"}


def test_resolve_address_of_an_unknown_street_gives_nothing():
    assert places.resolve_address("Nirgendwostraße 99") == (None, [])


def test_resolve_address_does_not_put_the_report_at_another_house():
    address, _suggestions = places.resolve_address("Kirchgasse 99")
    assert address is None


def test_umlauts_written_as_ue_find_the_street():
    assert [a.street for a in places.search_addresses("Muehlgraben")] == ["Mühlgraben"]


def test_nearest_address_of_a_point():
    address, distance = places.nearest_address(51.0560, 12.5560)
    assert address.label == "Marktplatz 1" and distance == 0
    # About 11 m north of the Rathaus: still Marktplatz 1, at that distance.
    address, distance = places.nearest_address(51.0561, 12.5560)
    assert address.label == "Marktplatz 1" and 10.5 < distance < 11.5
    goethe = StreetAddress.objects.get(street="Goethestraße", house_number="3")
    address, distance = places.nearest_address(goethe.latitude + 0.00002, goethe.longitude)
    assert address.pk == goethe.pk and distance < 3
    assert places.describe_place(goethe.latitude, goethe.longitude) == "Goethestraße 3"


def test_nearest_address_far_from_every_house_is_none():
    # 5 km north of the Marktplatz; and 400 m beyond the last house of Straße des Friedens.
    assert places.nearest_address(51.1010, 12.5560) == (None, 0.0)
    assert places.nearest_address(51.0682, 12.5577) == (None, 0.0)
    assert places.describe_place(51.1010, 12.5560) == ""
