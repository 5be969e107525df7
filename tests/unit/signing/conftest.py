"""Shared, expensive material for the signing tests: one test CA, its signers, signed files.

Keys are generated once per session; each signed document is made once and only read by
the tests (bytes are immutable, so no test can spoil another's input).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from inspector_app.resources import resource_path
from inspector_app.signing import (
    SignatureField,
    SigningIdentity,
    TestAuthority,
    issue_test_ca,
    issue_test_signer,
    sign_pdf,
)

ORGANISATION = "某市医疗保障局"
LEADER_BOX = (72.0, 72.0, 272.0, 142.0)
SUPERVISOR_BOX = (320.0, 72.0, 520.0, 142.0)


@pytest.fixture(scope="session")
def authority() -> TestAuthority:
    return issue_test_ca(organisation=ORGANISATION)


@pytest.fixture(scope="session")
def other_authority() -> TestAuthority:
    """A second, unrelated test CA: trusting only it must not trust our signers."""
    return issue_test_ca(organisation="另一个机构")


@pytest.fixture(scope="session")
def leader(authority: TestAuthority) -> SigningIdentity:
    return issue_test_signer(authority, name="张三", organisation=ORGANISATION)


@pytest.fixture(scope="session")
def supervisor(authority: TestAuthority) -> SigningIdentity:
    return issue_test_signer(authority, name="李四", organisation=ORGANISATION)


@pytest.fixture(scope="session")
def report_pdf() -> bytes:
    """A two-page Chinese document laid out by reportlab with the shipped CJK font."""
    font = "SigningTestCJK"
    pdfmetrics.registerFont(TTFont(font, str(resource_path("fonts", "WenQuanYiMicroHei.ttf"))))
    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for number, lines in enumerate(
        (
            [
                "医保基金现场检查 检查结论书",
                "被检查单位：某市第一人民医院",
                "检查发现：超标准收费 12 笔",
            ],
            ["处理意见：责令退回违规金额 ￥3,456.78", "检查组组长签名：", "审核人签名："],
        ),
        start=1,
    ):
        page.setFont(font, 14)
        for index, line in enumerate(lines):
            page.drawString(72, 760 - 24 * index, line)
        page.setFont(font, 9)
        page.drawString(280, 30, f"第 {number} 页 共 2 页")
        page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(scope="session")
def certified_pdf(report_pdf: bytes, leader: SigningIdentity) -> bytes:
    """Certified by the team leader, with the supervisor's field reserved on page 2."""
    return sign_pdf(
        report_pdf,
        identity=leader,
        field_name="TeamLeader",
        signer_name="张三",
        reason="检查组组长确认",
        location="某市",
        certify=True,
        page_index=1,
        box=LEADER_BOX,
        appearance_lines=["检查组组长"],
        reserve_fields=[SignatureField("Supervisor", 1, SUPERVISOR_BOX)],
    )


@pytest.fixture(scope="session")
def approved_pdf(certified_pdf: bytes, supervisor: SigningIdentity) -> bytes:
    """The certified file with the supervisor's approval in the reserved field."""
    return sign_pdf(
        certified_pdf,
        identity=supervisor,
        field_name="Supervisor",
        signer_name="李四",
        reason="审核同意",
        location="某市",
        certify=False,
        appearance_lines=["审核人"],
    )


def flip_byte_in_first_page_content(signed: bytes) -> bytes:
    """Flip one byte of the first page's content stream, inside the first signed range."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(signed))
    contents = reader.root["/Pages"]["/Kids"][0].get_object().raw_get("/Contents")
    header = re.search(rb"(?m)^%d 0 obj" % contents.idnum, signed)
    assert header is not None
    start = signed.index(b"stream", header.end()) + len(b"stream\n") + 8
    byte_range = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)", signed)
    assert byte_range is not None
    first_end = int(byte_range.group(1)) + int(byte_range.group(2))
    assert start < first_end  # inside the first covered range, before /Contents
    return signed[:start] + bytes([signed[start] ^ 0x01]) + signed[start + 1 :]


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, bytes], Path]:
    """Write bytes to a file in the test's folder and return its path."""

    def _write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return _write
