"""Thin DRF endpoints of the workflow app (mounted under /api/v1/)."""

urlpatterns: list = []
