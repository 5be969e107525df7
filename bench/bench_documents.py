"""A case's full document set: 100 findings and 200 photos, laid out and sealed (target < 10 s).

Builds a copy of the demo profile, adds findings (each linked to two photos) and 3-megapixel
JPEG photos to the inspection in progress, has every signer sign, then times
``seal_documents``: gathering, layout, the leader's PAdES seal on each PDF, the encrypted
store and the export. The baseline in the same run is the same set laid out without
sealing, storing or exporting (``build_documents``), so the ratio shows what sealing costs.
The evidence list's size is compared with the originals it lists (thumbnails are
downscaled, never the originals). Full size: 100 findings, 200 photos; smoke: 10 and 20.
"""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path

from bench.common import SHARED_DEMO_PASSWORD, BenchResult, shared_demo_profile

PHOTO_SIZE = (2048, 1536)


def _photo(index: int) -> bytes:
    """A 3-megapixel JPEG that compresses like a photo (noise over a gradient)."""
    import numpy as np
    from PIL import Image

    generator = np.random.default_rng(index)
    height, width = PHOTO_SIZE[1], PHOTO_SIZE[0]
    gradient = np.linspace(40, 200, width, dtype=np.float32)[None, :, None]
    noise = generator.normal(0, 25, size=(height, width, 3)).astype(np.float32)
    pixels = np.clip(gradient + noise + index % 50, 0, 255).astype(np.uint8)
    output = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(output, format="JPEG", quality=85)
    return output.getvalue()


def _prepare(profile_dir: Path, *, findings: int, photos: int) -> tuple[str, int]:
    """Fill the inspection in progress; returns its case id and the originals' total size."""
    from sqlalchemy import select

    from inspector_app.casework.links import LinkRef
    from inspector_app.demo.signature_images import signature_png
    from inspector_app.documents.service import case_documents
    from inspector_app.documents.signatures import record_signature
    from inspector_app.evidence.recording import add_evidence
    from inspector_app.findings.service import create_finding
    from inspector_app.profiles import unlock_profile
    from local_db.enums import CaseStatus, EvidenceKind, LinkKind
    from local_db.models import CaseFile

    profile = unlock_profile(path=profile_dir, password=SHARED_DEMO_PASSWORD)
    try:
        with profile.read_session() as session:
            case_id = session.scalars(
                select(CaseFile.id)
                .where(CaseFile.status == CaseStatus.OPEN)
                .order_by(CaseFile.case_number)
            ).first()
        assert case_id is not None
        evidence_ids = []
        total = 0
        for index in range(photos):
            data = _photo(index)
            total += len(data)
            item = add_evidence(
                profile=profile, case_id=case_id, source=data, kind=EvidenceKind.PHOTO,
                caption=f"现场照片 {index + 1:03d}：病区床头卡与住院登记核对",
                media_type="image/jpeg", original_name=f"IMG_{index:04d}.jpg",
            )  # fmt: skip
            evidence_ids.append(item.id)
        for index in range(findings):
            create_finding(
                profile=profile, case_id=case_id, violation_code="art38.2",
                title=f"问题 {index + 1:03d}：超标准收费",
                description="病历记录与收费明细不符，存在超标准收取诊疗费用的情况。" * 3,
                amount_fen=12_345 + index * 101,
                links=[LinkRef(LinkKind.EVIDENCE, evidence_ids[(2 * index) % photos]),
                       LinkRef(LinkKind.EVIDENCE, evidence_ids[(2 * index + 1) % photos])],
            )  # fmt: skip
        for document in case_documents(profile=profile, case_id=case_id).documents:
            for state in document.missing:
                slot = state.slot
                record_signature(
                    profile=profile, case_id=case_id, kind=slot.kind,
                    subject_id=slot.subject_id, role=slot.role, key=slot.key,
                    png=signature_png(slot.name),
                )  # fmt: skip
        return case_id, total
    finally:
        profile.close()


def run(*, smoke: bool, workdir: Path) -> list[BenchResult]:
    """Time the sealed set against the unsealed layout of the same set."""
    from inspector_app.documents.service import build_documents, seal_documents
    from inspector_app.profiles import unlock_profile

    findings, photos = (10, 20) if smoke else (100, 200)
    profile_dir = workdir / "documents-profile"
    shutil.rmtree(profile_dir, ignore_errors=True)
    shutil.copytree(shared_demo_profile(workdir, 500), profile_dir)
    case_id, originals = _prepare(profile_dir, findings=findings, photos=photos)
    profile = unlock_profile(path=profile_dir, password=SHARED_DEMO_PASSWORD)
    try:
        started = time.perf_counter()
        drafts = build_documents(profile=profile, case_id=case_id)
        layout_seconds = time.perf_counter() - started
        started = time.perf_counter()
        result = seal_documents(profile=profile, case_id=case_id)
        sealed_seconds = time.perf_counter() - started
    finally:
        profile.close()
    set_bytes = sum(row.size_bytes for row in result.documents)
    evidence_list = next(row for row in result.documents if row.kind == "evidence_list")
    pages = sum(document.page_count for document in drafts)
    return [
        BenchResult(
            f"seal a case's document set ({findings} findings, {photos} photos)",
            sealed_seconds,
            "s",
            baseline=layout_seconds,
            baseline_name="the same set laid out, not sealed",
            note=f"{len(result.documents)} PDFs, {pages} pages; target < 10 s",
        ),
        BenchResult(
            "size of the sealed set",
            set_bytes / 2**20,
            "MiB",
            baseline=originals / 2**20,
            baseline_name="the photo originals it lists",
            note=f"evidence list {evidence_list.size_bytes / 2**20:.1f} MiB, "
            f"{evidence_list.page_count} pages",
        ),
    ]
