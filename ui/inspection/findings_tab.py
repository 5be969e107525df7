"""Scaffold replaced by the tab's real implementation (work in progress on issue 3)."""

from __future__ import annotations

from inspector_app.i18n import _
from ui.inspection.case_tab import CaseTab


class FindingsTab(CaseTab):
    """Scaffold."""

    def title(self) -> str:
        return _("Findings")
