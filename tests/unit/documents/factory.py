"""Hand-made document data for layout tests: realistic, synthetic (no real people or places)."""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, timedelta

from PIL import Image, ImageDraw

from inspector_app.documents.model import (
    CaseHeader,
    CheckedItem,
    DocumentKind,
    DocumentMeta,
    EstimateRow,
    EvidenceEntry,
    EvidenceListData,
    ExtractionEntry,
    FindingBrief,
    FindingEntry,
    FindingsListData,
    InterviewRecordData,
    NoticeData,
    OnsiteRecordData,
    QuestionAnswer,
    SamplingReportData,
    SamplingSection,
    SealSlot,
    SignatureMark,
    SignerRole,
    StratumRow,
    TeamMember,
)

CASE_NUMBER = "AJ2026002"
INSTITUTION = "江临市清河区第三人民医院"
ARRIVED = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)
SEALS = (SealSlot("LeaderSeal", "检查组长电子签名"), SealSlot("ReviewerSeal", "审核人电子签名"))

TEAM = (
    TeamMember("王明远", "组长", "江临市医疗保障局", "JL-2026-0101"),
    TeamMember("李静怡", "组员", "江临市医疗保障局", "JL-2026-0117"),
    TeamMember("赵子航", "专家", "江临市医疗保障基金监管中心", "JL-2026-0230"),
)


