"""Accessibility checks for every message the assistant can send."""
