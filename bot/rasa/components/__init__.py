"""Our own parts of the Rasa NLU pipeline (bot/rasa/config.yml names them by module path)."""
