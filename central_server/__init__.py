"""The central sync and review server: FastAPI over SQLAlchemy 2, blobs in a folder or S3.

It imports only the shared protocol from the core (``inspector_app.sync``); its storage is its
own (``db/``, ``blobs/``). See docs/sync-protocol.md and packaging/server/.
"""
