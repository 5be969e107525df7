"""Who may import without a case, and who sees the identifiers an error report quotes."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from inspector_app.casework.access import CaseNotFoundError, NotAllowedError
from inspector_app.privacy import mask_identifier
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from inspector_app.settlement_import import (
    ImportSource,
    InventoryFile,
    export_problems,
    import_inventory,
    import_settlement,
    list_problems,
    may_import_without_case,
    problem_values_masked,
)
from inspector_app.settlement_import.masking import mask_name
from inspector_app.settlement_import.report import count_problems
from local_db.enums import ImportFileRole, TeamRole, UserRole
from local_db.models import CaseFile, Inspector, InventoryBatch, LocalUser, TeamMembership
from tests.unit.settlement_import.world import (
    CLAIM_HEADERS,
    World,
    claim_row,
    make_world,
    nothing_loaded,
    write_csv,
)

WRONG_CHECK_DIGIT = "110105194912310021"  # 11010519491231002X with a wrong last character


@pytest.fixture
def world(profile: OpenProfile) -> World:
    return make_world(profile)


def _set_role(profile: OpenProfile, role: UserRole) -> None:
    with profile.session() as session:
        session.get_one(LocalUser, profile.user_id).role = role


def _join_team(profile: OpenProfile, world: World, role: TeamRole) -> None:
    """Put the profile's user on the case's team with ``role``."""
    with profile.session() as session:
        person = Inspector(
            staff_code="S1", name="监督员", organisation="人大", region_code="990101"
        )
        session.add(person)
        session.flush()
        task_id = session.get_one(CaseFile, world.case_id).task_id
        session.add(TeamMembership(task_id=task_id, inspector_id=person.id, role=role))
        session.get_one(LocalUser, profile.user_id).inspector_id = person.id


def _claims_file(tmp_path: Path) -> Path:
    rows = [claim_row(n) for n in range(1, 8)]
    rows[1][CLAIM_HEADERS.index("身份证号")] = WRONG_CHECK_DIGIT  # a warning quoting the ID
    rows[2][CLAIM_HEADERS.index("总费用")] = "bad"  # a refused row, not an identifier
    rows[3][CLAIM_HEADERS.index("姓名")] = "\x00Q\x00王五"  # a stray quote in a name
    rows[4] = [*rows[4], "13812345678", "赵六"]  # a shifted row: phone and name in extras
    path = write_csv(tmp_path / "结算.csv", CLAIM_HEADERS, rows, encoding="gbk")
    path.write_bytes(path.read_bytes().replace(b"\x00Q\x00", b'"'))
    return path


def _import(
    profile: OpenProfile,
    path: Path,
    *,
    case_id: str | None = None,
    institution_id: str | None = None,
) -> str:
    return import_settlement(
        profile, claims=ImportSource(path), case_id=case_id, institution_id=institution_id,
        progress=Progress(),
    ).batch_id  # fmt: skip


def _values(profile: OpenProfile, batch_id: str) -> dict[str, str]:
    return {p.code: p.value for _r, p in list_problems(profile=profile, batch_id=batch_id)}


# -- importing without a case --------------------------------------------------------------


def test_a_supervisor_may_not_import_without_a_case(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    claims = write_csv(tmp_path / "c.csv", CLAIM_HEADERS, [claim_row(1)])
    _set_role(profile, UserRole.SUPERVISOR)
    assert not may_import_without_case(profile)
    with pytest.raises(NotAllowedError):
        _import(profile, claims, institution_id=world.institution_id)
    stock = write_csv(
        tmp_path / "s.csv", ["药品编码", "盘点日期", "库存数量"], [["X", "2025-01-01", "1"]]
    )
    with pytest.raises(NotAllowedError):
        import_inventory(
            profile, files=[InventoryFile(ImportFileRole.STOCK_COUNTS, ImportSource(stock))],
            institution_id=world.institution_id, progress=Progress(),
        )  # fmt: skip
    assert nothing_loaded(profile)
    with profile.read_session() as session:
        assert session.query(InventoryBatch).count() == 0


@pytest.mark.parametrize("role", [UserRole.INSPECTOR, UserRole.TEAM_LEADER, UserRole.ADMIN])
def test_recording_roles_may_import_without_a_case(
    profile: OpenProfile, world: World, tmp_path: Path, role: UserRole
) -> None:
    claims = write_csv(tmp_path / "c.csv", CLAIM_HEADERS, [claim_row(1)])
    _set_role(profile, role)
    assert may_import_without_case(profile)
    assert _import(profile, claims, institution_id=world.institution_id)


def test_a_social_supervisor_of_the_case_may_not_import_into_it(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    claims = write_csv(tmp_path / "c.csv", CLAIM_HEADERS, [claim_row(1)])
    _join_team(profile, world, TeamRole.SOCIAL_SUPERVISOR)
    with pytest.raises(NotAllowedError):
        _import(profile, claims, case_id=world.case_id)


# -- the error report --------------------------------------------------------------------


def test_the_team_sees_the_values_as_read(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    batch_id = _import(profile, _claims_file(tmp_path), case_id=world.case_id)
    _join_team(profile, world, TeamRole.MEMBER)
    assert not problem_values_masked(profile=profile, batch_id=batch_id)
    values = _values(profile, batch_id)
    assert values["id_check_digit"] == WRONG_CHECK_DIGIT
    assert values["unbalanced_quote"] == '"王五'
    assert values["extra_fields"] == "13812345678 | 赵六"
    assert values["bad_money"] == "bad"


def test_a_social_supervisor_sees_identifiers_masked_in_the_list_and_the_exports(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    batch_id = _import(profile, _claims_file(tmp_path), case_id=world.case_id)
    _join_team(profile, world, TeamRole.SOCIAL_SUPERVISOR)
    assert problem_values_masked(profile=profile, batch_id=batch_id)
    masked = {
        "id_check_digit": mask_identifier(WRONG_CHECK_DIGIT),
        "unbalanced_quote": "王*",
        "extra_fields": "138****5678 | ***",
        "bad_money": "bad",  # not an identifier: shown as read
    }
    assert _values(profile, batch_id) == masked
    assert masked["id_check_digit"] == "110***********0021"
    assert export_problems(profile=profile, batch_id=batch_id, dest=tmp_path / "p.csv") == 4
    with (tmp_path / "p.csv").open(encoding="utf-8-sig", newline="") as handle:
        exported = {row[6]: row[3] for row in list(csv.reader(handle))[1:]}
    assert exported == masked
    assert export_problems(profile=profile, batch_id=batch_id, dest=tmp_path / "p.xlsx") == 4
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {str(row[6]): str(row[3]) for row in rows} == masked
    text = (tmp_path / "p.csv").read_text(encoding="utf-8-sig")
    assert WRONG_CHECK_DIGIT not in text and "13812345678" not in text and "赵六" not in text


def test_without_a_case_a_supervisor_sees_identifiers_masked(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    batch_id = _import(profile, _claims_file(tmp_path), institution_id=world.institution_id)
    assert _values(profile, batch_id)["id_check_digit"] == WRONG_CHECK_DIGIT
    _set_role(profile, UserRole.SUPERVISOR)
    assert _values(profile, batch_id)["id_check_digit"] == mask_identifier(WRONG_CHECK_DIGIT)


def test_the_report_of_a_deleted_case_is_not_read(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    batch_id = _import(profile, _claims_file(tmp_path), case_id=world.case_id)
    with profile.session() as session:
        case = session.get_one(CaseFile, world.case_id)
        case.deleted_at = case.created_at
    with pytest.raises(CaseNotFoundError):
        list_problems(profile=profile, batch_id=batch_id)
    with pytest.raises(CaseNotFoundError):
        count_problems(profile=profile, batch_id=batch_id)
    with pytest.raises(CaseNotFoundError):
        export_problems(profile=profile, batch_id=batch_id, dest=tmp_path / "p.csv")
    assert not (tmp_path / "p.csv").exists()


def test_names_are_masked_to_the_family_name() -> None:
    assert [mask_name(v) for v in ("张三", "欧阳娜娜", '"张四', "李", "", " 王五 ")] == [
        "张*", "欧***", "张*", "*", "", "王*",
    ]  # fmt: skip
