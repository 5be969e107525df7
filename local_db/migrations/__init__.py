"""Alembic environment and revisions of the profile database."""
