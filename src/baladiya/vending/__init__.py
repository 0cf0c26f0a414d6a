"""Prepaid vending: STS tokens sold at charging points and online."""
