"""Tests that talk to the fake Telegram Bot API with the real python-telegram-bot."""
