"""Baladiya (بلدية): an integrated municipal information system."""

__version__ = "0.1.0"
