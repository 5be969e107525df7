"""Render pages of a sealed demo case's documents as PNG for docs/ (``pdftoppm``).

Usage: ``INSPECTOR_PASSWORD=… .venv/bin/python scripts/document_pages.py --profile DIR
--case AJ2026005 --out docs/images``. Writes the first page of the on-site inspection
record and the signature page of the interview record (the refusal on record), as issued.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = (
    # (sequence in the file name, page: 1 = first, -1 = last, output name)
    ("-02-", 1, "document-onsite-record-p1.png"),
    ("-03a-", -1, "document-interview-refusal.png"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", type=Path, required=True)
    parser.add_argument("--case", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()

    from inspector_app.documents.service import export_issued
    from inspector_app.evidence.catalog import resolve_case
    from inspector_app.profiles import unlock_profile

    profile = unlock_profile(path=args.profile, password=os.environ["INSPECTOR_PASSWORD"])
    try:
        with profile.read_session() as session:
            case = resolve_case(session, args.case)
            if case is None:
                print(f"no case {args.case}", file=sys.stderr)
                return 1
            case_id = case.id
        with tempfile.TemporaryDirectory() as folder:
            files = export_issued(profile=profile, case_id=case_id, folder=Path(folder))
            args.out.mkdir(parents=True, exist_ok=True)
            for marker, page, name in PAGES:
                pdf = next(path for path in files if marker in path.name)
                count = _page_count(pdf)
                number = count if page == -1 else page
                stem = Path(folder) / "page"
                subprocess.run(
                    ["pdftoppm", "-png", "-r", str(args.dpi), "-f", str(number), "-l",
                     str(number), "-singlefile", str(pdf), str(stem)],
                    check=True,
                )  # fmt: skip
                (args.out / name).write_bytes(stem.with_suffix(".png").read_bytes())
                print(args.out / name)
    finally:
        profile.close()
    return 0


def _page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    line = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


if __name__ == "__main__":
    sys.exit(main())
