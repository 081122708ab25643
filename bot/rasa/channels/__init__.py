"""Rasa input channels that decide who is writing: the request body never does.

- `FrontEndInput` (`/webhooks/frontend/webhook`): the project's own front ends (the Telegram
  bot). A shared secret proves the caller is the front end; the person is `<namespace>:<user>`,
  with the namespace fixed in credentials.yml, so a front end speaks only for its own people.
- `TokenRestInput` (`/webhooks/rest/webhook`): the public REST webhook for integrators and the
  terminal chat. A bearer token is needed, and every sender becomes `rest:<id>`, whatever the
  body says, so `{"sender": "telegram:123"}` is a REST person, never Telegram user 123.

Both check, normalise and bound every message at the edge (see `edge.py`).
"""

from bot.rasa.channels.frontend import FrontEndInput
from bot.rasa.channels.rest import TokenRestInput

__all__ = ["FrontEndInput", "TokenRestInput"]
