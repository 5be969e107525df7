"""``inspector-server``: run the central server, or administer its accounts from a shell.

    inspector-server --data DIR --port PORT [--host 127.0.0.1] [--demo] [--workers N]
                     [--keep-alive SECONDS]
    inspector-server admin --data DIR user-add USERNAME --name NAME --role ROLE --region CODE
    inspector-server admin --data DIR user-revoke USERNAME | device-revoke ID | devices
    inspector-server admin --data DIR offline-grant DAYS

The password of ``user-add`` comes from INSPECTOR_SERVER_PASSWORD or one line on stdin.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from central_server import logs
from central_server.asgi import DATA_VARIABLE
from central_server.config import from_environment
from central_server.db.migrate import setup_lock
from central_server.db.models import ServerMeta
from central_server.state import OFFLINE_GRANT_KEY, open_state
from central_server.users import AccountError, create_user, devices, revoke_device, revoke_user
from inspector_app.sync.protocol import Role

KEEP_ALIVE_SECONDS = 75
"""Longer than the desktop client's idle-connection expiry (httpx: 5 s) and a load balancer's
idle timeout (commonly 60 s): the side that closes an idle connection must be the client's,
or a request sent just as the server closes it fails with a cut connection (uvicorn's own
default, 5 s, equals httpx's: one request in a thousand did, with 200 clients)."""


def _serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inspector-server", description="Fund Inspector central server"
    )
    parser.add_argument("--data", type=Path, required=True, help="data folder (database, blobs)")
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--demo", action="store_true", help="create the demo accounts")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=KEEP_ALIVE_SECONDS,
        help="seconds an idle connection stays open (longer than any client or proxy keeps it)",
    )
    return parser


def _admin_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="inspector-server admin")
    parser.add_argument("--data", type=Path, required=True)
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("user-add")
    add.add_argument("username")
    add.add_argument("--name", required=True)
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.add_argument("--region", required=True)
    add.add_argument("--staff-code")
    commands.add_parser("user-revoke").add_argument("username")
    commands.add_parser("device-revoke").add_argument("device_id")
    commands.add_parser("devices")
    commands.add_parser("offline-grant").add_argument("days", type=int)
    return parser


def _password() -> str:
    password = os.environ.get("INSPECTOR_SERVER_PASSWORD")
    if password:
        return password
    return sys.stdin.readline().rstrip("\n")


def _admin(argv: Sequence[str]) -> int:
    args = _admin_parser().parse_args(argv)
    state = open_state(from_environment(args.data))
    try:
        with state.sessions() as session, session.begin():
            if args.command == "user-add":
                create_user(
                    session,
                    username=args.username,
                    display_name=args.name,
                    role=Role(args.role),
                    region_code=args.region,
                    password=_password(),
                    staff_code=args.staff_code,
                )
                print(f"user {args.username} created")
            elif args.command == "user-revoke":
                revoke_user(session, args.username)
                print(f"user {args.username} revoked")
            elif args.command == "device-revoke":
                revoke_device(session, args.device_id)
                print(f"device {args.device_id} revoked")
            elif args.command == "devices":
                for device, user in devices(session):
                    state_text = "revoked" if device.revoked_at else "active"
                    print(f"{device.id}\t{user.username}\t{device.label}\t{state_text}")
            elif args.command == "offline-grant":
                session.merge(ServerMeta(key=OFFLINE_GRANT_KEY, value=str(args.days)))
                print(f"offline grant: {args.days} days")
    except AccountError as error:
        print(f"inspector-server: {error}", file=sys.stderr)
        return 1
    finally:
        state.engine.dispose()
    return 0


def _serve(argv: Sequence[str]) -> int:
    import uvicorn

    from central_server.api.app import create_app
    from central_server.demo import seed_demo

    args = _serve_parser().parse_args(argv)
    logs.configure()
    state = open_state(from_environment(args.data))
    if args.demo:
        # Under the set-up lock: replicas started together would otherwise seed twice.
        with setup_lock(state.engine), state.sessions() as session, session.begin():
            created = seed_demo(session)
        if created:
            print(f"demo accounts created: {', '.join(created)}", flush=True)
    options = {
        "host": args.host,
        "port": args.port,
        "access_log": False,
        "log_level": "warning",
        "timeout_keep_alive": args.keep_alive,
    }
    if args.workers > 1:
        # Migrated and seeded above, once; each worker then opens its own state.
        state.engine.dispose()
        os.environ[DATA_VARIABLE] = str(args.data.resolve())
        uvicorn.run("central_server.asgi:create", factory=True, workers=args.workers, **options)
    else:
        uvicorn.run(create_app(state), **options)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``inspector-server`` script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] == "admin":
        return _admin(arguments[1:])
    if arguments and arguments[0] == "serve":
        arguments = arguments[1:]
    return _serve(arguments)


if __name__ == "__main__":
    sys.exit(main())
