"""Our own parts of the Rasa NLU pipeline (bot/config.yml names them by module path)."""
