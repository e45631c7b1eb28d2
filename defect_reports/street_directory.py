"""Loading the town's street directory from a CSV file (``manage.py import_addresses``).

The file has a header line with the columns ``street``, ``house_number``, ``latitude`` and
``longitude`` (``postcode`` and ``city`` are optional), separated by commas or semicolons, in
UTF-8 with or without a byte order mark. The import is all or nothing: every line is checked
first and every problem is reported with its line number; only a file without problems is
written, in one transaction, matching addresses by street and house number.
"""

import csv
import io
import math
from dataclasses import dataclass, field

from django.db import transaction

from home.imports import ImportProblems

from . import geo
from .models import StreetAddress

REQUIRED_COLUMNS = ["street", "house_number", "latitude", "longitude"]
OPTIONAL_COLUMNS = ["postcode", "city"]
BATCH_SIZE = 500
UPDATED_FIELDS = ["postcode", "city", "latitude", "longitude", "search_name"]


class DirectoryError(ImportProblems):
    """A street directory file that cannot be imported; ``problems`` lists why."""


@dataclass
class ImportResult:
    """What an import did, for the command's summary."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def total(self) -> int:
        return self.created + self.changed + self.unchanged

    def summary(self) -> str:
        text = (
            f"{self.total:,} addresses: {self.created:,} new, {self.changed:,} changed, "
            f"{self.unchanged:,} unchanged"
        )
        if self.removed:
            text += f" ({self.removed:,} removed first)"
        return text


@dataclass
class AddressRow:
    """One checked line of the file."""

    line: int
    street: str
    house_number: str
    postcode: str
    city: str
    latitude: float
    longitude: float
    problems: list[str] = field(default_factory=list)


def decode(data: bytes | str) -> str:
    """The file's text: UTF-8, a leading byte order mark dropped."""
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise DirectoryError(
                [f"line {line}: the file is not UTF-8 ({error.reason})"]
            ) from error
    return data.removeprefix("\ufeff")


def delimiter_of(text: str) -> str:
    """Comma or semicolon, whichever the header line uses (spreadsheets in Germany save CSV
    with semicolons)."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def read_addresses(data: bytes | str) -> list[AddressRow]:
    """Every address of the file, checked; raises DirectoryError listing every problem."""
    text = decode(data)
    if not text.strip():
        raise DirectoryError(["line 1: the file is empty; it needs a header line"])
    delimiter = delimiter_of(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as error:
        raise DirectoryError([f"line 1: {error}"]) from error
    problems = [
        f"line 1: missing column '{name}'" for name in REQUIRED_COLUMNS if name not in header
    ]
    problems += [
        f"line 1: column '{name}' appears twice"
        for name in sorted(set(header))
        if name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS and header.count(name) > 1
    ]
    if problems:
        raise DirectoryError(problems)
    position = {
        name: header.index(name) for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if name in header
    }
    rows, seen = [], {}
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            row = _check(reader.line_num, values, position, len(header), delimiter)
            key = (row.street, row.house_number)
            if row.street and key in seen:
                label = f"{row.street} {row.house_number}".strip()
                row.problems.append(f"{label} is already on line {seen[key]}")
            seen.setdefault(key, row.line)
            problems += [f"line {row.line}: {problem}" for problem in row.problems]
            rows.append(row)
    except csv.Error as error:
        problems.append(f"line {reader.line_num}: {error}")
    if problems:
        raise DirectoryError(problems)
    if not rows:
        raise DirectoryError(["line 2: the file holds no addresses, only a header"])
    return rows


LIMITS = {
    name: StreetAddress._meta.get_field(name).max_length
    for name in ("street", "house_number", "postcode", "city")
}


def _check(line, values, position, width, delimiter) -> AddressRow:
    problems = []
    if len(values) < width:
        problems.append(f"{len(values)} values, but the header has {width} columns")
    elif len(values) > width:
        problems.append(f"{len(values)} values, but the header has only {width} columns")

    def value(name):
        index = position.get(name)
        return values[index].strip() if index is not None and index < len(values) else ""

    texts = {name: value(name) for name in LIMITS}
    if not texts["street"]:
        problems.append("the street is empty")
    for name, limit in LIMITS.items():
        if len(texts[name]) > limit:
            problems.append(f"{name} is longer than {limit} characters")
    latitude = _coordinate(value("latitude"), "latitude", 90, delimiter, problems)
    longitude = _coordinate(value("longitude"), "longitude", 180, delimiter, problems)
    return AddressRow(line, latitude=latitude, longitude=longitude, problems=problems, **texts)


def _coordinate(text, name, limit, delimiter, problems):
    # A semicolon file from a German spreadsheet may write 51,0560 for 51.0560.
    if delimiter == ";" and "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        problems.append(f"{name} '{text}' is not a number" if text else f"{name} is empty")
        return 0.0
    if not math.isfinite(number) or not -limit <= number <= limit:
        problems.append(f"{name} {text} is outside the world (-{limit} to {limit})")
        return 0.0
    return number


def import_addresses(rows: list[AddressRow], replace: bool = False) -> ImportResult:
    """Write checked rows in one transaction: new addresses are created, known ones (same
    street and house number) updated when they differ; with ``replace`` the whole directory
    is deleted first. Addresses missing from the file are otherwise kept."""
    result = ImportResult()
    with transaction.atomic():
        if replace:
            result.removed, _ = StreetAddress.objects.all().delete()
            existing = {}
        else:
            existing = {(a.street, a.house_number): a for a in StreetAddress.objects.all()}
        new, changed = [], []
        for row in rows:
            values = {
                "postcode": row.postcode,
                "city": row.city,
                "latitude": row.latitude,
                "longitude": row.longitude,
                # bulk_create and bulk_update skip StreetAddress.save(), which sets it.
                "search_name": geo.fold_street(row.street),
            }
            address = existing.get((row.street, row.house_number))
            if address is None:
                new.append(
                    StreetAddress(street=row.street, house_number=row.house_number, **values)
                )
            elif any(getattr(address, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(address, name, value)
                changed.append(address)
            else:
                result.unchanged += 1
        StreetAddress.objects.bulk_create(new, batch_size=BATCH_SIZE)
        StreetAddress.objects.bulk_update(changed, UPDATED_FIELDS, batch_size=BATCH_SIZE)
        result.created, result.changed = len(new), len(changed)
    return result
