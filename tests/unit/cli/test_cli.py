"""The ``inspector`` command runs headless, reads passwords without prompting, fails clearly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from inspector_app.version import __version__
from tests.conftest import TEST_PASSWORD


def _inspector(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **(env or {})}
    environment.pop("DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "inspector_app.cli.main", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_version() -> None:
    result = _inspector("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"inspector {__version__}"


def test_create_show_and_verify_with_password_on_stdin(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    created = _inspector(
        "--lang",
        "en",
        "profile",
        "create",
        "--profile",
        str(folder),
        "--name",
        "王五",
        "--username",
        "wangwu",
        stdin=TEST_PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    shown = _inspector("--lang", "en", "profile", "show", "--profile", str(folder))
    assert "王五 (wangwu)" in shown.stdout
    verified = _inspector(
        "--lang",
        "en",
        "profile",
        "verify",
        "--profile",
        str(folder),
        env={"INSPECTOR_PASSWORD": TEST_PASSWORD},
    )
    assert verified.returncode == 0, verified.stderr
    assert "Database intact" in verified.stdout


def test_wrong_password_exits_3_with_a_message_not_a_traceback(profile_dir: Path) -> None:
    result = _inspector(
        "--lang",
        "en",
        "profile",
        "verify",
        "--profile",
        str(profile_dir),
        env={"INSPECTOR_PASSWORD": "wrong password"},
    )
    assert result.returncode == 3
    assert "Incorrect password" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_password_and_no_stdin_is_a_usage_error(profile_dir: Path) -> None:
    result = _inspector(
        "--lang", "en", "profile", "verify", "--profile", str(profile_dir), stdin=""
    )
    assert result.returncode == 2
    assert "INSPECTOR_PASSWORD" in result.stderr


def test_messages_follow_the_language(profile_dir: Path) -> None:
    result = _inspector(
        "--lang",
        "zh_CN",
        "profile",
        "verify",
        "--profile",
        str(profile_dir),
        env={"INSPECTOR_PASSWORD": "wrong password"},
    )
    assert result.returncode == 3
    assert "密码" in result.stderr


def test_demo_creates_a_profile_with_data(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = _inspector(
        "--lang",
        "en",
        "demo",
        "--profile",
        str(folder),
        "--claims",
        "600",
        "--quiet",
        env={"INSPECTOR_PASSWORD": TEST_PASSWORD},
    )
    assert result.returncode == 0, result.stderr
    assert "600 claims" in result.stdout
    assert "documents of the closed cases signed, sealed with a TEST certificate" in result.stdout
    exported = sorted(p.name[-3:] for p in (folder / "exports").iterdir())
    assert exported == ["005", "007"]  # the two closed cases, AJ<year>005 and AJ<year>007
    assert (folder / "profile.json").is_file()
    assert (folder / "inspector.db").read_bytes()[:16] != b"SQLite format 3\x00"


def test_demo_refuses_bad_arguments_before_creating_anything(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = _inspector(
        "--lang",
        "en",
        "demo",
        "--profile",
        str(folder),
        "--claims",
        "10",
        env={"INSPECTOR_PASSWORD": TEST_PASSWORD},
    )
    assert result.returncode == 2
    assert "number of claims" in result.stderr
    assert "Traceback" not in result.stderr
    assert not folder.exists()
