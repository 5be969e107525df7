"""Offline-first synchronisation: the wire protocol shared with the server, and the client.

``protocol``, ``hlc`` and ``entities`` are the contract both sides import (the server imports
nothing else from the core); the rest is the desktop's sync engine. See docs/sync-protocol.md.
"""
