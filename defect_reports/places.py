"""Where things are: the street directory (address search, nearest address), the town's
boundary, and open reports near a point (the duplicate check)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min, Q

from . import geo
from .models import DefectReport, DefectReportSettings, StreetAddress

NEAREST_ADDRESS_M = 300


@dataclass
class NearbyReport:
    """An open report close to where a citizen is reporting, with its distance."""

    report: DefectReport
    distance: float


def search_addresses(text: str, limit: int = 10) -> list[StreetAddress]:
    """Addresses of the street directory that match what was typed: streets starting with it
    first, then streets containing it. With a house number, that house (or the street's
    houses whose numbers start alike); without one, one entry per street."""
    street, number = geo.split_address(text)
    folded = geo.fold_street(street)
    if len(folded) < 2:
        return []
    starts = Q(search_name__startswith=folded) | Q(search_name__contains=" " + folded)
    contains = Q(search_name__contains=folded)
    if number:
        for condition in (starts, contains):
            exact = list(
                StreetAddress.objects.filter(condition, house_number__iexact=number)[:limit]
            )
            if exact:
                return exact
        similar = list(
            StreetAddress.objects.filter(starts, house_number__istartswith=number[0])[: limit * 5]
        )
        similar.sort(key=lambda a: (a.search_name, _number_key(a.house_number)))
        return similar[:limit]
    # One entry per street (its first house), chosen in the database so that a common word
    # such as "weg" lists many streets, not many houses of the first one.
    results = []
    for condition in (starts, contains):
        firsts = (
            StreetAddress.objects.filter(condition)
            .exclude(search_name__in=[a.search_name for a in results])
            .values("search_name")
            .annotate(first=Min("pk"))
            .order_by("search_name")[: limit - len(results)]
        )
        found = StreetAddress.objects.in_bulk([row["first"] for row in firsts])
        results += sorted(found.values(), key=lambda a: a.search_name)
        if len(results) >= limit:
            break
    return results[:limit]


def _number_key(number: str):
    digits = "".join(char for char in number if char.isdigit())
    return (int(digits) if digits else 0, number)


def resolve_address(text: str) -> tuple[StreetAddress | None, list[StreetAddress]]:
    """The one address meant by what was typed, or None and up to five suggestions."""
    matches = search_addresses(text, limit=5)
    street, number = geo.split_address(text)
    folded = geo.fold_street(street)
    exact = [
        address
        for address in matches
        if address.search_name == folded and (not number or address.house_number.lower() == number)
    ]
    if len(exact) == 1 or (exact and number):
        return exact[0], []
    if len(matches) == 1 and not number:
        return None, matches  # a street without a number: let the citizen pick the house
    return None, matches


def nearest_address(lat: float, lon: float) -> tuple[StreetAddress | None, float]:
    """The directory's closest address to a point within 300 m, and its distance in metres."""
    south, west, north, east = geo.box_around(lat, lon, NEAREST_ADDRESS_M)
    candidates = StreetAddress.objects.filter(
        latitude__range=(south, north), longitude__range=(west, east)
    )
    best, best_distance = None, float("inf")
    for address in candidates.only("street", "house_number", "latitude", "longitude"):
        distance = geo.distance_m(lat, lon, address.latitude, address.longitude)
        if distance < best_distance:
            best, best_distance = address, distance
    if best is None or best_distance > NEAREST_ADDRESS_M:
        return None, 0.0
    return best, best_distance


def describe_place(lat: float, lon: float) -> str:
    """The address a report is filed under: 'Marktstraße 3' or, further away, 'near …'."""
    address, distance = nearest_address(lat, lon)
    if address is None:
        return ""
    return address.label


def town_boundary(site=None) -> geo.Boundary | None:
    """The boundary staff set for the site (Settings → Defect reporter), or None."""
    if site is None:
        from wagtail.models import Site

        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    return DefectReportSettings.for_site(site).town_boundary


def inside_town(lat: float, lon: float, site=None) -> bool:
    boundary = town_boundary(site)
    return boundary is None or boundary.contains(lat, lon)


def nearby_open_reports(category, lat: float, lon: float, radius: float | None = None):
    """Open reports of the same category (in any language) within about 50 m, closest
    first: the citizen may follow one of them instead of reporting it again."""
    radius = radius or settings.DEFECT_REPORTS["DUPLICATE_RADIUS_M"]
    south, west, north, east = geo.box_around(lat, lon, radius)
    reports = (
        DefectReport.objects.filter(
            category__translation_key=category.translation_key,
            status__in=DefectReport.OPEN_STATUSES,
            latitude__range=(south, north),
            longitude__range=(west, east),
        )
        .select_related("category")
        .order_by("-created_at")[:50]
    )
    nearby = [
        NearbyReport(report, geo.distance_m(lat, lon, report.latitude, report.longitude))
        for report in reports
    ]
    nearby = [item for item in nearby if item.distance <= radius]
    nearby.sort(key=lambda item: item.distance)
    return nearby[:5]
