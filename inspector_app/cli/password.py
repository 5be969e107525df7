"""Where the CLI gets a profile password: never from an interactive prompt in automation.

Order: the ``INSPECTOR_PASSWORD`` environment variable, else one line of standard input
(a prompt without echo only when standard input is a terminal).
"""

from __future__ import annotations

import getpass
import os
import sys

ENV_VARIABLE = "INSPECTOR_PASSWORD"


class NoPasswordError(Exception):
    """No password was supplied."""


def read_password(prompt: str) -> str:
    """The profile password from the environment or standard input."""
    return read_secret(prompt, ENV_VARIABLE)


def read_secret(prompt: str, variable: str) -> str:
    """A secret from environment variable ``variable``, else standard input.

    Each secret has its own variable: a certificate file's password is never taken from
    the profile's.
    """
    value = os.environ.get(variable)
    if value:
        return value
    if sys.stdin is None:
        raise NoPasswordError
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline()
    value = line.rstrip("\r\n")
    if not value:
        raise NoPasswordError
    return value
