"""Inspection visits, violations, fines and objections."""
