"""Plain geometry for the defect reporter, in WGS 84 degrees: distances, bounding boxes, the
town's boundary polygon, and the folding of street names for search. No database here."""

import math
import re
import unicodedata
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_000


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine), accurate to well under a metre in a town."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def box_around(lat: float, lon: float, metres: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a square that holds every point within ``metres``."""
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    dlon = dlat / max(0.01, math.cos(math.radians(lat)))
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """Read ``west,south,east,north`` (the order of GeoJSON and Leaflet's toBBoxString);
    raises ValueError with a message for anything else."""
    parts = value.split(",")
    if len(parts) != 4:
        raise ValueError("bbox needs four numbers: west,south,east,north")
    west, south, east, north = (float(part) for part in parts)
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ValueError("bbox numbers must be finite")
    if not (
        -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90
    ):
        raise ValueError("bbox is outside the world")
    if south > north or west > east:
        raise ValueError("bbox must be west,south,east,north with west ≤ east and south ≤ north")
    return west, south, east, north


def valid_point(lat, lon) -> bool:
    return (
        lat is not None
        and lon is not None
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90 <= lat <= 90
        and -180 <= lon <= 180
    )


@dataclass(frozen=True)
class Boundary:
    """The town's boundary: one or more polygons, each an outer ring and optional holes, as
    lists of (lon, lat) pairs like GeoJSON."""

    polygons: tuple

    @classmethod
    def from_geojson(cls, data) -> "Boundary":
        """Accept a Polygon, MultiPolygon, Feature or FeatureCollection; raise ValueError."""
        kind = data.get("type") if isinstance(data, dict) else None
        if kind == "FeatureCollection":
            polygons = []
            for feature in data["features"]:
                polygons.extend(cls.from_geojson(feature).polygons)
            if not polygons:
                raise ValueError("the FeatureCollection holds no polygon")
            return cls(tuple(polygons))
        if kind == "Feature":
            return cls.from_geojson(data["geometry"])
        if kind == "Polygon":
            return cls((cls._polygon(data["coordinates"]),))
        if kind == "MultiPolygon":
            return cls(tuple(cls._polygon(rings) for rings in data["coordinates"]))
        raise ValueError("expected a Polygon, MultiPolygon, Feature or FeatureCollection")

    @staticmethod
    def _polygon(rings):
        cleaned = []
        for ring in rings:
            if any(not isinstance(point, (list, tuple)) or len(point) < 2 for point in ring):
                raise ValueError("each position needs a longitude and a latitude")
            points = tuple((float(point[0]), float(point[1])) for point in ring)
            if len(points) < 4:
                raise ValueError("a polygon ring needs at least four positions")
            cleaned.append(points)
        if not cleaned:
            raise ValueError("a polygon needs an outer ring")
        return tuple(cleaned)

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point lies inside (holes excluded); even-odd rule per ring."""
        for outer, *holes in self.polygons:
            if _in_ring(lon, lat, outer) and not any(_in_ring(lon, lat, hole) for hole in holes):
                return True
        return False

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) of every outer ring."""
        points = [point for polygon in self.polygons for point in polygon[0]]
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        return min(lons), min(lats), max(lons), max(lats)

    def as_geojson(self) -> dict:
        return {
            "type": "MultiPolygon",
            "coordinates": [
                [[list(point) for point in ring] for ring in polygon] for polygon in self.polygons
            ],
        }


def _in_ring(x: float, y: float, ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


_STREET_SUFFIX = re.compile(r"(str\.|str\b)")


def fold_street(name: str) -> str:
    """Fold a street name for search, so that the ways people type it compare equal:
    'Goethestr.', 'Goethestraße' and 'goethestrasse'; 'Mühlgraben', 'Muehlgraben' and
    'Muhlgraben'. Case, spaces and hyphens do not matter either."""
    text = name.casefold().replace("ß", "ss")
    text = _STREET_SUFFIX.sub("strasse", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    # People without umlaut keys write ue for ü: fold both spellings to the same letters.
    text = text.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return re.sub(r"[\s\-]+", " ", text).strip()


_ADDRESS = re.compile(r"^\s*(?P<street>.*?[^\d\s,])[\s,]*(?P<number>\d+\s*[a-zA-Z]?)?\s*(,.*)?$")


def split_address(text: str) -> tuple[str, str]:
    """Split what a citizen typed into street and house number: 'Markt 3a' → ('Markt', '3a')."""
    match = _ADDRESS.match(text or "")
    if not match:
        return (text or "").strip(), ""
    number = (match.group("number") or "").replace(" ", "").lower()
    return match.group("street").strip(), number
