"""Teams and coordinator accounts from the command line.

    python -m dashboard.accounts add-team NAME [--email E] [--telegram-chat ID] [--intake]
    python -m dashboard.accounts add-coordinator USERNAME --name "Display" --team NAME
    python -m dashboard.accounts disable USERNAME
    python -m dashboard.accounts enable USERNAME
    python -m dashboard.accounts reset-password USERNAME [--generate]
    python -m dashboard.accounts end-sessions USERNAME

A password is asked for twice without showing it, or read from the first line of standard
input when that is not a terminal; `reset-password --generate` makes one up and prints it.
Disabling an account, a new password and end-sessions sign the coordinator out everywhere at
once. Each change goes in the audit log (the kind of change and the user name only). A problem
prints one plain line and exits with code 2.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys

from ras_core.store import open_store
from ras_core.store.accounts import Accounts, NotFound

GENERATED_BYTES = 18  # a made-up password of 24 letters, digits, - and _


class Refused(Exception):
    """Something the person typing must put right; the message says what."""


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m dashboard.accounts", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    commands = top.add_subparsers(dest="command", required=True)
    team = commands.add_parser("add-team", help="add a team of coordinators")
    team.add_argument("name")
    team.add_argument("--email", default="", help="the team's shared email address")
    team.add_argument("--telegram-chat", default="", help="the team's Telegram chat id")
    team.add_argument("--intake", action="store_true", help="this team takes new cases")
    person = commands.add_parser("add-coordinator", help="add a coordinator to a team")
    person.add_argument("username")
    person.add_argument("--name", required=True, help="the name others see")
    person.add_argument("--team", required=True, help="the team's name")
    for name, says in (
        ("disable", "stop an account signing in, and sign it out everywhere"),
        ("enable", "let a disabled account sign in again"),
        ("reset-password", "give an account a new password, and sign it out everywhere"),
        ("end-sessions", "sign a coordinator out everywhere"),
    ):
        command = commands.add_parser(name, help=says)
        command.add_argument("username")
    commands.choices["reset-password"].add_argument(
        "--generate", action="store_true", help="make up a password and print it"
    )
    return top


def read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    if getpass.getpass("The same password again: ") != first:
        raise Refused("The two passwords are not the same. Nothing was changed.")
    return first


def run(args: argparse.Namespace, work: Accounts) -> str:
    if args.command == "add-team":
        team = work.add_team(args.name, email=args.email, telegram_chat_id=args.telegram_chat,
                             takes_new_cases=args.intake)  # fmt: skip
        intake = " It takes new cases." if team.takes_new_cases else ""
        return f"Added the team {team.name}.{intake}"
    if args.command == "add-coordinator":
        return add_coordinator(args, work)
    name = args.username
    if work.coordinator(name) is None:  # before asking for a password: is the account there?
        raise Refused(f"There is no coordinator called {name!r}.")
    if args.command == "disable":
        if not work.set_disabled(name, True):
            return f"{name} was disabled already."
        return f"Disabled {name}: they cannot sign in, and they are signed out everywhere."
    if args.command == "enable":
        if not work.set_disabled(name, False):
            return f"{name} was not disabled."
        return f"Enabled {name}: they can sign in again with their password."
    if args.command == "end-sessions":
        ended = work.end_sessions(name)
        return f"Signed {name} out everywhere ({ended} session{'' if ended == 1 else 's'} ended)."
    password = secrets.token_urlsafe(GENERATED_BYTES) if args.generate else read_password()
    work.reset_password(name, password)
    done = f"{name} has a new password and is signed out everywhere."
    if args.generate:
        return f"{done}\nThe new password is: {password}\nGive it to them in person or by phone."
    return done


def add_coordinator(args: argparse.Namespace, work: Accounts) -> str:
    work.team_named(args.team)  # before asking for a password: is the team there?
    if work.coordinator(args.username) is not None:
        raise Refused(f"There is already a coordinator called {args.username!r}.")
    added = work.add_coordinator(args.username, args.name, args.team, read_password())
    return f"Added {added.display_name} ({added.username}) to the team {args.team}."


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    work = open_store().accounts
    try:
        print(run(args, work))
    except (Refused, NotFound, ValueError) as problem:
        print(problem, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
