"""Fund Inspector core: domain services, documents and sync client, with no Qt import.

The core is usable headless (CLI, tests, server-side tooling); the PySide6 shell in ``ui/``
is one client of it among several.
"""

from inspector_app.version import __version__

__all__ = ["__version__"]
