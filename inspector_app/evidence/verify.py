"""Checking a case's evidence: the custody chain, the rows it vouches for, and the originals.

What is checked (every problem is reported with where it is, and the check goes on):

* each device lane runs 1, 2, 3 … without gaps; each event's ``prev_hash`` is the previous
  event's hash; ``chain_hash`` = SHA-256(prev || body); the signature is valid for the lane's
  device public key; the row's columns agree with its body;
* every ``recorded`` event has its evidence row, and the row's content equals the body;
  every evidence row of the case has a ``recorded`` event; a withdrawn row matches a
  ``withdrawn`` event and the other way round; each row's device signature is valid;
* every original exists, decrypts and hashes to the recorded SHA-256.

Removing the *last* events of a lane (with their rows) cannot be seen locally: nothing after
them points back. The report therefore lists each lane's head (event count and hash); the
server's copy and the signed evidence list anchor the heads (docs/evidence.md).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.casework.access import CaseNotFoundError
from inspector_app.evidence.catalog import resolve_case
from inspector_app.evidence.chain import (
    GENESIS_HASH,
    chain_hash,
    event_message,
    evidence_message,
    timestamp,
)
from inspector_app.evidence.device import signature_valid
from inspector_app.evidence.recording import recorded_fields
from inspector_app.evidence.store import BlobError, blob_path, check_original
from inspector_app.i18n import _, ngettext
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from local_db.enums import CustodyEventKind
from local_db.models import CustodyEvent, Device, EvidenceItem


@dataclass(frozen=True)
class Problem:
    """One break found, with where it is."""

    code: str  # stable: chain.gap, chain.link, chain.hash, chain.signature, …
    message: str  # translated
    device_id: str = ""
    seq: int | None = None
    evidence_id: str = ""
    caption: str = ""
    file: str = ""

    def where(self) -> str:
        """Location of the problem as one translated line."""
        parts = []
        if self.device_id:
            parts.append(_("device {device}").format(device=self.device_id))
        if self.seq is not None:
            parts.append(_("event {seq}").format(seq=self.seq))
        if self.evidence_id:
            parts.append(
                _("evidence {id} “{caption}”").format(id=self.evidence_id, caption=self.caption)
                if self.caption
                else _("evidence {id}").format(id=self.evidence_id)
            )
        if self.file:
            parts.append(_("file {file}").format(file=self.file))
        return ", ".join(parts)


@dataclass(frozen=True)
class LaneHead:
    """The last event of one device's lane: what an outside anchor must confirm."""

    device_id: str
    device_label: str
    events: int
    head_hash: str


