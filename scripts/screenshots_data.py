"""Render the settlement-data screens the docs show, from a demo profile, in Chinese and English.

Usage (from the checkout, after ``make setup``; well under a minute on a laptop)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_data.py --out docs/images

It builds a fresh demo profile (20,000 claims) in a temporary folder, screens the batch,
draws samples, reviews the claims of two of them (some lines disallowed), then opens the
real windows on it and saves, per language: the claims browser, the screening tab, the
sampling tab and the new-sample dialog, the review worksheet, the extrapolation, the
进销存 reconciliation, and the import wizard's mapping and result steps for a GBK HIS
export with a few bad rows. The Chinese pictures use the compiled catalog in resources/i18n
(``make i18n``); strings the catalog lacks are listed at the end, so they can be translated.
Nothing here is part of the application; scripts/screenshots.py renders the casework screens.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import io
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screenshots import PASSWORD, _wait

if TYPE_CHECKING:
    from inspector_app.profiles import OpenProfile
    from inspector_app.review import LineView, WorksheetView
    from inspector_app.services.settlement_summary import BatchRow
    from ui.context import ShellContext

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
CATALOG = Path("resources/i18n/zh_CN/LC_MESSAGES/fund_inspector")

# What the reviewers wrote when they disallowed a line, by violation type.
REASONS = {
    "art38.1": "护理记录显示患者当日不在院，床位费及护理费不予认可（挂床住院）",
    "art38.2": "无相应指征，重复开具同一检查",
    "art38.3": "病历中无相应医嘱，属无医嘱收费",
    "art38.6": "超出限定支付范围用药，病历无适应症记录",
    "art40.3": "检查报告单缺失，科室确认未实际检查",
}
NOT_DRUGS = [code for code in REASONS if code != "art38.6"]
SHOWN_LINES = 10  # lines the worksheet shows without scrolling, at the picture's size


@dataclass(frozen=True)
class Scene:
    """What the pictures show: ids created while preparing the profile."""

    batch_id: str
    case_id: str
    sampling_draw: str  # partly reviewed, shown in the sampling tab
    reviewed_draw: str  # reviewed in full, shown in the extrapolation
    showcase: str  # settlement number of the claim shown in the worksheet


class MissingStrings(gettext.NullTranslations):
    """Fallback of the Chinese catalog: records every string it had no translation for."""

    def __init__(self) -> None:
        super().__init__()
        self.missing: set[str] = set()

    def gettext(self, message: str) -> str:
        self.missing.add(message)
        return message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self.missing.add(msgid1)
        return msgid1 if n == 1 else msgid2

    def pgettext(self, context: str, message: str) -> str:
        self.missing.add(f"{context}|{message}")
        return message

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        self.missing.add(f"{context}|{msgid1}")
        return msgid1 if n == 1 else msgid2


# ------------------------------------------------------------------ preparing the data


def _threshold(profile: OpenProfile, batch_id: str, above: int) -> int:
    """Fund amount (fen, rounded down to 500 yuan) about ``above`` claims reach or exceed."""
    import numpy as np
    from sqlalchemy import select

    from local_db.models import Claim

    with profile.read_session() as session:
        amounts = np.array(
            session.scalars(select(Claim.fund_fen).where(Claim.batch_id == batch_id)).all()
        )
    return int(np.floor(np.sort(amounts)[-above] / 50_000) * 50_000)


def screen_and_review_flags(profile: OpenProfile, batch_id: str) -> str:
    """Run every shipped rule and decide a few flags as a team would; returns the run id."""
    from inspector_app.progress import Progress
    from inspector_app.screening import FlagFilter, finding_from_flag, list_flags, review_flag
    from inspector_app.screening.engine import run_screening
    from local_db.enums import FlagReviewStatus

    run = run_screening(profile=profile, batch_id=batch_id, progress=Progress())
    rows = list_flags(profile=profile, run_id=run.run_id, limit=40).rows
    review_flag(profile=profile, flag_id=rows[1].id, status=FlagReviewStatus.CONFIRMED)
    review_flag(profile=profile, flag_id=rows[2].id, status=FlagReviewStatus.DISMISSED,
                note="病历记载病情危重，住院天数合理")  # fmt: skip
    review_flag(profile=profile, flag_id=rows[4].id, status=FlagReviewStatus.CONFIRMED)
    finding_from_flag(profile=profile, flag_id=rows[4].id)
    sex = list_flags(profile=profile, run_id=run.run_id,
                     filters=FlagFilter(rule_codes=("SEX_ITEM",)), limit=3).rows  # fmt: skip
    if sex:
        review_flag(profile=profile, flag_id=sex[0].id, status=FlagReviewStatus.DATA_QUALITY,
                    note="HIS项目编码对照错误")  # fmt: skip
    return str(run.run_id)


def draw_samples(profile: OpenProfile, batch_id: str, case_id: str, run_id: str) -> tuple[str, str]:
    """Four draws of the case; returns (the one shown in the tab, the one reviewed in full)."""
    from inspector_app.sampling import DesignOptions, FrameDefinition, Stratifier, draw_sample
    from inspector_app.statistics.allocation import Allocation
    from local_db.enums import SamplingMethod

    frame = FrameDefinition(batch_id=batch_id)
    reviewed = draw_sample(
        profile, case_id=case_id, frame=frame, method=SamplingMethod.STRATIFIED, size=30,
        seed=20260302, label="2025年度结算记录分层抽样",
        options=DesignOptions(stratify_by=Stratifier.AMOUNT, tiers=3,
                              allocation=Allocation.NEYMAN),
    )  # fmt: skip
    draw_sample(
        profile, case_id=case_id, frame=frame, method=SamplingMethod.SIMPLE_RANDOM, size=30,
        label="简单随机 30 条（试抽）",
    )  # fmt: skip
    draw_sample(
        profile, case_id=case_id,
        frame=FrameDefinition(batch_id=batch_id, screening_run_id=run_id, exclude_case_draws=True),
        method=SamplingMethod.RISK_BASED, size=20, options=DesignOptions(flagged_cap=25),
        label="风险导向：疑点 25 条 + 随机 20 条",
    )  # fmt: skip
    shown = draw_sample(
        profile, case_id=case_id, frame=frame, size=60, method=SamplingMethod.STRATIFIED,
        options=DesignOptions(stratify_by=Stratifier.AMOUNT, allocation=Allocation.NEYMAN,
                              certainty_fen=_threshold(profile, batch_id, 20)),
        label="全年结算 · 金额分层（奈曼分配）",
    )  # fmt: skip
    return shown.draw_id, reviewed.draw_id


def review_some(profile: OpenProfile, draw_id: str) -> None:
    """Open nine worksheets of the draw, disallow a line in three, complete seven."""
    from inspector_app.review import complete_review, decide_line, open_worksheet
    from inspector_app.sampling.ui_support import sampled_claims
    from local_db.enums import LineDecision

    for number, unit in enumerate(sampled_claims(profile, draw_id)[:9]):
        view = open_worksheet(profile, draw_id=draw_id, settlement_no=unit.settlement_no)
        assert view.review_id is not None
        if number % 3 == 1:
            line = max(view.lines, key=lambda line: line.amount_fen)
            decide_line(profile, review_id=view.review_id, line_no=line.line_no,
                        decision=LineDecision.DISALLOWED, violation_code="art38.3",
                        reason=REASONS["art38.3"])  # fmt: skip
        if number < 7:
            complete_review(profile, review_id=view.review_id)


def _link_showcase(profile: OpenProfile, case_id: str, review_id: str) -> None:
    """Link two evidence items and a finding to the worksheet the picture shows."""
    from inspector_app.casework.links import LinkRef
    from inspector_app.evidence.catalog import list_evidence
    from inspector_app.findings.service import findings_of_case
    from inspector_app.review import link_review
    from local_db.enums import LinkKind

    evidence = [e for e in list_evidence(profile=profile, case_id=case_id) if not e.withdrawn]
    for item in evidence[:2]:
        link_review(profile, review_id=review_id, target=LinkRef(LinkKind.EVIDENCE, item.id))
    for finding in findings_of_case(profile=profile, case_id=case_id)[:1]:
        link_review(profile, review_id=review_id, target=LinkRef(LinkKind.FINDING, finding.id))


def _covered(view: WorksheetView, within: int = 1_000) -> list[LineView]:
    """The claim's covered lines worth disallowing among its first ``within``, largest first."""
    lines = (ln for ln in view.lines[:within] if ln.coverage_class != "C" and ln.amount_fen > 200)
    return sorted(lines, key=lambda ln: -ln.amount_fen)


