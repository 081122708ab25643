"""`python -m dashboard`: migrate the database, then serve the dashboard with uvicorn.

DASHBOARD_HOST (127.0.0.1) and DASHBOARD_PORT (8080) say where; DATABASE_URL says which
database (the local SQLite file by default). Serve it over https (a reverse proxy in front):
its cookies are Secure and its pages ask browsers for https only (HSTS).
DASHBOARD_INSECURE_HTTP=1 turns both off, for plain http on this computer (`make dashboard`
sets it unless you set it to 0). DASHBOARD_SIGN_INS_PER_ADDRESS (20) and
DASHBOARD_SIGN_INS_OVERALL (120) are the sign-in tries a minute; DASHBOARD_MAX_BODY_BYTES
(65536) the largest form. See ras_core/settings.py.
"""

from __future__ import annotations

import uvicorn

from dashboard.app import create_app
from ras_core import settings
from ras_core.logs import private_files
from ras_core.store.engine import database_url


def main() -> None:
    private_files()  # umask 077: the database and anything else written are 0600 / 0700
    found = settings.current()
    app = create_app(database_url())
    # No websockets: the pages need none, and Rasa pins a websockets too old for uvicorn.
    uvicorn.run(
        app, host=found.dashboard_host, port=found.dashboard_port, proxy_headers=False, ws="none"
    )


if __name__ == "__main__":
    main()
