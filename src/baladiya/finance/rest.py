"""Thin DRF endpoints of the finance app (mounted under /api/v1/)."""

urlpatterns: list = []