def _review_one(
    profile: OpenProfile,
    draw_id: str,
    settlement_no: str,
    *,
    flawed: bool,
    partly: bool,
    position: int,
    within: int = 1_000,
) -> None:
    """Review one claim in full: a line disallowed if ``flawed``, one partly if ``partly``.

    The lines decided are among the first ``within`` (those the worksheet shows unscrolled).
    """
    from inspector_app.review import complete_review, decide_line, open_worksheet, set_checks
    from local_db.enums import LineDecision

    view = open_worksheet(profile, draw_id=draw_id, settlement_no=settlement_no)
    review_id = view.review_id
    assert review_id is not None
    covered = _covered(view, within)
    flawed, partly = flawed and bool(covered), partly and len(covered) > 2
    answers = {check.key: "yes" for check in view.checks}
    disallowed = covered[len(covered) // 3] if flawed else None
    if disallowed is not None:
        answers[view.checks[2 % len(view.checks)].key] = "no"
        code = "art38.6" if disallowed.item_category == "drug" else NOT_DRUGS[position % 4]
        decide_line(profile, review_id=review_id, line_no=disallowed.line_no,
                    decision=LineDecision.DISALLOWED, violation_code=code,
                    reason=REASONS[code])  # fmt: skip
    if partly:
        # One unit more than ordered: the dearest line billed twice or more, if there is one.
        several = [ln for ln in covered if ln.quantity >= 2 and ln is not disallowed]
        part = several[0] if several else covered[-1]
        decide_line(profile, review_id=review_id, line_no=part.line_no,
                    decision=LineDecision.PARTLY_DISALLOWED,
                    disallowed_fen=part.unit_price_fen if several else part.amount_fen // 2,
                    violation_code="art38.3", reason="超出医嘱数量的部分不予认可")  # fmt: skip
    elif len(view.checks) > 5:
        answers[view.checks[-2].key] = "n/a"
    set_checks(profile, review_id=review_id, answers=answers)
    decided = {ln.line_no for ln in open_worksheet(
        profile, draw_id=draw_id, settlement_no=settlement_no).lines if ln.decided}  # fmt: skip
    for line in view.lines:
        if line.line_no not in decided:
            decide_line(profile, review_id=review_id, line_no=line.line_no,
                        decision=LineDecision.ACCEPTED)  # fmt: skip
    complete_review(profile, review_id=review_id, note="已对照病历、医嘱和护理记录核实")


def review_everything(profile: OpenProfile, case_id: str, draw_id: str) -> str:
    """Review every claim of the draw; returns the settlement number the worksheet shows.

    The one shown has both kinds of decision among the lines in view.
    """
    from inspector_app.review import open_worksheet
    from inspector_app.review.appraisal import record_appraisal
    from inspector_app.sampling import draw_units

    numbers = [unit.settlement_no for unit in draw_units(profile, draw_id)]
    views = [open_worksheet(profile, draw_id=draw_id, settlement_no=no) for no in numbers]
    showcase = next(no for no, v in zip(numbers, views, strict=True)
                    if len(v.lines) >= 8 and len(_covered(v, SHOWN_LINES)) > 2)  # fmt: skip
    for position, number in enumerate(numbers):
        shown = number == showcase
        _review_one(profile, draw_id, number, position=position,
                    flawed=shown or position % 2 == 1,
                    partly=shown or position % 4 == 1,
                    within=SHOWN_LINES if shown else 1_000)  # fmt: skip
    view = open_worksheet(profile, draw_id=draw_id, settlement_no=showcase)
    assert view.review_id is not None
    _link_showcase(profile, case_id, view.review_id)
    record_appraisal(profile, draw_id, confidence=0.90)
    return showcase


def prepare(profile: OpenProfile, claims: int, seed: int) -> Scene:
    """Build the demo and do the work the pictures show (texts written in Chinese)."""
    from inspector_app import i18n
    from inspector_app.demo import build_demo
    from inspector_app.progress import Progress
    from local_db.models import SettlementBatch

    i18n.set_language("zh_CN")
    summary = build_demo(profile, claims=claims, seed=seed, progress=Progress())
    batch_id = summary.settlement.batch_id
    with profile.read_session() as session:
        case_id = session.get_one(SettlementBatch, batch_id).case_id
    assert case_id is not None
    run_id = screen_and_review_flags(profile, batch_id)
    shown, reviewed = draw_samples(profile, batch_id, case_id, run_id)
    review_some(profile, shown)
    showcase = review_everything(profile, case_id, reviewed)
    return Scene(batch_id, case_id, shown, reviewed, showcase)


# ------------------------------------------------------------------ a HIS export to import

CLAIM_HEADERS = [
    "结算流水号", "住院号", "患者姓名", "性别", "出生日期", "身份证号", "险种类型", "医疗类别",
    "出院科室", "主诊医师编码", "主诊医师", "入院日期", "出院日期", "出院诊断编码", "出院诊断",
    "医疗费总额(元)", "统筹基金支付(元)", "个人账户支付(元)", "个人现金支付(元)", "结算时间",
    "经办人",
]  # fmt: skip
LINE_HEADERS = [
    "结算流水号", "明细序号", "医保目录编码", "项目名称", "费用类别", "规格", "单位", "单价",
    "数量", "明细项目费用总额", "甲乙类", "开单医生", "费用发生时间", "药品追溯码",
]  # fmt: skip
NAMES = ["王秀英", "李建华", "张桂兰", "刘志强", "陈淑珍", "杨明", "赵玉梅", "黄国庆", "周丽",
         "吴海涛", "徐凤英", "孙卫东"]  # fmt: skip
WARDS = [("心血管内科", "I25.103", "冠状动脉粥样硬化性心脏病"), ("呼吸内科", "J18.900", "肺炎"),
         ("骨科", "S72.001", "股骨颈骨折"), ("内分泌科", "E11.900", "2型糖尿病"),
         ("神经内科", "I63.900", "脑梗死")]  # fmt: skip
DOCTORS = [("D0107", "郑卫国"), ("D0215", "马晓燕"), ("D0322", "高建军"), ("D0409", "林芳")]
ITEMS = [("XC01AAA001B001010101445", "阿莫西林胶囊", "药品", "0.25g*24粒", "盒", "18.50", "甲"),
         ("XB01ACA016A001010101445", "阿司匹林肠溶片", "药品", "100mg*30片", "盒", "15.80", "甲"),
         ("001102000010000", "普通病房床位费", "床位费", "", "日", "45.00", "甲"),
         ("250104002", "血清肌酐测定", "化验费", "", "项", "8.00", "甲"),
         ("C0113020100000", "一次性使用输液器", "卫生材料费", "带针", "套", "6.20", "乙"),
         ]  # fmt: skip
EXPORT_CLAIMS = 240


def _id_number(rng: random.Random, birth: date, male: bool) -> str:
    """A resident ID number with a valid GB 11643 check digit."""
    body = f"110105{birth:%Y%m%d}{rng.randint(10, 99)}{rng.choice('13579' if male else '02468')}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _write_gbk(path: Path, titles: list[str], headers: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    for title in titles:
        buffer.write(title + "\r\n")
    csv.writer(buffer, lineterminator="\r\n").writerows([headers, *rows])
    path.write_bytes(buffer.getvalue().encode("gbk"))
    return path


def _export_claim(rng: random.Random, n: int, lines: list[list[str]]) -> list[str]:
    """One claim row of the export; appends its detail lines to ``lines``."""
    male = rng.random() < 0.5
    birth = date(1940, 1, 1) + timedelta(days=rng.randint(0, 20000))
    ward, dx_code, dx = rng.choice(WARDS)
    doctor = rng.choice(DOCTORS)
    admitted = date(2025, 3, 1) + timedelta(days=rng.randint(0, 200))
    stay = rng.randint(3, 14)
    discharged = admitted + timedelta(days=stay)
    settle_no = f"ZYJS2025{n:06d}"
    total = 0
    for line_no in range(1, rng.randint(3, 6) + 1):
        code, name, category, spec, unit, price, cover = rng.choice(ITEMS)
        quantity = stay if unit == "日" else rng.randint(1, 4)
        amount = round(float(price) * quantity * 100)
        total += amount
        when = datetime.combine(admitted, datetime.min.time()) + timedelta(
            hours=rng.randint(8, 20), minutes=rng.randint(0, 59)
        )
        lines.append([
            settle_no, str(line_no), code, name, category, spec, unit, price, str(quantity),
            f"{amount / 100:.2f}", cover, doctor[0], when.strftime("%Y/%m/%d %H:%M:%S"),
            f"8{rng.randint(10**18, 10**19 - 1)}" if category == "药品" else "",
        ])  # fmt: skip
    fund, account = round(total * 0.72), round(total * 0.08)
    settled = datetime.combine(discharged, datetime.min.time()) + timedelta(hours=10, minutes=n)
    return [
        settle_no, f"ZY{250000 + n}", rng.choice(NAMES), "男" if male else "女",
        f"{birth:%Y/%m/%d}", _id_number(rng, birth, male),
        rng.choice(["职工基本医疗保险", "城乡居民基本医疗保险"]), "普通住院", ward, doctor[0],
        doctor[1], f"{admitted.year}/{admitted.month}/{admitted.day}",
        f"{discharged.year}/{discharged.month}/{discharged.day}", dx_code, dx,
        f"{total / 100:,.2f}", f"{fund / 100:,.2f}", f"{account / 100:,.2f}",
        f"{(total - fund - account) / 100:,.2f}", settled.strftime("%Y/%m/%d %H:%M:%S"),
        "收费处-孙敏",
    ]  # fmt: skip


def his_export(folder: Path, hospital: str) -> tuple[Path, Path]:
    """A HIS 住院结算 export: GBK, title lines, ``1,234.50`` amounts, ``2025/3/1`` dates.

    Four rows are bad as real exports are: a formula error exported as text, a placeholder
    date, an ID number with a wrong check digit and a quantity with its unit typed in.
    """
    rng = random.Random(20260302)
    lines: list[list[str]] = []
    claims = [_export_claim(rng, n, lines) for n in range(1, EXPORT_CLAIMS + 1)]
    claims[6][15] = "#VALUE!"
    claims[11][11] = "0000-00-00"
    claims[17][5] = claims[17][5][:-1] + ("0" if claims[17][5][-1] != "0" else "1")
    lines[9][8] = "2盒"
    titles = [f"{hospital} 住院结算明细", "导出时间：2026-03-02 10:15:22　导出人：信息科"]
    return (
        _write_gbk(folder / "住院结算记录_2025.csv", titles, CLAIM_HEADERS, claims),
        _write_gbk(folder / "住院费用明细_2025.csv", titles[:1], LINE_HEADERS, lines),
    )


# ------------------------------------------------------------------ the pictures


def _save(widget: Any, out: Path, name: str, language: str) -> None:
    _wait(None, lambda: True)
    path = out / f"{name}-{language}.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"  {path}", flush=True)


def _batch_row(context: ShellContext, batch_id: str) -> BatchRow:
    from inspector_app.services.settlement_summary import data_summary

    return next(b for b in data_summary(profile=context.profile).batches if b.id == batch_id)


def shoot_claims(context: ShellContext, scene: Scene, out: Path, language: str) -> None:
    """The main window's Data page with the batch open on its claims, one claim selected."""
    from ui.main_window import MainWindow

    window = MainWindow(context)
    window.resize(1440, 900)
    window.show()
    page = window.data_page
    window.navigation.setCurrentRow(window.pages.index(page))
    _wait(None, lambda: not page.loading and page.summary is not None)
    assert page.summary is not None
    page.open_batch(next(b for b in page.summary.batches if b.id == scene.batch_id))
    claims = page.workspace.claims
    _wait(None, lambda: len(claims.table.lazy_model.rows) > 20 and claims.department.count() > 1)
    # An inpatient stay, in the middle of the view: it has more lines than a clinic visit.
    rows = claims.table.lazy_model.rows
    chosen = next((n for n, r in enumerate(rows) if r.visit_type == "inpatient"), 3)
    claims.table.selectRow(chosen)
    claims.table.scrollTo(claims.table.currentIndex(), claims.table.ScrollHint.PositionAtCenter)
    _wait(None, lambda: bool(claims.lines.row_model.rows))
    _wait(None, lambda: not claims.count_label.text().endswith("…"))
    _save(window, out, "claims", language)
    window.close()
    window.deleteLater()


def shoot_workspace(context: ShellContext, scene: Scene, out: Path, language: str) -> None:
    """The screening, sampling and 进销存 tabs of the batch, and the new-sample dialog."""
    from PySide6.QtCore import Qt

    from ui.data.batch_workspace import BatchWorkspace

    workspace = BatchWorkspace(context)
    workspace.resize(1440, 900)
    workspace.show()
    workspace.set_batch(_batch_row(context, scene.batch_id))
    screening = workspace.screening
    screening.open_editor_after_finding = False
    workspace.tabs.setCurrentWidget(screening)
    _wait(None, lambda: screening.run is not None and screening.flag_total is not None
          and screening.detail.detail is not None, timeout=60)  # fmt: skip
    _save(workspace, out, "screening", language)

    sampling = workspace.sampling
    workspace.tabs.setCurrentWidget(sampling)
    _wait(None, lambda: bool(sampling.draws) and not sampling.loading)
    sampling.select_draw(scene.sampling_draw)
    _wait(None, lambda: not sampling.loading and bool(sampling.units))
    sampling.verify()
    _wait(None, lambda: sampling.last_redraw is not None, timeout=60)
    sampling.unit_table.selectRow(1)
    _save(workspace, out, "sampling-tab", language)
    shoot_sample_dialog(context, workspace, scene, out, language)

    inventory = workspace.inventory
    workspace.tabs.setCurrentWidget(inventory)
    _wait(None, lambda: inventory.result is not None)
    # Every item, those settled beyond stock first: the three planted short ones on top.
    inventory.only_flagged.setChecked(False)
    inventory.rows.sortByColumn(inventory.rows.model().columnCount() - 1,
                                Qt.SortOrder.DescendingOrder)  # fmt: skip
    inventory.rows.select_first()
    _save(workspace, out, "inventory", language)
    workspace.close()
    workspace.deleteLater()


def shoot_sample_dialog(
    context: ShellContext, workspace: Any, scene: Scene, out: Path, language: str
) -> None:
    """The new-sample dialog filled in for an inpatient stratified draw, with its size plan."""
    from inspector_app.sampling import Stratifier
    from inspector_app.statistics.allocation import Allocation
    from local_db.enums import SamplingMethod
    from ui.dialogs.new_sample_dialog import NewSampleDialog

    dialog = NewSampleDialog(context, scene.batch_id, workspace)
    dialog.show()
    _wait(None, lambda: dialog.choices is not None and dialog.preview is not None)
    dialog.label_edit.setText("住院记录 · 金额分层")
    for check in dialog.visit_checks:
        check.setChecked(check.property("visitType") == "inpatient")
    dialog.method.setCurrentIndex(dialog.method.findData(SamplingMethod.STRATIFIED))
    dialog.stratify_by.setCurrentIndex(dialog.stratify_by.findData(Stratifier.AMOUNT))
    dialog.allocation.setCurrentIndex(dialog.allocation.findData(Allocation.NEYMAN))
    dialog.certainty.setText(f"{_threshold(context.profile, scene.batch_id, 30) // 100:,}")
    dialog.exclude_drawn.setChecked(True)
    _wait(None, lambda: not dialog.previewing and not dialog.planner.planning
          and dialog.preview_key == dialog.request().preview_key())  # fmt: skip
    dialog.planner.precision.setValue(5.0)
    _wait(None, lambda: not dialog.planner.planning and dialog.planner.plan is not None)
    dialog.planner.use_button.click()
    _wait(None, dialog.draw_button.isEnabled)
    _save(dialog, out, "sampling-dialog", language)
    dialog.close()
    dialog.deleteLater()


def shoot_review(context: ShellContext, scene: Scene, out: Path, language: str) -> None:
    """The extrapolation of the reviewed draw, and one worksheet reopened for the picture."""
    from inspector_app.review import complete_review, open_worksheet, reopen_review
    from local_db.enums import LineDecision
    from ui.data.extrapolation_view import ExtrapolationDialog
    from ui.data.review_worksheet import ReviewWorksheetDialog

    dialog = ExtrapolationDialog(context, draw_id=scene.reviewed_draw)
    dialog.resize(1280, 820)
    dialog.show()
    _wait(None, lambda: dialog.reading is not None and dialog.busy == 0)
    _save(dialog, out, "extrapolation", language)
    dialog.close()
    dialog.deleteLater()

    profile = context.profile
    view = open_worksheet(profile, draw_id=scene.reviewed_draw, settlement_no=scene.showcase)
    assert view.review_id is not None
    reopen_review(profile, review_id=view.review_id)
    sheet = ReviewWorksheetDialog(
        context, draw_id=scene.reviewed_draw, settlement_no=scene.showcase, on_changed=lambda: None
    )
    sheet.resize(1320, 860)
    sheet.show()
    _wait(None, lambda: sheet.view is not None and sheet.around is not None and sheet.busy == 0)
    assert sheet.view is not None
    partly = next(ln for ln in sheet.view.lines if ln.decision is LineDecision.PARTLY_DISALLOWED)
    sheet.lines.select_line(partly.line_no)
    sheet.lines.setFocus()
    _save(sheet, out, "review-worksheet", language)
    sheet.close()
    sheet.deleteLater()
    _wait(None, lambda: True)
    complete_review(profile, review_id=view.review_id)


def shoot_import(
    context: ShellContext, scene: Scene, out: Path, language: str, folder: Path
) -> None:
    """The import wizard: data prepared for an upcoming inspection, the claims mapping step
    and the result of an import into a case."""
    from ui.dialogs.import_wizard import ImportWizardDialog

    dialog = ImportWizardDialog(context)
    dialog.resize(1240, 900)
    dialog.show()
    source = dialog.source_page
    _wait(None, lambda: source.targets is not None)
    upcoming = next(t for t in source.targets or [] if t.task_id is not None)
    assert source.select_target(task_id=upcoming.task_id)
    _save(dialog, out, "import-upcoming", language)
    assert source.select_target(case_id=scene.case_id)
    target = source.target()
    assert target is not None
    claims, lines = his_export(folder, target.institution_name)
    source.set_file("claims", claims)
    source.set_file("lines", lines)
    source.holder_name.setText("刘建明")
    source.holder_position.setText("信息科工程师")
    dialog.next()
    page = dialog.page_for("claims")
    _wait(None, lambda: page.settled and page.preview is not None)
    _save(dialog, out, "import-mapping", language)
    dialog.next()
    _wait(None, lambda: dialog.page_for("lines").ready)
    dialog.next()
    _wait(None, dialog.next_button.isEnabled)
    dialog.next()
    _wait(None, lambda: not dialog.running and dialog.stack.currentWidget() is dialog.result_page
          and dialog.result_page.problems.lazy_model.complete, timeout=120)  # fmt: skip
    _save(dialog, out, "import-result", language)
    dialog.close()
    dialog.deleteLater()


# ------------------------------------------------------------------ running it


def _check_catalog() -> None:
    """Refuse to render Chinese pictures from a catalog older than its sources."""
    po, mo = CATALOG.with_suffix(".po"), CATALOG.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        raise SystemExit(f"{mo} is missing or older than {po.name}: run 'make i18n' first")


def _switch(language: str, missing: MissingStrings) -> None:
    """Make ``language`` the UI's; the Chinese catalog reports its gaps to ``missing``."""
    from inspector_app import i18n
    from ui.translation import apply_language

    if apply_language(language) != language:
        raise SystemExit(f"the {language} catalog could not be loaded")
    if language != "en":
        i18n._translations.add_fallback(missing)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    parser.add_argument("--languages", default="zh_CN,en")
    parser.add_argument("--claims", type=int, default=20_000, help="claims of the demo batch")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    languages = args.languages.split(",")
    if "zh_CN" in languages:
        _check_catalog()

    from PySide6.QtWidgets import QApplication

    from inspector_app.demo import DEMO_USER
    from inspector_app.profiles import create_profile
    from ui import style
    from ui.connectivity import ConnectivityMonitor
    from ui.context import ShellContext
    from ui.machine_settings import MachineSettings
    from ui.workers import TaskManager

    app = QApplication(sys.argv[:1])
    style.apply_style(app)
    missing = MissingStrings()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["XDG_CONFIG_HOME"] = folder
        profile = create_profile(
            path=Path(folder) / "profile", password=PASSWORD,
            display_name=DEMO_USER.display_name, username=DEMO_USER.username,
            role=DEMO_USER.role,
        )  # fmt: skip
        scene = prepare(profile, args.claims, args.seed)
        print(f"demo prepared in {time.monotonic() - started:.0f} s", flush=True)
        tasks = TaskManager()
        contexts: dict[str, Any] = {}
        try:
            for language in languages:
                _switch(language, missing)
                contexts[language] = context = ShellContext(
                    profile=profile, tasks=tasks, settings=MachineSettings(),
                    connectivity=ConnectivityMonitor(),
                )  # fmt: skip
                shoot_claims(context, scene, args.out, language)
                shoot_workspace(context, scene, args.out, language)
                shoot_review(context, scene, args.out, language)
            # Imports last: each adds a batch, which the other pictures should not show.
            for language in languages:
                _switch(language, missing)
                files = Path(folder) / f"export-{language}"
                files.mkdir()
                shoot_import(contexts[language], scene, args.out, language, files)
        finally:
            tasks.shutdown(10_000)
            profile.close()
    print(f"done in {time.monotonic() - started:.0f} s", flush=True)
    if missing.missing:
        print("strings missing from the zh_CN catalog:", file=sys.stderr)
        for message in sorted(missing.missing):
            print(f"  {message!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
