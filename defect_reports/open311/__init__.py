"""Open311 GeoReport v2 for defect reports: other programs read and create reports."""
