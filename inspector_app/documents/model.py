"""What each document of a case says, as plain data: the contract between gathering and layout.

``case_data.py`` fills these from the database (with the reader's rights applied); the
``render_*`` modules lay them out with reportlab. Neither side knows the other's details, so
a layout can be checked on hand-made data and a data change never touches the layout.

Times are timezone-aware UTC; the layout shows them in the reader's local time. Amounts are
integer fen. Texts are already in the document's language where they come from code lists
(labels); free text is as the inspectors typed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Re-exported: the layout speaks of these without reaching into the database package.
from local_db.enums import DocumentKind as DocumentKind  # noqa: PLC0414
from local_db.enums import SignerRole as SignerRole  # noqa: PLC0414


@dataclass(frozen=True)
class SignatureMark:
    """One slot of a signature block: the handwriting, or the statement of a refusal.

    Exactly one of three states: ``image_png`` set (signed on screen), ``refused`` (the
    document prints the refusal with the witness and time instead), or neither (an empty
    line to sign on paper).
    """

    role: SignerRole
    role_label: str  # e.g. "检查人员", "被检查单位负责人"
    name: str
    image_png: bytes | None = None
    signed_at: datetime | None = None
    refused: bool = False
    refusal_reason: str = ""
    witness_name: str = ""
    refused_at: datetime | None = None


@dataclass(frozen=True)
class TeamMember:
    """One member of the inspection team as documents name them."""

    name: str
    role_label: str  # 组长 / 组员 / 专家 / 社会监督员
    organisation: str
    enforcement_id: str  # 执法证号, shown on notice and records


@dataclass(frozen=True)
class CaseHeader:
    """What every document of a case repeats: who inspects whom, under which numbers."""

    case_number: str
    task_number: str
    task_title: str
    task_type_label: str
    issuing_authority: str  # the organisation of the team leader (e.g. "某市医疗保障局")
    institution_name: str
    institution_code: str
    institution_kind_label: str
    institution_address: str
    institution_legal_representative: str
    region_name: str
    team: tuple[TeamMember, ...]
    leader_name: str
    planned_start: date
    planned_end: date
    arrived_at: datetime | None
    location: str
    closed_at: datetime | None = None


@dataclass(frozen=True)
class DocumentMeta:
    """Title, number and language of one document; the footer and header use them."""

    kind: DocumentKind
    title: str  # e.g. "医疗保障基金现场检查笔录"
    number: str  # document number, e.g. "医保检录〔2026〕AJ2026002号"
    language: str  # "zh_CN" or "en"
    generated_at: datetime
    subject_id: str = ""  # the interview id for an interview record, else empty


@dataclass(frozen=True)
class SealSlot:
    """A box reserved on the last page for a digital signature's visible appearance.

    ``label`` is printed above the box (e.g. "检查组长电子签名"); the signing code places a
    visible PAdES signature field at the same rectangle (PDF points, origin bottom left).
    """

    field_name: str  # PDF field name, ASCII: "LeaderSeal", "ReviewerSeal"
    label: str


@dataclass(frozen=True)
class NoticeData:
    """检查通知书: handed over at the door on arrival."""

    meta: DocumentMeta
    header: CaseHeader
    legal_basis: str  # the articles the inspection rests on (Regulation Art. 27, Order 6 …)
    period_start: date | None  # the period of settlement data under inspection
    period_end: date | None
    scope: str  # what is inspected, one paragraph
    demands: tuple[str, ...]  # materials the institution must provide
    contact: str  # leader's name and phone
    receiver: SignatureMark  # the representative who received it (or refused)
    seals: tuple[SealSlot, ...] = ()


@dataclass(frozen=True)
class CheckedItem:
    """One checklist item as the on-site record lists it."""

    section: str
    code: str
    text: str
    answer_label: str  # 符合 / 不符合 / 不适用 / 未检查
    non_compliant: bool
    note: str


@dataclass(frozen=True)
class FindingBrief:
    """A finding as the on-site record summarises it."""

    number: int
    title: str
    amount_fen: int


@dataclass(frozen=True)
class OnsiteRecordData:
    """现场检查笔录: institution, team, times, what was checked and found, the statement."""

    meta: DocumentMeta
    header: CaseHeader
    started_at: datetime | None
    ended_at: datetime | None
    representatives: tuple[str, ...]  # "name (position)" of the institution's people present
    documents_shown: tuple[str, ...]  # IDs/notice shown at the door
    narrative: str  # what the team did, in the team's words (may be empty)
    checked: tuple[CheckedItem, ...]
    checked_summary: str  # e.g. "共检查 84 项，不符合 6 项"
    findings: tuple[FindingBrief, ...]
    total_fen: int
    representative_statement: str  # 被检查单位意见 (may be empty: a line to write on)
    signatures: tuple[SignatureMark, ...]
    seals: tuple[SealSlot, ...] = ()


@dataclass(frozen=True)
class QuestionAnswer:
    """One question and its answer, in order."""

    question: str
    answer: str


@dataclass(frozen=True)
class InterviewRecordData:
    """询问笔录: one interview."""

    meta: DocumentMeta
    header: CaseHeader
    interviewee_name: str
    interviewee_role: str
    interviewee_organisation: str
    interviewee_id_label: str  # e.g. "居民身份证 110…" (masked when the reader may not see it)
    interviewee_phone: str
    inspectors: tuple[TeamMember, ...]  # present at the interview
    recorder_name: str
    location: str
    started_at: datetime
    ended_at: datetime | None
    opening_statement: str  # the standard caution read to the interviewee
    content: str  # free-text record when there are no Q&A entries
    entries: tuple[QuestionAnswer, ...]
    signatures: tuple[SignatureMark, ...]  # interviewee, inspectors, recorder
    seals: tuple[SealSlot, ...] = ()


@dataclass(frozen=True)
class FindingEntry:
    """One finding in the findings list / result notice."""

    number: int
    title: str
    violation_label: str  # the catalogue's name of the violation type
    legal_basis: str  # article and item, e.g. "《条例》第三十八条第（二）项"
    amount_fen: int
    description: str
    handling: tuple[str, ...]  # proposed handling, labels
    rests_on: tuple[str, ...]  # "证据 E-03 病历首页照片", "检查项 H-2.3", "询问笔录 张某"
    status_label: str
    disputed: bool


@dataclass(frozen=True)
class FindingsListData:
    """问题清单 / 检查结果告知书: each finding with its basis, amount and evidence."""

    meta: DocumentMeta
    header: CaseHeader
    findings: tuple[FindingEntry, ...]
    total_fen: int
    sampled_amount_note: str  # e.g. the extrapolated amount's reference, or empty
    rights_notice: str  # the institution may state its case within N working days …
    signatures: tuple[SignatureMark, ...]
    seals: tuple[SealSlot, ...] = ()


@dataclass(frozen=True)
class ExtractionEntry:
    """How electronic data was copied (提取记录), printed under its evidence item."""

    source_system: str
    query_or_screen: str
    extracted_at: datetime
    extracted_by: str
    method: str
    holder: str  # "name (position)"
    sha256: str


@dataclass(frozen=True)
class EvidenceEntry:
    """One evidence item in the evidence list."""

    label: str  # "E-01"
    kind_label: str
    caption: str
    captured_at: datetime
    captured_by: str
    sha256: str
    size_bytes: int
    media_type: str
    thumbnail_jpeg: bytes | None  # downscaled already (≤ 320 px); None for non-images
    withdrawn_note: str  # "已撤回：原因" or empty
    extraction: ExtractionEntry | None = None


@dataclass(frozen=True)
class EvidenceListData:
    """证据清单: every item with type, caption, time, SHA-256 and thumbnails for images."""

    meta: DocumentMeta
    header: CaseHeader
    items: tuple[EvidenceEntry, ...]
    chain_summary: str  # e.g. "取证链 2 条设备链，共 34 个事件，校验通过"
    signatures: tuple[SignatureMark, ...]
    seals: tuple[SealSlot, ...] = ()


@dataclass(frozen=True)
class StratumRow:
    """One stratum of a sample design and of its review."""

    label: str
    population_count: int
    population_fen: int
    sample_count: int
    reviewed_count: int
    audited_improper_fen: int  # sum of the improper amounts found in the sampled claims


@dataclass(frozen=True)
class EstimateRow:
    """One line of the extrapolation table."""

    label: str  # estimator and confidence, e.g. "差额估计 90%"
    point_fen: int
    lower_fen: int
    upper_fen: int
    precision_fen: int
    precision_pct: float | None


@dataclass(frozen=True)
class SamplingSection:
    """One recorded draw with its review and (if appraised) its extrapolation."""

    draw_label: str  # e.g. "抽样记录 S-1（2026-11-24）"
    batch_label: str  # the settlement batch and period
    frame_lines: tuple[str, ...]  # the frame in words: size, amount, exclusions, hash
    design_lines: tuple[str, ...]  # method, allocation, seed, generator, software version
    strata: tuple[StratumRow, ...]
    reviewed_summary: str  # "已审核 30 份中的 30 份"
    sample_improper_fen: int
    estimates: tuple[EstimateRow, ...]  # empty when no appraisal was recorded
    recovery_line: str  # the lower limit used for recovery and the rule, or "未推算"
    inputs_sha256: str


@dataclass(frozen=True)
class SamplingReportData:
    """抽样与推算报告: frame, design, review and extrapolation of each recorded draw."""

    meta: DocumentMeta
    header: CaseHeader
    method_note: str  # one paragraph: how the sample was drawn and extrapolated
    sections: tuple[SamplingSection, ...]
    signatures: tuple[SignatureMark, ...]
    seals: tuple[SealSlot, ...] = ()


AnyDocument = (
    NoticeData
    | OnsiteRecordData
    | InterviewRecordData
    | FindingsListData
    | EvidenceListData
    | SamplingReportData
)


@dataclass(frozen=True)
class SealPlacement:
    """Where the layout put a seal slot: page index (0-based) and box in PDF points."""

    field_name: str
    page_index: int
    box: tuple[float, float, float, float]  # x1, y1, x2, y2


@dataclass(frozen=True)
class RenderedDocument:
    """A laid-out PDF and where its digital-signature boxes are."""

    kind: DocumentKind
    subject_id: str
    file_stem: str  # e.g. "AJ2026002-02-现场检查笔录"
    pdf: bytes
    page_count: int
    seal_placements: tuple[SealPlacement, ...] = field(default_factory=tuple)
