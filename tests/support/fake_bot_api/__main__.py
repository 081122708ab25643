"""``python -m tests.support.fake_bot_api``: serve by hand (see `cli.main`)."""

from tests.support.fake_bot_api.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
