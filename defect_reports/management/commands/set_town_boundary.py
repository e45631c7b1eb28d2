"""``manage.py set_town_boundary FILE``: store the town's boundary (GeoJSON) for the site."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from defect_reports import geo
from defect_reports.models import DefectReportSettings, StreetAddress


class Command(BaseCommand):
    help = (
        "Check a GeoJSON file (a Polygon or MultiPolygon, or a Feature or FeatureCollection "
        "holding one, in WGS 84 longitude/latitude) and store it as the default site's town "
        "boundary: reports from outside it are refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the GeoJSON file, or - to read standard input")

    def handle(self, *args, file, **options):
        text = self.read(file)
        try:
            boundary = geo.Boundary.from_geojson(json.loads(text))
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{file} is not valid JSON (line {error.lineno}, column {error.colno}: "
                f"{error.msg}). The boundary was not changed."
            ) from error
        except (ValueError, TypeError, KeyError, IndexError) as error:
            reason = f"'{error.args[0]}' is missing" if isinstance(error, KeyError) else error
            raise CommandError(
                f"{file} is not a GeoJSON polygon: {reason}. The boundary was not changed."
            ) from error
        west, south, east, north = boundary.bounds
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise CommandError(
                f"{file} has positions outside the world: GeoJSON needs longitude first, "
                "then latitude, in degrees. The boundary was not changed."
            )
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("There is no default site to store the boundary for.")
        settings = DefectReportSettings.for_site(site)
        settings.boundary = text.strip()
        settings.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Town boundary stored for {site}: {len(boundary.polygons)} polygon(s) from "
                f"{south:.4f}, {west:.4f} to {north:.4f}, {east:.4f} (latitude, longitude)."
            )
        )
        addresses = StreetAddress.objects.values_list("latitude", "longitude")
        outside = sum(1 for lat, lon in addresses.iterator() if not boundary.contains(lat, lon))
        if outside:
            # Swapped coordinates or the wrong file are the usual reasons; say so, but the
            # boundary is what staff asked for.
            self.stderr.write(
                f"Warning: {outside:,} of {addresses.count():,} addresses of the street "
                "directory lie outside this boundary. Are longitude and latitude swapped?"
            )

    def read(self, file) -> str:
        try:
            if file == "-":
                return sys.stdin.read().removeprefix("\ufeff")
            with open(file, encoding="utf-8-sig") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}.") from error
