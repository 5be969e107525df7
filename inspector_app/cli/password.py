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
    """The password from the environment or standard input."""
    value = os.environ.get(ENV_VARIABLE)
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
