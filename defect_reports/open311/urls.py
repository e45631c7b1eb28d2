"""Open311 GeoReport v2 endpoints under /open311/v2/."""

urlpatterns = []
