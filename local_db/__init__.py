"""Persistence for one user profile: the SQLCipher engine, ORM models, migrations, queries.

No Qt here; the core (``inspector_app``) is the only caller.
"""
