"""What every ``inspector`` sub-command module shares: one error line, unlocking a profile.

Heavy modules (the profile, SQLAlchemy) are imported when a command runs, not when the
parser is built, so ``inspector --help`` stays quick.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from inspector_app.i18n import _

if TYPE_CHECKING:
    from inspector_app.profiles import OpenProfile


def print_error(message: str) -> None:
    """``Error: …`` on standard error, translated."""
    print(_("Error: {message}").format(message=message), file=sys.stderr)


def unlock(args: argparse.Namespace) -> OpenProfile:
    """Unlock ``args.profile`` with the password from the environment or standard input."""
    from inspector_app.cli.password import read_password
    from inspector_app.profiles import unlock_profile

    password = read_password(_("Password for {profile}: ").format(profile=args.profile))
    return unlock_profile(path=args.profile, password=password)


@contextmanager
def unlocked(
    args: argparse.Namespace, *, past_offline_grant: bool = False
) -> Iterator[OpenProfile]:
    """:func:`unlock` for the length of a ``with`` block (closed afterwards).

    A profile whose offline grant has run out first checks in with the server (a kept
    sign-in, else the server password from the environment); when that fails it is refused
    (OfflineGrantExpiredError, a ProfileError). ``inspector sync`` passes
    ``past_offline_grant``: it reaches the server itself.
    """
    import os

    from inspector_app.cli.sync_commands import SERVER_PASSWORD_VARIABLE
    from inspector_app.sync.grant import renew_if_expired

    profile = unlock(args)
    try:
        if not past_offline_grant:
            renew_if_expired(
                profile, server_password=os.environ.get(SERVER_PASSWORD_VARIABLE) or None
            )
        yield profile
    finally:
        profile.close()
