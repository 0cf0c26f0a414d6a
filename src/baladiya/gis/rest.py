"""Thin DRF endpoints of the gis app (mounted under /api/v1/)."""

urlpatterns: list = []
