"""Schema changes go through Alembic, from an empty database and from older ones."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from local_db import migrate
from local_db.base import Base
from local_db.engine import create_profile_engine

FIRST_REVISION = "0001_core_entities"


def test_head_constant_matches_the_scripts() -> None:
    assert migrate.alembic_head() == migrate.HEAD_REVISION


def test_empty_database_upgrades_to_a_schema_equal_to_the_models(tmp_path: Path) -> None:
    engine = create_profile_engine(tmp_path / "db", os.urandom(32))
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.HEAD_REVISION
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert diff == []


def test_database_from_the_first_migration_upgrades_to_head_keeping_data(
    tmp_path: Path,
) -> None:
    engine = create_profile_engine(tmp_path / "db", os.urandom(32))
    migrate.upgrade(engine, FIRST_REVISION)
    with engine.begin() as connection:
        assert migrate.current_revision(connection) == FIRST_REVISION
        assert not inspect(connection).has_table("claim")
        connection.execute(text("INSERT INTO region (code, name) VALUES ('990000', '示范省')"))
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.HEAD_REVISION
        assert inspect(connection).has_table("claim")
        assert connection.execute(text("SELECT name FROM region")).scalar() == "示范省"
    engine.dispose()


def test_audit_log_is_append_only(tmp_path: Path) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    engine = create_profile_engine(tmp_path / "db", os.urandom(32))
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) "
                "VALUES ('2026-01-01T00:00:00+00:00', 'a', 'x', '', '', '')"
            )
        )
    for statement in ("UPDATE audit_log SET actor = 'b'", "DELETE FROM audit_log"):
        with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()


BROKEN_REVISION = '''
"""A revision that fails half-way (test only)."""
import sqlalchemy as sa
from alembic import op

revision = "0099_broken"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("INSERT INTO half_done (id) VALUES (1)")
    raise RuntimeError("simulated failure in the middle of a migration")


def downgrade() -> None:
    pass
'''


def test_a_migration_failing_half_way_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts)
    (scripts / "versions" / "0099_broken.py").write_text(
        BROKEN_REVISION.replace("{head}", migrate.HEAD_REVISION), encoding="utf-8"
    )
    engine = create_profile_engine(tmp_path / "db", os.urandom(32))
    migrate.upgrade(engine)
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    with pytest.raises(RuntimeError, match="simulated failure"):
        migrate.upgrade(engine, "0099_broken")
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.HEAD_REVISION
        assert not inspect(connection).has_table("half_done")
    # and the same upgrade can be retried (it fails the same way, not on leftovers)
    with pytest.raises(RuntimeError, match="simulated failure"):
        migrate.upgrade(engine, "0099_broken")
    engine.dispose()
