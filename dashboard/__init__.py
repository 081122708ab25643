"""The coordinators' web dashboard: the queue of cases, each case in full, and the review moves.

Server-rendered pages (FastAPI and Jinja2, no JavaScript) over `ras_core.casework`. The words
a coordinator sees live in `templates/`; `python -m dashboard` runs it.
"""
