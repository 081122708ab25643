"""Rasa configuration, the launcher and the terminal chat for the assistant."""
