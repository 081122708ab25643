"""`python -m dashboard`: migrate the database, then serve the dashboard with uvicorn.

DASHBOARD_HOST (127.0.0.1) and DASHBOARD_PORT (8080) say where; DATABASE_URL says which
database (the local SQLite file by default); DASHBOARD_SECURE_COOKIES=1 behind HTTPS.
"""

from __future__ import annotations

import os

import uvicorn

from dashboard.app import create_app
from ras_core.storage import database_url


def main() -> None:
    app = create_app(database_url())
    host = os.environ.get("DASHBOARD_HOST", "127.0.0.1")
    port = int(os.environ.get("DASHBOARD_PORT", "8080"))
    # No websockets: the pages need none, and Rasa pins a websockets too old for uvicorn.
    uvicorn.run(app, host=host, port=port, proxy_headers=False, ws="none")


if __name__ == "__main__":
    main()
