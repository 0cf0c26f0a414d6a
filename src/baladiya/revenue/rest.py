"""Thin DRF endpoints of the revenue app (mounted under /api/v1/)."""

urlpatterns: list = []
