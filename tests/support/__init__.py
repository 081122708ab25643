"""Test support: fakes and helpers shared by test packages (e.g. the fake Telegram Bot API)."""