def signature_png(seed: int = 1) -> bytes:
    """A handwriting-like stroke on a transparent background."""
    rng = random.Random(seed)
    image = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + i * 22, 80 + rng.randint(-45, 45)) for i in range(21)]
    draw.line(points, fill=(10, 20, 90, 255), width=6, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def thumbnail_jpeg(seed: int) -> bytes:
    """A distinct 320x240 photo-like JPEG."""
    rng = random.Random(seed)
    image = Image.new("RGB", (320, 240), (rng.randint(0, 255), rng.randint(0, 255), 200))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randint(0, 300), rng.randint(0, 220)
        colour = (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
        draw.rectangle((x, y, x + rng.randint(10, 80), y + rng.randint(10, 60)), fill=colour)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return out.getvalue()


def header() -> CaseHeader:
    return CaseHeader(
        case_number=CASE_NUMBER,
        task_number="RW-2026-017",
        task_title="2026年度定点医疗机构医保基金使用专项检查",
        task_type_label="专项检查",
        issuing_authority="江临市医疗保障局",
        institution_name=INSTITUTION,
        institution_code="H33010500123",
        institution_kind_label="二级综合医院",
        institution_address="江临市清河区滨江路 88 号",
        institution_legal_representative="陈立新",
        region_name="江临市清河区",
        team=TEAM,
        leader_name="王明远",
        planned_start=date(2026, 11, 24),
        planned_end=date(2026, 11, 28),
        arrived_at=ARRIVED,
        location="医院行政楼三楼会议室",
    )


def meta(kind: DocumentKind, title: str, number: str, subject_id: str = "") -> DocumentMeta:
    return DocumentMeta(
        kind=kind,
        title=title,
        number=number,
        language="zh_CN",
        generated_at=ARRIVED + timedelta(hours=2),
        subject_id=subject_id,
    )


def signed(role: SignerRole, label: str, name: str, seed: int = 1) -> SignatureMark:
    return SignatureMark(
        role, label, name, image_png=signature_png(seed), signed_at=ARRIVED + timedelta(hours=5)
    )


def refused(role: SignerRole, label: str, name: str) -> SignatureMark:
    return SignatureMark(
        role,
        label,
        name,
        refused=True,
        refusal_reason="对检查结论有异议",
        witness_name="孙晓峰",
        refused_at=ARRIVED + timedelta(hours=6, minutes=5),
    )


def blank(role: SignerRole, label: str, name: str) -> SignatureMark:
    return SignatureMark(role, label, name)


def notice(receiver: SignatureMark | None = None) -> NoticeData:
    return NoticeData(
        meta=meta(DocumentKind.NOTICE, "医疗保障基金检查通知书", "江医保检通〔2026〕17号"),
        header=header(),
        legal_basis="《医疗保障基金使用监督管理条例》第二十七条",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        scope="住院及门诊慢特病医保结算费用，重点为血液透析、康复理疗项目。",
        demands=(
            "2025年度医保结算明细数据（电子版）",
            "住院病历及医嘱单、收费票据",
            "药品、医用耗材进销存台账",
            "医护人员排班表及执业资质材料",
        ),
        contact="王明远 0571-8800 1234",
        receiver=receiver or blank(SignerRole.REPRESENTATIVE, "被检查单位负责人", "陈立新"),
        seals=SEALS[:1],
    )


def checked_items(count: int) -> tuple[CheckedItem, ...]:
    items = []
    for i in range(count):
        bad = i % 7 == 3
        items.append(
            CheckedItem(
                section=f"{'一二三四五'[i // 12 % 5]}、{'收费管理' if i < 12 else '诊疗行为'}",
                code=f"H-{i // 12 + 1}.{i % 12 + 1}",
                text=f"检查项目{i + 1}：是否按照规定的价格标准收取医疗服务费用，"
                "是否存在分解收费、串换项目等情形",
                answer_label="不符合" if bad else "符合",
                non_compliant=bad,
                note="抽查病历 3 份，2 份存在问题" if bad else "",
            )
        )
    return tuple(items)


def onsite(checked: int = 30, statement: str = "") -> OnsiteRecordData:
    findings = tuple(
        FindingBrief(n, f"问题{n}：超标准收取血液透析治疗费", 1_234_56 * n) for n in range(1, 4)
    )
    return OnsiteRecordData(
        meta=meta(DocumentKind.ONSITE_RECORD, "医疗保障基金现场检查笔录", "江医保检录〔2026〕17号"),
        header=header(),
        started_at=ARRIVED,
        ended_at=ARRIVED + timedelta(hours=3, minutes=20),
        representatives=("陈立新（院长）", "周雨桐（医保办主任）"),
        documents_shown=("执法证件", "检查通知书"),
        narrative="检查组到达后向被检查单位出示执法证件并送达检查通知书。\n"
        "检查组调阅了2025年度住院病历 60 份，核对收费明细。",
        checked=checked_items(checked),
        checked_summary=f"共检查 {checked} 项，不符合 {len(range(3, checked, 7))} 项",
        findings=findings,
        total_fen=sum(f.amount_fen for f in findings),
        representative_statement=statement,
        signatures=(
            signed(SignerRole.INSPECTOR, "检查人员", "王明远", 1),
            signed(SignerRole.INSPECTOR, "检查人员", "李静怡", 2),
            refused(SignerRole.REPRESENTATIVE, "被检查单位负责人", "陈立新"),
            blank(SignerRole.RECORDER, "记录人", "赵子航"),
        ),
        seals=SEALS,
    )


QA = (
    ("请问你在医院担任什么职务？", "我是医保办主任，负责医保结算审核工作。"),
    ("血液透析治疗费是如何收取的？", "按每次透析收取，由科室录入收费系统，医保办每月抽查。"),
    ("为何存在同一患者同日重复收取透析费的情况？", "系统升级期间出现重复计费，我们尚未发现。"),
)


def interview(entries: int = 3, content: str = "") -> InterviewRecordData:
    qa = tuple(QuestionAnswer(*QA[i % len(QA)]) for i in range(entries))
    return InterviewRecordData(
        meta=meta(DocumentKind.INTERVIEW_RECORD, "询问笔录", "江医保询〔2026〕17-1号", "iv-0001"),
        header=header(),
        interviewee_name="周雨桐",
        interviewee_role="医保办主任",
        interviewee_organisation=INSTITUTION,
        interviewee_id_label="居民身份证 330105********1234",
        interviewee_phone="138****5678",
        inspectors=TEAM[:2],
        recorder_name="赵子航",
        location="医院行政楼三楼会议室",
        started_at=ARRIVED + timedelta(hours=1),
        ended_at=ARRIVED + timedelta(hours=1, minutes=45),
        opening_statement="我们是江临市医疗保障局的执法人员，现依法向你了解有关情况，"
        "请你如实回答。你有申请回避的权利，也有陈述和申辩的权利。",
        content=content,
        entries=qa,
        signatures=(
            signed(SignerRole.INTERVIEWEE, "被询问人", "周雨桐", 3),
            signed(SignerRole.INSPECTOR, "询问人", "王明远", 1),
            signed(SignerRole.INSPECTOR, "询问人", "李静怡", 2),
            blank(SignerRole.RECORDER, "记录人", "赵子航"),
        ),
        seals=SEALS[:1],
    )


def finding_title(n: int) -> str:
    return f"第{n}号问题：血液透析项目重复收费（样本{n:03d}）"


def findings(count: int = 4) -> FindingsListData:
    entries = tuple(
        FindingEntry(
            number=n,
            title=finding_title(n),
            violation_label="重复收费、超标准收费、分解项目收费",
            legal_basis="《医疗保障基金使用监督管理条例》第三十八条第（一）项",
            amount_fen=98_765 * n,
            description="经核查2025年1月至6月住院结算数据，该院对同一患者同日血液透析治疗"
            "重复计费，涉及患者 12 人次。",
            handling=("责令退回医保基金", "约谈医院负责人"),
            rests_on=(f"证据 E-{n:02d} 收费明细截图", "检查项 H-1.4", "询问笔录 周雨桐"),
            status_label="有异议" if n % 5 == 2 else "已确认",
            disputed=n % 5 == 2,
        )
        for n in range(1, count + 1)
    )
    return FindingsListData(
        meta=meta(DocumentKind.FINDINGS_LIST, "医疗保障基金检查结果告知书", "江医保告〔2026〕17号"),
        header=header(),
        findings=entries,
        total_fen=sum(e.amount_fen for e in entries),
        sampled_amount_note="另据抽样推算，涉及违规金额下限为 523,400.00元（见抽样与推算报告）。",
        rights_notice="你单位如对上述问题有异议，可在收到本告知书之日起 5 个工作日内"
        "向我局提出书面陈述、申辩意见，并提供相关证据材料。",
        signatures=(
            signed(SignerRole.INSPECTOR, "检查组长", "王明远", 1),
            refused(SignerRole.REPRESENTATIVE, "被检查单位负责人", "陈立新"),
        ),
        seals=SEALS,
    )


def sha(n: int) -> str:
    return f"{n:08x}" + "0123456789abcdef" * 3 + "a1b2c3d4"


def evidence(count: int = 12, with_thumbnails: bool = True) -> EvidenceListData:
    items = []
    for n in range(1, count + 1):
        photo = n % 4 != 0
        extraction = (
            None
            if photo
            else ExtractionEntry(
                source_system="医院 HIS 收费系统",
                query_or_screen="住院费用明细查询（2025-01-01 至 2025-06-30）",
                extracted_at=ARRIVED + timedelta(hours=2, minutes=n),
                extracted_by="李静怡",
                method="系统导出 Excel 并计算哈希",
                holder="吴海波（信息科科长）",
                sha256=sha(n + 1000),
            )
        )
        items.append(
            EvidenceEntry(
                label=f"E-{n:02d}",
                kind_label="照片" if photo else "电子数据",
                caption=f"第{n}份住院病历首页及收费明细",
                captured_at=ARRIVED + timedelta(minutes=3 * n),
                captured_by="李静怡",
                sha256=sha(n),
                size_bytes=180_000 + n * 1234,
                media_type="image/jpeg" if photo else "application/vnd.ms-excel",
                thumbnail_jpeg=thumbnail_jpeg(n) if photo and with_thumbnails else None,
                withdrawn_note="已撤回：拍摄对象错误" if n % 9 == 5 else "",
                extraction=extraction,
            )
        )
    return EvidenceListData(
        meta=meta(DocumentKind.EVIDENCE_LIST, "证据清单", "江医保证〔2026〕17号"),
        header=header(),
        items=tuple(items),
        chain_summary=f"取证链 2 条设备链，共 {count + 3} 个事件，校验通过。",
        signatures=(
            signed(SignerRole.INSPECTOR, "取证人", "李静怡", 2),
            blank(SignerRole.REPRESENTATIVE, "被检查单位负责人", "陈立新"),
        ),
        seals=SEALS[:1],
    )


def sampling(appraised: bool = True) -> SamplingReportData:
    strata = (
        StratumRow("住院（≥1万元）", 1_204, 3_456_789_00, 30, 30, 45_678_00),
        StratumRow("住院（<1万元）", 8_811, 2_345_678_90, 40, 38, 12_345_67),
    )
    estimates = (
        EstimateRow("差额估计 90%", 523_400_00, 401_200_00, 645_600_00, 122_200_00, 23.3),
        EstimateRow("比率估计 90%", 498_000_00, 380_000_00, 616_000_00, 118_000_00, None),
    )
    section = SamplingSection(
        draw_label="抽样记录 S-1（2026-11-24）",
        batch_label="2025年度住院结算数据（批次 B-2025-01）",
        frame_lines=("抽样框：住院结算 10,015 份，金额 58,024,679.00元", "排除：退费单据 12 份"),
        design_lines=("分层随机抽样，按金额分两层", "随机种子 20261124，生成器 PCG64"),
        strata=strata,
        reviewed_summary="已审核 70 份中的 68 份",
        sample_improper_fen=58_023_67,
        estimates=estimates if appraised else (),
        recovery_line="按90%置信下限 401,200.00元 计算追回金额" if appraised else "未推算",
        inputs_sha256=sha(77),
    )
    return SamplingReportData(
        meta=meta(DocumentKind.SAMPLING_REPORT, "抽样与推算报告", "江医保抽〔2026〕17号"),
        header=header(),
        method_note="本次检查采用分层随机抽样，样本量按 90% 置信水平、10% 精度确定；"
        "违规金额按差额估计和比率估计两种方法推算。",
        sections=(section,),
        signatures=(signed(SignerRole.INSPECTOR, "检查组长", "王明远", 1),),
        seals=SEALS,
    )
