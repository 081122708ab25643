"""The project's way to start Rasa: `python -m bot.rasa.server run ...` (the launcher does).

It takes the HTTP API's token from the settings (RASA_AUTH_TOKEN) and hands it to Rasa inside
this process, so the token is never on a command line that `ps` shows, and refuses to start
Rasa's HTTP API without one. It applies the project's pinned patches (bot/rasa/patches.py).
Then it runs Rasa's own command line.
"""

from __future__ import annotations

import sys

from ras_core import settings


def rasa_arguments(argv: list[str], token: str) -> list[str]:
    """Rasa's arguments, with `--auth-token` added wherever `--enable-api` is asked for."""
    if "--enable-api" in argv and "--auth-token" not in argv:
        if not token:
            raise SystemExit(
                "RASA_AUTH_TOKEN is not set: Rasa's HTTP API would be open to anyone who can "
                "reach its port. Start the servers with `python -m bot.launcher`, or set it."
            )
        # One argument, `--auth-token=<token>`: a made-up token may begin with "-", which
        # Rasa's argument parser would take for an option of its own and refuse to start.
        return [*argv, f"--auth-token={token}"]
    return list(argv)


def main() -> None:
    settings.quiet_rasa()
    arguments = rasa_arguments(sys.argv[1:], settings.current().secrets.rasa_api_token)
    from rasa.__main__ import main as rasa_main  # after quiet_rasa: Rasa reads it at import

    from bot.rasa import patches

    patches.apply()
    sys.argv = ["rasa", *arguments]
    rasa_main()


if __name__ == "__main__":
    main()
