"""Recording evidence: originals byte-exact and encrypted, stored once, signed and chained."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from inspector_app.casework.links import LinkRef
from inspector_app.evidence.catalog import EvidenceSummary, list_evidence
from inspector_app.evidence.chain import evidence_message
from inspector_app.evidence.device import signature_valid
from inspector_app.evidence.recording import ExtractionInput, add_evidence, withdraw_evidence
from inspector_app.evidence.store import (
    CHUNK_SIZE,
    blob_path,
    export_original,
    read_original,
    store_folder,
)
from inspector_app.profiles import OpenProfile
from local_db.enums import CustodyEventKind, EvidenceKind, LinkKind
from local_db.models import CustodyEvent, Device, DeviceSecret, EvidenceThumbnail
from tests.unit.evidence.conftest import image_bytes


def _add(
    profile: OpenProfile,
    case_id: str,
    source: Path | bytes,
    *,
    kind: EvidenceKind = EvidenceKind.DOCUMENT,
    caption: str = "血透室收费单",
    **extra: Any,
) -> EvidenceSummary:
    return add_evidence(
        profile=profile, case_id=case_id, source=source, kind=kind, caption=caption, **extra
    )


@pytest.mark.parametrize("size", [0, 10, CHUNK_SIZE, 2 * CHUNK_SIZE + 12345])
def test_original_round_trips_byte_exact(
    profile: OpenProfile, case_id: str, tmp_path: Path, size: int
) -> None:
    data = os.urandom(size)
    source = tmp_path / "original.bin"
    source.write_bytes(data)
    item = _add(profile, case_id, source)
    assert item.size_bytes == size
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert read_original(profile, item.sha256) == data
    exported = tmp_path / "exported.bin"
    assert export_original(profile, item.sha256, exported) == size
    assert exported.read_bytes() == data


def test_blob_on_disk_holds_neither_the_plaintext_nor_its_hash(
    profile: OpenProfile, case_id: str
) -> None:
    data = b"PATIENT 110101199001011234 " * 5000
    item = _add(profile, case_id, data, original_name="list.txt")
    path = blob_path(profile, item.sha256)
    stored = path.read_bytes()
    assert b"PATIENT" not in stored
    assert b"110101199001011234" not in stored
    assert item.sha256 not in path.name and item.sha256.encode() not in stored
    assert bytes.fromhex(item.sha256) not in stored
    assert path.parent.parent == store_folder(profile)
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_identical_content_is_stored_once(profile: OpenProfile, case_id: str) -> None:
    data = image_bytes()
    first = _add(profile, case_id, data, caption="一")
    second = _add(profile, case_id, data, caption="二")
    assert first.id != second.id and first.sha256 == second.sha256
    files = [p for p in store_folder(profile).rglob("*") if p.is_file()]
    assert files == [blob_path(profile, first.sha256)]


def test_signatures_verify_against_the_device_public_key(
    profile: OpenProfile, case_id: str
) -> None:
    item = _add(profile, case_id, b"hello")
    with profile.read_session() as session:
        device = session.get(Device, item.device_id)
        assert device is not None and device.algorithm == "ed25519"
        secret = session.get(DeviceSecret, item.device_id)
        assert secret is not None and len(secret.private_key) == 32
        event = session.scalars(select(CustodyEvent)).one()
    assert item.signature_valid
    assert signature_valid(device.public_key, event.signature, bytes.fromhex(event.chain_hash))
    assert not signature_valid(device.public_key, event.signature, bytes.fromhex("00" * 32))
    assert not signature_valid(device.public_key, "00" * 64, evidence_message(item.id, item.sha256))


def test_one_device_key_per_profile_and_a_contiguous_lane(
    profile: OpenProfile, case_id: str
) -> None:
    items = [_add(profile, case_id, f"file {n}".encode()) for n in range(3)]
    assert {item.device_id for item in items} == {items[0].device_id}
    assert [item.chain_index for item in items] == [1, 2, 3]
    with profile.read_session() as session:
        events = session.scalars(select(CustodyEvent).order_by(CustodyEvent.seq)).all()
    assert [e.prev_hash for e in events[1:]] == [e.chain_hash for e in events[:-1]]
    assert events[0].prev_hash == "0" * 64


def test_supports_links_and_media_type_guess(profile: OpenProfile, case_id: str) -> None:
    item = _add(
        profile,
        case_id,
        image_bytes(),
        kind=EvidenceKind.PHOTO,
        supports=[LinkRef(LinkKind.CHECKLIST_ITEM, "HD-03"), LinkRef(LinkKind.CLAIM, "JS0001")],
    )
    assert item.media_type == "image/jpeg"
    assert item.supports == [
        LinkRef(LinkKind.CHECKLIST_ITEM, "HD-03"),
        LinkRef(LinkKind.CLAIM, "JS0001"),
    ]


def test_refuses_an_empty_caption_and_odd_links(profile: OpenProfile, case_id: str) -> None:
    with pytest.raises(ValueError, match="caption"):
        _add(profile, case_id, b"x", caption="   ")
    with pytest.raises(ValueError):
        _add(profile, case_id, b"x", supports=[LinkRef(LinkKind.EVIDENCE, "e")])
    assert list_evidence(profile=profile, case_id=case_id) == []


@pytest.mark.parametrize(("fmt", "media_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_thumbnails_are_small_and_upright(
    profile: OpenProfile, case_id: str, fmt: str, media_type: str
) -> None:
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show upright
    extra = {"exif": exif.tobytes()} if fmt == "JPEG" else {}
    item = _add(profile, case_id, image_bytes(fmt, (1200, 600), **extra), kind=EvidenceKind.PHOTO)
    assert item.thumbnail is not None
    with profile.read_session() as session:
        thumb = session.get(EvidenceThumbnail, item.id)
    assert thumb is not None and thumb.media_type == media_type
    if fmt == "JPEG":
        assert (thumb.width, thumb.height) == (160, 320)  # transposed by the EXIF tag
    else:
        assert (thumb.width, thumb.height) == (320, 160)
    import io

    with Image.open(io.BytesIO(thumb.data)) as decoded:
        assert decoded.size == (thumb.width, thumb.height)
        assert not decoded.getexif()


def test_non_images_get_no_thumbnail(profile: OpenProfile, case_id: str) -> None:
    item = _add(profile, case_id, b"%PDF-1.7 ...", original_name="notice.pdf")
    assert item.media_type == "application/pdf" and item.thumbnail is None


def test_electronic_data_gets_an_extraction_record(profile: OpenProfile, case_id: str) -> None:
    data = "结算流水号,金额\nJS0001,120.00\n".encode("gb18030")
    item = _add(
        profile,
        case_id,
        data,
        kind=EvidenceKind.ELECTRONIC_DATA,
        original_name="settlement.csv",
        extraction=ExtractionInput(
            source_system="HIS 收费系统",
            query_or_screen="SELECT * FROM settlement WHERE date >= '2025-01-01'",
            method="导出 CSV",
            holder_name="刘信息",
            holder_position="信息科科长",
        ),
    )
    assert item.media_type == "text/csv"
    assert item.extraction is not None
    assert item.extraction.sha256 == item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.extraction.source_system == "HIS 收费系统"
    assert item.extraction.extracted_by == profile.actor
    with pytest.raises(ValueError, match="source system"):
        _add(profile, case_id, data, extraction=ExtractionInput("", ""))


def test_withdrawal_keeps_the_item_and_needs_a_reason(profile: OpenProfile, case_id: str) -> None:
    item = _add(profile, case_id, b"wrong photo")
    with pytest.raises(ValueError, match="reason"):
        withdraw_evidence(profile=profile, evidence_id=item.id, reason="  ")
    withdrawn = withdraw_evidence(profile=profile, evidence_id=item.id, reason="拍错了对象")
    assert withdrawn.withdrawn and withdrawn.withdrawn_reason == "拍错了对象"
    with pytest.raises(ValueError, match="already"):
        withdraw_evidence(profile=profile, evidence_id=item.id, reason="again")
    listed = list_evidence(profile=profile, case_id=case_id)
    assert [e.id for e in listed] == [item.id] and listed[0].withdrawn
    with profile.read_session() as session:
        kinds = session.scalars(select(CustodyEvent.event).order_by(CustodyEvent.seq)).all()
    assert kinds == [CustodyEventKind.RECORDED, CustodyEventKind.WITHDRAWN]
    assert read_original(profile, item.sha256) == b"wrong photo"
