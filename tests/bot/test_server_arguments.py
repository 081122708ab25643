"""The Rasa entry point hands the HTTP API's token to Rasa's own argument parser intact,
whatever characters a made-up token has (it may begin with "-")."""

from __future__ import annotations

import argparse

import pytest
from rasa.cli.arguments.default_arguments import add_model_param
from rasa.cli.arguments.run import add_server_arguments

from bot.rasa.server import rasa_arguments


def parsed_token(arguments: list[str]) -> str:
    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    add_model_param(parser)
    return str(parser.parse_args(arguments).auth_token)


@pytest.mark.parametrize(
    "token", ["-starts-with-a-dash", "--looks-like-an-option", "plain_Token-1"]
)
def test_the_token_reaches_rasa_as_it_is(token: str) -> None:
    arguments = rasa_arguments(["--enable-api", "-p", "5005"], token)
    assert parsed_token(arguments) == token


def test_no_api_no_token_on_the_arguments() -> None:
    assert rasa_arguments(["-p", "5005"], "secret") == ["-p", "5005"]


def test_the_api_without_a_token_refuses_to_start() -> None:
    with pytest.raises(SystemExit, match="RASA_AUTH_TOKEN is not set"):
        rasa_arguments(["--enable-api"], "")
