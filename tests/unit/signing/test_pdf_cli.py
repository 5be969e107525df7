"""``inspector pdf verify`` and ``inspector pdf test-ca`` through their own parser."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest

from inspector_app.cli import pdf_commands
from inspector_app.signing import (
    TestAuthority,
    certificates_to_pem,
    describe_certificate,
    load_certificates,
    load_pkcs12,
    sign_pdf,
    verify_pdf,
)

from .conftest import flip_byte_in_first_page_content

Write = Callable[[str, bytes], Path]


def _inspector(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="inspector")
    commands = parser.add_subparsers(dest="command")
    pdf_commands.add_parsers(commands)
    args = parser.parse_args(list(argv))
    result: int = args.handler(args)
    return result


@pytest.fixture
def ca_pem(authority: TestAuthority, write: Write) -> Path:
    return write("ca.pem", certificates_to_pem([authority.certificate]))


def test_verify_trusted_document_exits_0(
    approved_pdf: bytes, ca_pem: Path, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write("approved.pdf", approved_pdf)
    assert _inspector("pdf", "verify", str(path), "--trust", str(ca_pem), "--pdfsig") == 1
    assert "TEST certificate, which is not valid for real cases" in capsys.readouterr().out
    args = ("pdf", "verify", str(path), "--trust", str(ca_pem), "--pdfsig", "--allow-test")
    assert _inspector(*args) == 0
    out = capsys.readouterr().out
    assert "张三 (TEST)" in out and "李四 (TEST)" in out
    assert "TEST certificate" in out
    assert "Intact: yes" in out and "Trusted: yes" in out
    assert "Independent check (Poppler pdfsig)" in out
    assert "Signature is Valid." in out


def test_verify_with_a_der_root_and_repeated_trust(
    approved_pdf: bytes,
    authority: TestAuthority,
    other_authority: TestAuthority,
    write: Write,
) -> None:
    path = write("approved.pdf", approved_pdf)
    other = write("other.der", other_authority.certificate)
    ours = write("ours.cer", authority.certificate)
    args = ("--trust", str(other), "--trust", str(ours), "--allow-test")
    assert _inspector("pdf", "verify", str(path), *args) == 0


def test_verify_untrusted_exits_1(
    approved_pdf: bytes, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write("approved.pdf", approved_pdf)
    assert _inspector("pdf", "verify", str(path)) == 1
    out = capsys.readouterr().out
    assert "Trusted: no" in out
    assert "Problem:" in out


def test_verify_tampered_exits_1_in_both_validators(
    certified_pdf: bytes, ca_pem: Path, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write("tampered.pdf", flip_byte_in_first_page_content(certified_pdf))
    assert _inspector("pdf", "verify", str(path), "--trust", str(ca_pem), "--pdfsig") == 1
    out = capsys.readouterr().out
    assert "Intact: no" in out
    assert "Digest Mismatch" in out


@pytest.mark.parametrize("content", [b"not a pdf", None])
def test_verify_bad_file_prints_one_error_and_exits_1(
    content: bytes | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "input.pdf"
    if content is not None:
        path.write_bytes(content)
    assert _inspector("pdf", "verify", str(path)) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("Error: ")
    assert "Traceback" not in captured.err


def test_verify_bad_trust_file_exits_1(
    approved_pdf: bytes, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write("approved.pdf", approved_pdf)
    bad = write("bad.pem", b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
    assert _inspector("pdf", "verify", str(path), "--trust", str(bad)) == 1
    assert capsys.readouterr().err.startswith("Error: ")


def test_trust_roots_from_args(authority: TestAuthority, ca_pem: Path) -> None:
    args = argparse.Namespace(trust=[ca_pem, ca_pem])
    assert pdf_commands.trust_roots_from_args(args) == [authority.certificate] * 2
    assert pdf_commands.trust_roots_from_args(argparse.Namespace()) == []


def test_test_ca_writes_a_root_and_one_p12_per_signer(
    report_pdf: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    argv = ["pdf", "test-ca", "--out", str(out), "--organisation", "某市医保局"]
    argv += ["--signer", "张三", "--signer", "李 四/组长", "--password", "demo-pass"]
    assert _inspector(*argv) == 0
    assert sorted(p.name for p in out.iterdir()) == ["ca.pem", "张三.p12", "李_四_组长.p12"]
    [root] = load_certificates((out / "ca.pem").read_bytes())
    assert describe_certificate(root).is_test
    leader = load_pkcs12((out / "张三.p12").read_bytes(), "demo-pass")
    assert leader.info.common_name == "张三 (TEST)"
    assert leader.chain == (root,)

    signed = sign_pdf(
        report_pdf,
        identity=leader,
        field_name="Leader",
        signer_name="张三",
        reason="",
        location="",
        certify=True,
        page_index=0,
        box=(72, 72, 272, 142),
    )
    assert verify_pdf(signed, trust_roots=[root]).ok
    capsys.readouterr()
    # A second run must not overwrite the demo files.
    assert _inspector(*argv) == 1
    assert "exists already" in capsys.readouterr().err


def test_test_ca_needs_a_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", None)
    out = tmp_path / "demo"
    argv = ["pdf", "test-ca", "--out", str(out), "--organisation", "X", "--signer", "A"]
    assert _inspector(*argv) == 2
    assert "--password" in capsys.readouterr().err
    assert not out.exists()
