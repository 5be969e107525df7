"""Demo evidence for the on-site inspection, recorded through the real evidence service.

The pictures and the export are drawn here (synthetic, no real people); they go through
``add_evidence`` like anything captured on site, so they are encrypted, signed by this
laptop's device key and placed in the case's chain of custody.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from inspector_app.casework.links import LinkRef
from inspector_app.evidence.recording import ExtractionInput, add_evidence
from inspector_app.profiles import OpenProfile
from local_db.enums import EvidenceKind, LinkKind
from local_db.models import Finding

# A CJK TrueType font from the system, when one is installed (the set-up installs WenQuanYi).
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in FONT_CANDIDATES:
        if candidate.is_file():
            return ImageFont.truetype(str(candidate), size)
    return ImageFont.load_default()


def sheet_png(title: str, rows: list[str], *, background: str) -> bytes:
    """A photographed sheet: a title and ruled rows of text, as PNG bytes."""
    image = Image.new("RGB", (1280, 960), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 1220, 900), fill="white", outline="#5b6470", width=4)
    draw.text((100, 90), title, fill="#1f2933", font=_font(48))
    y = 190
    for row in rows:
        draw.line((100, y - 12, 1180, y - 12), fill="#c7ccd1", width=2)
        draw.text((110, y), row, fill="#2d3a45", font=_font(34))
        y += 70
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class DemoEvidence:
    """How many evidence items the demo recorded."""

    items: int


def add_demo_evidence(profile: OpenProfile, *, case_id: str) -> DemoEvidence:
    """Record three pieces of evidence in the demo's on-site case ``case_id``."""
    with profile.read_session() as session:
        finding_id = session.scalar(
            select(Finding.id).where(Finding.case_id == case_id).order_by(Finding.created_at)
        )
    ward = sheet_png(
        "住院病区在院患者核对表（夜查）",
        [f"{bed:>2} 床  在床：{'是' if bed % 4 else '否（无请假条）'}" for bed in range(1, 11)],
        background="#d8d2c4",
    )
    add_evidence(
        profile=profile,
        case_id=case_id,
        source=ward,
        kind=EvidenceKind.PHOTO,
        caption="心内科病区夜查：在院名单与床位核对",
        media_type="image/png",
        original_name="ward-night-check.png",
        supports=(LinkRef(LinkKind.CHECKLIST_ITEM, "WARD-01"),),
    )
    bill = sheet_png(
        "住院费用清单（节选）",
        ["项目：心电监护  每日 24 小时", "项目：血氧饱和度监测  每日 24 小时", "同日重复计费"],
        background="#e9e6df",
    )
    supports = (LinkRef(LinkKind.FINDING, finding_id),) if finding_id else ()
    add_evidence(
        profile=profile,
        case_id=case_id,
        source=bill,
        kind=EvidenceKind.SCAN,
        caption="住院费用清单扫描件：同日重复计费",
        media_type="image/png",
        original_name="daily-bill-scan.png",
        supports=supports,
    )
    export = (
        "结算流水号,住院号,入院日期,出院日期,诊断编码\n"
        "JS2026000101,ZY2026-0001,2026-03-01,2026-03-09,I25.1\n"
        "JS2026000188,ZY2026-0057,2026-03-18,2026-03-27,I25.1\n"
    ).encode("gb18030")
    add_evidence(
        profile=profile,
        case_id=case_id,
        source=export,
        kind=EvidenceKind.ELECTRONIC_DATA,
        caption="HIS 再入院记录导出（15 日内同诊断）",
        media_type="text/csv",
        original_name="readmissions.csv",
        supports=supports,
        extraction=ExtractionInput(
            source_system="医院信息系统（HIS）住院管理模块",
            query_or_screen="住院登记查询：出院后 15 日内同诊断再入院，2026-03",
            method="系统导出 CSV，检查组现场拷贝",
            holder_name="医院信息科工作人员",
            holder_position="信息科",
        ),
    )
    return DemoEvidence(items=3)
