"""The revenue app's public surface for other apps."""

__all__: list[str] = []
