"""Leads say what to check, never who said it: a whistleblower's identity stops at the server.

A tip (举报) reaches the team as leads only. The server strips the reporter's identity before
a task is sent out (docs/sealed-tasks.md); this module is the client's second line: any lead,
or sealed payload, that carries an identity field or text that looks like a phone or ID-card
number is refused with a clear message, so it is never stored on the laptop or shown on the
inspector's screen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from inspector_app.i18n import _
from inspector_app.privacy import ID_NUMBER, PHONE

# Field names (lower case) that identify a person who reported, complained or was contacted.
IDENTITY_KEYS = frozenset(
    {
        "name",
        "full_name",
        "reporter",
        "reporter_name",
        "informant",
        "whistleblower",
        "tipster",
        "complainant",
        "phone",
        "mobile",
        "telephone",
        "tel",
        "contact",
        "contacts",
        "email",
        "wechat",
        "qq",
        "id_number",
        "id_no",
        "id_card",
        "idcard",
        "identity",
        "address",
        "home_address",
        "举报人",
        "姓名",
        "电话",
        "手机",
        "联系方式",
        "身份证",
        "身份证号",
        "住址",
    }
)
LEAD_KEYS = frozenset({"text", "topic", "period", "department"})


class WhistleblowerIdentityError(ValueError):
    """A lead or payload carries what could identify the person who reported."""


def refuse_identity_keys(data: Mapping[str, Any], *, where: str) -> None:
    """Raise :class:`WhistleblowerIdentityError` if ``data`` has an identity field."""
    found = sorted(key for key in data if str(key).strip().lower() in IDENTITY_KEYS)
    if found:
        raise WhistleblowerIdentityError(
            _(
                "The {where} contains personal identity fields ({fields}). Leads say what to "
                "check, never who reported it; the task was not saved."
            ).format(where=where, fields=", ".join(found))
        )


def _refuse_identifying_text(text: str) -> None:
    # Full-width digits and the separators people type inside numbers (138-1234-5678,
    # 138 1234 5678) must not hide a number from the patterns.
    folded = unicodedata.normalize("NFKC", text)
    squeezed = re.sub(r"(?<=\d)[\s\-.·]+(?=\d)", "", folded)
    if any(ID_NUMBER.search(t) or PHONE.search(t) for t in (folded, squeezed)):
        raise WhistleblowerIdentityError(
            _(
                "A lead contains what looks like a phone or ID-card number. Leads say what to "
                "check, never who reported it; remove the number and try again."
            )
        )


def clean_leads(leads: Iterable[str | Mapping[str, Any]]) -> list[str]:
    """Leads as plain texts, with blank ones dropped.

    A lead is a text or a mapping with ``text`` and optionally ``topic``, ``period``,
    ``department``.

    Raises:
        WhistleblowerIdentityError: a lead identifies a person (an identity field, or a
            phone or ID-card number in its text).
        ValueError: a lead has fields this version does not know.
    """
    if isinstance(leads, str | bytes):
        raise ValueError(_("Leads must be a list of texts, not one text."))
    cleaned = []
    for lead in leads:
        if isinstance(lead, Mapping):
            refuse_identity_keys(lead, where=_("lead"))
            unknown = sorted(str(key) for key in lead if key not in LEAD_KEYS)
            if unknown:
                raise ValueError(
                    _("A lead has unknown fields: {fields}.").format(fields=", ".join(unknown))
                )
            parts = [str(lead.get(key) or "").strip() for key in ("topic", "text")]
            text = "：".join(part for part in parts if part)
            for key in ("department", "period"):
                if lead.get(key):
                    text += f"（{str(lead[key]).strip()}）"
        else:
            text = str(lead).strip()
        if text:
            _refuse_identifying_text(text)
            cleaned.append(text)
    return cleaned
