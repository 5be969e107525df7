"""Versions of the parts the product is built from, for the about box and support reports."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from functools import cache

from inspector_app.version import __version__


@dataclass(frozen=True)
class ComponentVersions:
    """Version strings; "?" where a component could not say."""

    application: str
    python: str
    sqlcipher: str
    sqlite: str
    sqlalchemy: str


@cache
def component_versions() -> ComponentVersions:
    """Ask each component once (SQLCipher through a throw-away in-memory connection)."""
    import sqlalchemy
    import sqlcipher3

    sqlcipher = sqlite = "?"
    connection = sqlcipher3.dbapi2.connect(":memory:")
    try:
        row = connection.execute("PRAGMA cipher_version").fetchone()
        sqlcipher = str(row[0]) if row else "?"
        sqlite = str(connection.execute("SELECT sqlite_version()").fetchone()[0])
    finally:
        connection.close()
    return ComponentVersions(
        application=__version__,
        python=platform.python_version(),
        sqlcipher=sqlcipher,
        sqlite=sqlite,
        sqlalchemy=sqlalchemy.__version__,
    )