@dataclass
class VerifyReport:
    """The outcome of :func:`verify_case`."""

    case_id: str
    case_number: str
    items_checked: int = 0
    originals_checked: int = 0
    lanes: list[LaneHead] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is broken."""
        return not self.problems

    def lines(self) -> list[str]:
        """The report as translated text lines (CLI, logs of ids only)."""
        out = [
            _("Case {number}: {items} evidence items, {files} originals checked").format(
                number=self.case_number, items=self.items_checked, files=self.originals_checked
            )
        ]
        for lane in self.lanes:
            out.append(
                ngettext(
                    "Lane of device {device} ({label}): {n} event, head {hash}",
                    "Lane of device {device} ({label}): {n} events, head {hash}",
                    lane.events,
                ).format(
                    device=lane.device_id,
                    label=lane.device_label or "-",
                    n=lane.events,
                    hash=lane.head_hash,
                )
            )
        if self.ok:
            out.append(_("intact"))
            return out
        out.append(
            ngettext("broken: {n} problem", "broken: {n} problems", len(self.problems)).format(
                n=len(self.problems)
            )
        )
        for problem in self.problems:
            out.append(f"  - {problem.message} [{problem.where()}]")
        return out


class _Checker:
    def __init__(self, session: Session, profile: OpenProfile, report: VerifyReport) -> None:
        self.session = session
        self.profile = profile
        self.report = report
        self.recorded: dict[str, dict[str, Any]] = {}
        self.recorded_events: dict[str, CustodyEvent] = {}
        self.withdrawn: dict[str, dict[str, Any]] = {}

    def problem(self, code: str, message: str, **where: Any) -> None:
        self.report.problems.append(Problem(code, message, **where))

    # ------------------------------------------------------------------ lanes

    def check_lanes(self, case_id: str) -> None:
        events = self.session.scalars(
            select(CustodyEvent)
            .where(CustodyEvent.case_id == case_id)
            .order_by(CustodyEvent.device_id, CustodyEvent.seq)
        ).all()
        lanes: dict[str, list[CustodyEvent]] = defaultdict(list)
        for event in events:
            lanes[event.device_id].append(event)
        for device_id, lane in lanes.items():
            self.check_lane(case_id, device_id, lane)

    def check_lane(self, case_id: str, device_id: str, lane: list[CustodyEvent]) -> None:
        device = self.session.get(Device, device_id)
        if device is None:
            self.problem(
                "chain.device",
                _("The device of this lane is unknown: its signatures cannot be checked."),
                device_id=device_id,
            )
        expected, prev = 1, GENESIS_HASH
        for event in lane:
            where = {"device_id": device_id, "seq": event.seq}
            if event.deleted_at is not None:
                self.problem(
                    "chain.tombstone",
                    _("The event is marked deleted: chain events are never deleted."),
                    **where,
                )
            if event.seq != expected:
                self.problem(
                    "chain.gap",
                    _("Events {first}–{last} of this lane are missing.").format(
                        first=expected, last=event.seq - 1
                    )
                    if event.seq > expected
                    else _("The lane's events are out of order."),
                    **where,
                )
            elif event.prev_hash != prev:
                self.problem(
                    "chain.link",
                    _("The event does not point to the previous event's hash."),
                    **where,
                )
            if chain_hash(_hex_or_zero(event.prev_hash), event.body) != event.chain_hash:
                self.problem(
                    "chain.hash", _("The event was altered: its hash does not match."), **where
                )
            if device is not None and not signature_valid(
                device.public_key, event.signature, event_message(_hex_or_zero(event.chain_hash))
            ):
                self.problem(
                    "chain.signature",
                    _("The event's signature is not valid for the device's key."),
                    **where,
                )
            self.check_body(case_id, event)
            expected, prev = event.seq + 1, event.chain_hash
        label = device.label if device is not None else ""
        self.report.lanes.append(LaneHead(device_id, label, len(lane), prev))

    def check_body(self, case_id: str, event: CustodyEvent) -> None:
        where = {"device_id": event.device_id, "seq": event.seq, "evidence_id": event.evidence_id}
        try:
            body = json.loads(event.body)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self.problem("chain.body", _("The event's content is unreadable."), **where)
            return
        columns = {
            "event": event.event.value,
            "case_id": case_id,
            "device_id": event.device_id,
            "seq": event.seq,
            "evidence_id": event.evidence_id,
        }
        if any(body.get(key) != value for key, value in columns.items()):
            self.problem(
                "chain.columns",
                _("The event's columns disagree with its hashed content."),
                **where,
            )
        target = self.recorded if event.event is CustodyEventKind.RECORDED else self.withdrawn
        if event.evidence_id in target:
            self.problem(
                "chain.duplicate", _("The evidence has this event more than once."), **where
            )
        target[event.evidence_id] = body
        if event.event is CustodyEventKind.RECORDED:
            self.recorded_events[event.evidence_id] = event

    # ------------------------------------------------------------------ items

    def check_items(self, case_id: str) -> None:
        items = {
            item.id: item
            for item in self.session.scalars(
                select(EvidenceItem).where(EvidenceItem.case_id == case_id)
            )
        }
        self.report.items_checked = len(items)
        for evidence_id, body in self.recorded.items():
            if evidence_id not in items:
                event = self.recorded_events[evidence_id]
                self.problem(
                    "item.missing",
                    _("The evidence item recorded by this event is missing."),
                    device_id=event.device_id,
                    seq=event.seq,
                    evidence_id=evidence_id,
                    caption=str(body.get("caption", "")),
                )
        for item in items.values():
            self.check_item(item)

    def check_item(self, item: EvidenceItem) -> None:
        where = {"evidence_id": item.id, "caption": item.caption}
        body = self.recorded.get(item.id)
        if body is None:
            self.problem(
                "item.unrecorded", _("The evidence item has no entry in the chain."), **where
            )
            return
        event = self.recorded_events[item.id]
        changed = sorted(
            key for key, value in recorded_fields(item).items() if body.get(key) != value
        )
        if item.device_id != event.device_id or item.chain_index != event.seq:
            changed.append("device_id/chain_index")
        if item.chain_hash != event.chain_hash:
            changed.append("chain_hash")
        if item.deleted_at is not None:
            changed.append("deleted_at")
        if changed:
            self.problem(
                "item.altered",
                _("The evidence item differs from what was recorded ({fields}).").format(
                    fields=", ".join(changed)
                ),
                **where,
            )
        device = self.session.get(Device, item.device_id)
        if device is None or not signature_valid(
            device.public_key, item.device_signature, evidence_message(item.id, item.sha256)
        ):
            self.problem(
                "item.signature",
                _("The device signature of the evidence item is not valid."),
                **where,
            )
        self.check_withdrawal(item, where)

    def check_withdrawal(self, item: EvidenceItem, where: dict[str, Any]) -> None:
        body = self.withdrawn.get(item.id)
        if body is None:
            if item.withdrawn_at is not None:
                self.problem(
                    "item.withdrawal",
                    _("The item is marked withdrawn but the chain has no withdrawal."),
                    **where,
                )
            return
        if item.withdrawn_at is None:
            self.problem(
                "item.withdrawal",
                _("The chain withdrew this item but it is not marked withdrawn."),
                **where,
            )
            return
        recorded = {
            "withdrawn_at": timestamp(item.withdrawn_at),
            "withdrawn_by": item.withdrawn_by,
            "reason": item.withdrawn_reason,
        }
        if any(body.get(key) != value for key, value in recorded.items()):
            self.problem(
                "item.withdrawal",
                _("The withdrawal of the item differs from what the chain recorded."),
                **where,
            )

    # -------------------------------------------------------------- originals

    def check_originals(self, progress: Progress | None) -> None:
        hashes: dict[str, tuple[str, str]] = {}
        for evidence_id, body in self.recorded.items():
            sha256 = str(body.get("sha256", ""))
            hashes.setdefault(sha256, (evidence_id, str(body.get("caption", ""))))
        if progress is not None:
            total = sum(int(body.get("size_bytes", 0) or 0) for body in self.recorded.values())
            progress.start(_("Checking the originals"), total=total or None)
        for sha256, (evidence_id, caption) in hashes.items():
            where = {"evidence_id": evidence_id, "caption": caption}
            if len(sha256) != 64:
                self.problem("blob.hash", _("The recorded hash is not a SHA-256."), **where)
                continue
            path = blob_path(self.profile, sha256)
            where["file"] = str(path.relative_to(self.profile.path))
            try:
                check_original(self.profile, sha256, progress)
            except BlobError as exc:
                self.problem("blob.broken", str(exc), **where)
            self.report.originals_checked += 1


def _hex_or_zero(value: str) -> str:
    """A stored hash, or zeros when the stored text is not hex (reported elsewhere)."""
    try:
        bytes.fromhex(value)
    except ValueError:
        return GENESIS_HASH
    return value if len(value) == 64 else GENESIS_HASH


def verify_case(
    *, profile: OpenProfile, case_ref: str, progress: Progress | None = None
) -> VerifyReport:
    """Check the chain of custody, the evidence rows and the originals of one case.

    Args:
        case_ref: the case's id or its case number.

    Raises:
        CaseNotFoundError: no such case.
    """
    with profile.read_session() as session:
        case = resolve_case(session, case_ref)
        if case is None:
            raise CaseNotFoundError(case_ref)
        report = VerifyReport(case_id=case.id, case_number=case.case_number)
        checker = _Checker(session, profile, report)
        checker.check_lanes(case.id)
        checker.check_items(case.id)
        checker.check_originals(progress)
    if progress is not None:
        progress.finish()
    return report
