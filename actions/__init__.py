"""Rasa custom actions. Thin: read the tracker, call ras_core, say what it asks for."""
