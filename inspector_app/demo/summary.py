"""What a demo build created, as translated lines for the CLI and the first-run screen."""

from __future__ import annotations

from dataclasses import dataclass

from inspector_app.demo.settlement import SettlementSummary
from inspector_app.i18n import _, ngettext


def _yuan(fen: int) -> str:
    """Integer fen as yuan text (never through floating point)."""
    return f"{fen // 100:,}.{fen % 100:02d}"


def settlement_lines(settlement: SettlementSummary) -> list[str]:
    """Lines describing one loaded settlement batch."""
    return [
        _("Settlement data of {institution}:").format(institution=settlement.institution_name),
        ngettext("{n} claim", "{n} claims", settlement.claims).format(n=f"{settlement.claims:,}"),
        ngettext("{n} claim line", "{n} claim lines", settlement.lines).format(
            n=f"{settlement.lines:,}"
        ),
        _("Total billed: {amount} yuan").format(amount=_yuan(settlement.total_fen)),
        ngettext(
            "{n} planted irregularity (ground truth for screening tests)",
            "{n} planted irregularities (ground truth for screening tests)",
            settlement.planted,
        ).format(n=f"{settlement.planted:,}"),
        _("Generated and loaded in {seconds} s").format(seconds=f"{settlement.seconds:.1f}"),
    ]


@dataclass(frozen=True)
class DemoSummary:
    """Counts of everything :func:`inspector_app.demo.build_demo` wrote."""

    region_name: str
    counties: int
    institutions: int
    inspectors: int
    tasks: int
    case_files: int
    findings: int
    user_name: str
    settlement: SettlementSummary
    opening_code: str = ""
    # Further batches (the partner hospital's), after the inspected hospital's.
    other_settlements: tuple[SettlementSummary, ...] = ()
    # Documents the demo sealed (signed on screen, TEST certificate) and exported.
    sealed_documents: int = 0

    @property
    def claims(self) -> int:
        """Settlement claims of the inspected hospital."""
        return self.settlement.claims

    @property
    def all_claims(self) -> int:
        """Settlement claims of every batch loaded."""
        return self.settlement.claims + sum(s.claims for s in self.other_settlements)

    def lines(self) -> list[str]:
        """Translated summary, one statement per line."""
        return [
            ngettext(
                "Fictional region {name} with {n} county",
                "Fictional region {name} with {n} counties",
                self.counties,
            ).format(name=self.region_name, n=self.counties),
            ngettext(
                "{n} designated institution (hospitals, primary clinics, pharmacies)",
                "{n} designated institutions (hospitals, primary clinics, pharmacies)",
                self.institutions,
            ).format(n=self.institutions),
            ngettext(
                "{n} inspector on the register", "{n} inspectors on the register", self.inspectors
            ).format(n=self.inspectors),
            ngettext("{n} inspection task", "{n} inspection tasks", self.tasks).format(
                n=self.tasks
            ),
            ngettext("{n} case file", "{n} case files", self.case_files).format(n=self.case_files),
            ngettext("{n} finding", "{n} findings", self.findings).format(n=self.findings),
            _("Profile user {name} is on the inspector register").format(name=self.user_name),
            *(
                [
                    ngettext(
                        "{n} document of the closed cases signed, sealed with a TEST "
                        "certificate and exported under exports/",
                        "{n} documents of the closed cases signed, sealed with a TEST "
                        "certificate and exported under exports/",
                        self.sealed_documents,
                    ).format(n=self.sealed_documents)
                ]
                if self.sealed_documents
                else []
            ),
            *(
                [
                    _(
                        "Opening code of the sealed flying inspection (demo only; real codes "
                        "are handed to the team leader out of band): {code}"
                    ).format(code=self.opening_code)
                ]
                if self.opening_code
                else []
            ),
            *settlement_lines(self.settlement),
            *(line for other in self.other_settlements for line in settlement_lines(other)),
        ]
