"""Check that a profile's encrypted database is intact, page by page.

SQLCipher authenticates every page with an HMAC; ``PRAGMA cipher_integrity_check`` reads
them all and lists the pages that fail, and ``PRAGMA quick_check`` then checks SQLite's own
structure. On a profile with millions of claims this takes a while, so it reports progress
through SQLite's progress handler and can be cancelled from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Cancelled, Progress

_VM_STEPS_PER_CALLBACK = 100_000


@dataclass(frozen=True)
class IntegrityReport:
    """Outcome of an integrity check."""

    page_errors: list[str] = field(default_factory=list)
    structure_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no check found anything."""
        return not self.page_errors and not self.structure_errors

    def lines(self) -> list[str]:
        """Human-readable summary (translated)."""
        if self.ok:
            return [_("Database intact: every page authenticated, structure consistent.")]
        return [
            *(_("Damaged page: {detail}").format(detail=d) for d in self.page_errors),
            *(_("Structure problem: {detail}").format(detail=d) for d in self.structure_errors),
        ]


def check_integrity(profile: OpenProfile, *, progress: Progress) -> IntegrityReport:
    """Verify every page's HMAC and the b-tree structure of the profile database.

    Raises:
        Cancelled: ``progress.cancel()`` was called while the check ran.
    """
    raw = profile.engine.raw_connection()
    try:
        connection: Any = raw.driver_connection

        def on_step() -> int:
            # Exceptions must not escape into SQLite's C callback: answer "abort" instead.
            try:
                progress.advance()
            except Cancelled:
                return 1
            return 0

        progress.start(_("Checking database integrity"))
        connection.set_progress_handler(on_step, _VM_STEPS_PER_CALLBACK)
        try:
            cursor = connection.cursor()
            page_errors = [str(row[0]) for row in cursor.execute("PRAGMA cipher_integrity_check")]
            structure = [str(row[0]) for row in cursor.execute("PRAGMA quick_check")]
        except Exception as exc:
            if progress.cancelled:
                raise Cancelled from exc
            raise
        finally:
            connection.set_progress_handler(None, 0)
        progress.finish()
    finally:
        raw.close()
    structure_errors = [line for line in structure if line != "ok"]
    return IntegrityReport(page_errors=page_errors, structure_errors=structure_errors)
