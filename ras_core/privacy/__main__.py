"""python -m ras_core.privacy export|erase|purge: a person's data, from the command line.

    export <channel>:<id> [--to DIR]       write var/exports/<reference>-<time>.json and .pdf
    erase <channel>:<id> --reason "..."    remove every row and file about the person
    purge                                  delete what has been kept long enough

Each is written to the audit log as done from the command line.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from ras_core.privacy.erasure import erase_person
from ras_core.privacy.export import EXPORTS, export_person, parse_who, write_export
from ras_core.privacy.retention import purge
from ras_core.store import open_store

COMMAND_LINE = "command line"  # the actor in the audit log, as for dashboard.accounts


def parser() -> argparse.ArgumentParser:
    found = argparse.ArgumentParser(
        prog="python -m ras_core.privacy",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = found.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write everything held about a person")
    export.add_argument("who", help="the person as <channel>:<id>, for example telegram:123")
    export.add_argument("--to", type=Path, default=EXPORTS, help="folder (var/exports)")
    erase = commands.add_parser("erase", help="remove every row and file about a person")
    erase.add_argument("who", help="the person as <channel>:<id>, for example telegram:123")
    erase.add_argument("--reason", required=True, help="why (kept; do not name the person)")
    purging = commands.add_parser("purge", help="delete what has been kept long enough")
    purging.add_argument("--exports", type=Path, default=EXPORTS, help="folder (var/exports)")
    return found


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    store = open_store()
    if args.command == "purge":
        purged = purge(store, datetime.now(timezone.utc), exports=args.exports)
        print("Deleted what has been kept long enough:")
        for line in purged.lines():
            print(f"  {line}")
        return 0
    try:
        channel, user_id = parse_who(args.who)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if args.command == "export":
        export = export_person(store, channel, user_id, by=COMMAND_LINE)
        if export is None:
            print(f"Nothing is held about {args.who}.", file=sys.stderr)
            return 1
        for path in write_export(export, args.to):
            print(path)
        return 0
    if not args.reason.strip():
        print("Please give a reason for the erasure.", file=sys.stderr)
        return 2
    report = erase_person(store, channel, user_id, by=COMMAND_LINE, reason=args.reason)
    if not report.found:
        print(f"Nothing was held about {args.who}.")
        return 0
    print(f"Erased {args.who} (reference {report.person_reference or 'none'}):")
    for kind, count in report.removed.items():
        print(f"  {kind}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
