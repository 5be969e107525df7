"""What the documents workspace shows, worked out from the core's state without any widget.

Signers are grouped by person (the same role, key and name across the set), so one signature
on screen is recorded for every document that person signs. The reasons why sealing is not
possible yet are sentences here, so the page and its tests read the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from inspector_app.i18n import _, ngettext, pgettext
from local_db.enums import DocumentKind, SignerRole
from ui.formatting import local_time

if TYPE_CHECKING:
    from inspector_app.documents.service import CaseDocuments, DocumentState
    from inspector_app.documents.signatures import SlotState
    from inspector_app.profiles import OpenProfile
    from inspector_app.services.signing_keys import CredentialRow

CERTIFICATES_LINK = "certificates"


@dataclass(frozen=True)
class Workspace:
    """One case as the workspace needs it: the set, who may record, witnesses, the certificate."""

    case: CaseDocuments
    can_record: bool
    witnesses: tuple[tuple[str, str], ...]
    credential: CredentialRow | None

    @property
    def may_sign(self) -> bool:
        """Signatures and refusals can be recorded now."""
        return self.can_record and not self.case.read_only

    @property
    def seal_ready(self) -> bool:
        """The leader may seal now: everything signed and a usable certificate."""
        credential = self.credential
        return self.case.can_seal and credential is not None and not credential.expired


def load_workspace(*, profile: OpenProfile, case_id: str) -> Workspace:
    """Read everything the workspace shows for ``case_id`` (run off the GUI thread)."""
    from inspector_app.documents.service import case_documents
    from inspector_app.documents.signatures import signing_witnesses
    from inspector_app.services.signing_keys import list_credentials

    case = case_documents(profile=profile, case_id=case_id)
    can_record = case.can_record
    witnesses = tuple(signing_witnesses(profile=profile, case_id=case_id))
    credentials = list_credentials(profile=profile)
    return Workspace(case, can_record, witnesses, credentials[0] if credentials else None)


def is_signed(state: SlotState) -> bool:
    """Signed, on the document as it reads now."""
    return state.done and state.signed_at is not None


def is_refused(state: SlotState) -> bool:
    """Refused before a witness, on the document as it reads now."""
    return state.done and state.refused


def is_outdated(state: SlotState) -> bool:
    """Signed or refused, but the document (or the name) changed since: not done any more."""
    return not state.done and (state.signed_at is not None or state.refused)


@dataclass(frozen=True)
class SignerGroup:
    """One person who signs one or more documents of the set in the same role."""

    role: SignerRole
    key: str
    name: str
    entries: tuple[tuple[DocumentState, SlotState], ...]

    @property
    def may_refuse(self) -> bool:
        """People outside the team may refuse to sign."""
        return all(state.slot.may_refuse for _doc, state in self.entries)

    @property
    def role_text(self) -> str:
        """The role as the signature blocks name it (the notice's wording only if it is all)."""
        from inspector_app.documents.signatures import role_label

        kinds = [doc.ref.kind for doc, _state in self.entries]
        kind = next((k for k in kinds if k is not DocumentKind.NOTICE), kinds[0])
        return role_label(self.role, kind)

    @property
    def display_name(self) -> str:
        """The person's name, or the role when the record names nobody yet."""
        return self.name or _("(name not recorded)")

    @property
    def signed(self) -> int:
        """Documents signed (as they read now)."""
        return sum(1 for _doc, state in self.entries if is_signed(state))

    @property
    def refused(self) -> int:
        """Documents whose signature was refused on record (as they read now)."""
        return sum(1 for _doc, state in self.entries if is_refused(state))

    @property
    def outdated(self) -> int:
        """Documents signed or refused before they changed: to sign again."""
        return sum(1 for _doc, state in self.entries if is_outdated(state))

    @property
    def pending(self) -> tuple[tuple[DocumentState, SlotState], ...]:
        """Documents neither signed nor refused."""
        return tuple((doc, state) for doc, state in self.entries if not state.done)

    def to_sign(self) -> tuple[tuple[DocumentState, SlotState], ...]:
        """What a signature now covers: the pending documents, or all of them to sign again."""
        return self.pending or self.entries

    def document_names(self) -> list[str]:
        """The documents this person signs, in the order of the set."""
        return [doc.ref.name() for doc, _state in self.entries]

    def status_text(self) -> str:
        """Signed, refused, partly signed or not signed, in words."""
        total, signed, refused = len(self.entries), self.signed, self.refused
        if self.outdated:
            return ngettext(
                "{n} document changed since signing: sign again",
                "{n} documents changed since signing: sign again",
                self.outdated,
            ).format(n=self.outdated)
        if refused and refused + signed == total:
            witness = next(s.witness_name for _d, s in self.entries if s.refused)
            if signed:
                return _("Refused {refused} of {total} (witness: {witness})").format(
                    refused=refused, total=total, witness=witness
                )
            return _("Refused to sign (witness: {witness})").format(witness=witness)
        if signed == total:
            return _("Signed")
        if signed or refused:
            return _("{done} of {total} done").format(done=signed + refused, total=total)
        return _("Not signed yet")


def signer_groups(case: CaseDocuments) -> list[SignerGroup]:
    """Everyone who signs the set, each once, in the order they first appear."""
    grouped: dict[tuple[SignerRole, str, str], list[tuple[DocumentState, SlotState]]] = {}
    for document in case.documents:
        for state in document.slots:
            slot = state.slot
            grouped.setdefault((slot.role, slot.key, slot.name), []).append((document, state))
    return [
        SignerGroup(role, key, name, tuple(entries))
        for (role, key, name), entries in grouped.items()
    ]


@dataclass(frozen=True)
class DocumentSummary:
    """One document of the set with its signature counts."""

    document: DocumentState

    @property
    def name(self) -> str:
        """The document's name in the screen's language."""
        return self.document.ref.name()

    @property
    def signers(self) -> int:
        """Signature places on the document."""
        return len(self.document.slots)

    @property
    def signed(self) -> int:
        """Places signed."""
        return sum(1 for state in self.document.slots if is_signed(state))

    @property
    def refused(self) -> int:
        """Places where the signer refused, on record."""
        return sum(1 for state in self.document.slots if is_refused(state))

    @property
    def outdated(self) -> int:
        """Places signed before the document changed (counted as missing too)."""
        return sum(1 for state in self.document.slots if is_outdated(state))

    @property
    def missing(self) -> int:
        """Places still to sign."""
        return len(self.document.missing)


def document_status(summary: DocumentSummary, *, sealed: bool) -> str:
    """A document's state in a word or two."""
    if sealed:
        return _("Sealed")
    if summary.outdated:
        return ngettext(
            "Changed since signing: {n} to sign again",
            "Changed since signing: {n} to sign again",
            summary.outdated,
        ).format(n=summary.outdated)
    if summary.missing:
        return ngettext("{n} signature missing", "{n} signatures missing", summary.missing).format(
            n=summary.missing
        )
    return _("Ready to seal")


def sealed_banner(case: CaseDocuments) -> str:
    """The line a closed case shows instead of the seal action."""
    sealed = [(row.sealed_at, row) for row in case.issued if row.sealed_at is not None]
    if not sealed:
        return _("This case is closed; it is read-only.")
    when, first = min(sealed, key=lambda pair: pair[0])
    signer = first.signed_by[0] if first.signed_by else _("the team leader")
    return _(
        "Sealed on {time} by {name}; the case is read-only. Corrections are made as new, "
        "linked records."
    ).format(time=local_time(when), name=signer)


def _who_is_missing(workspace: Workspace) -> str:
    people = [group for group in signer_groups(workspace.case) if group.pending]
    parts = [
        _("{name} ({role}, {n})").format(
            name=group.display_name,
            role=group.role_text,
            n=ngettext("{n} document", "{n} documents", len(group.pending)).format(
                n=len(group.pending)
            ),
        )
        for group in people[:5]
    ]
    names = pgettext("list separator", ", ").join(parts)
    if len(people) > 5:
        names = _("{names} and {n} more").format(names=names, n=len(people) - 5)
    return ngettext(
        "Still to sign before sealing: {names}.",
        "Still to sign before sealing: {names}.",
        len(people),
    ).format(names=names)


def seal_status(workspace: Workspace) -> str:
    """Why the documents cannot be sealed yet, or which certificate will seal them.

    Rich text: the certificate problem links to the certificates dialog (href
    :data:`CERTIFICATES_LINK`).
    """
    case, credential = workspace.case, workspace.credential
    if case.read_only:
        return sealed_banner(case)
    if not case.is_leader:
        return _("Only the team leader of this inspection seals the documents and closes the case.")
    if case.missing:
        return _escape(_who_is_missing(workspace))
    link = f'<a href="{CERTIFICATES_LINK}">{_escape(_("Certificates…"))}</a>'
    if credential is None:
        return _("No signing certificate in this profile: {link}").format(link=link)
    if credential.expired:
        return _("The signing certificate of {name} expired on {day}: {link}").format(
            name=_escape(credential.subject_name),
            day=credential.not_after.date().isoformat(),
            link=link,
        )
    return _escape(
        _(
            "Every signature is on record. The documents will be sealed with the certificate "
            "of {name}."
        ).format(name=certificate_owner(credential))
    )


def certificate_owner(credential: CredentialRow) -> str:
    """The certificate's holder, marked when it is a test certificate."""
    if credential.is_test:
        return _("{name} — TEST certificate, for training and demonstrations only").format(
            name=credential.subject_name
        )
    return credential.subject_name


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
