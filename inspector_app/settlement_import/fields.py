"""What an imported file can fill: the target fields of each file role, with header synonyms.

One declaration per field (kind, required, default, the headers HIS vendors and the
national platform use for it) drives auto-mapping, parsing, the mapping screen's labels and
the export's headers. Synonyms are compared after :func:`normalize_header` (no spaces or
unit suffixes such as ``(元)``, lower case); the first synonym is the header the exporter
writes. Stored values follow the demo data's codes (``local_db``): sex ``M``/``F``,
insurance ``employee``/``resident``, visit ``outpatient``/``inpatient``, item category
``drug``/``service``/``consumable``, coverage ``A``/``B``/``C``.

Codes of the national medical-insurance information platform (insutype 310/390, med_type
11–14/21, chrgitm_lv 01–03) follow its data dictionary (医疗保障信息平台 数据字典).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from inspector_app.i18n import N_, _
from local_db.enums import ImportFileRole, InventoryMovementKind


class FieldKind(StrEnum):
    """How a field's text is parsed."""

    TEXT = "text"
    OPTIONAL_TEXT = "optional_text"  # blank is stored as NULL
    MONEY = "money"  # integer fen
    QUANTITY = "quantity"
    INTEGER = "integer"
    DATE = "date"  # YYYY-MM-DD
    DATETIME = "datetime"  # YYYY-MM-DDTHH:MM:SS (a bare date stays YYYY-MM-DD)
    SEX = "sex"
    ID_NUMBER = "id_number"
    CODE = "code"  # a value from a vocabulary; unknown values are kept as written


@dataclass(frozen=True)
class TargetField:
    """One column an import can fill.

    ``default`` is stored when the field is not mapped or (when optional) left blank.
    """

    name: str
    label: str  # English source, translated by :meth:`label_text`
    kind: FieldKind
    synonyms: tuple[str, ...]
    required: bool = False
    default: Any = ""
    vocabulary: Mapping[str, str] = field(default_factory=dict)

    def label_text(self) -> str:
        """The label in the active language."""
        return _(self.label)

    @property
    def export_header(self) -> str:
        """The header an export writes for this field (its first synonym)."""
        return self.synonyms[0]


SEX_VALUES = {
    "男": "M", "男性": "M", "m": "M", "male": "M", "1": "M",
    "女": "F", "女性": "F", "f": "F", "female": "F", "2": "F",
    "未知": "", "未说明": "", "不详": "", "0": "", "9": "", "": "",
}  # fmt: skip
INSURANCE_TYPES = {
    "职工": "employee", "城镇职工": "employee", "职工医保": "employee",
    "职工基本医疗保险": "employee", "城镇职工基本医疗保险": "employee", "310": "employee",
    "employee": "employee",
    "居民": "resident", "城乡居民": "resident", "居民医保": "resident",
    "城乡居民基本医疗保险": "resident", "城镇居民基本医疗保险": "resident",
    "新农合": "resident", "390": "resident", "resident": "resident",
}  # fmt: skip
VISIT_TYPES = {
    "门诊": "outpatient", "普通门诊": "outpatient", "急诊": "outpatient",
    "门诊慢特病": "outpatient", "门特": "outpatient", "门慢": "outpatient",
    "11": "outpatient", "13": "outpatient", "14": "outpatient", "outpatient": "outpatient",
    "住院": "inpatient", "普通住院": "inpatient", "21": "inpatient", "inpatient": "inpatient",
}  # fmt: skip
ITEM_CATEGORIES = {
    "药品": "drug", "西药": "drug", "中成药": "drug", "中药": "drug", "中草药": "drug",
    "中药饮片": "drug", "西药费": "drug", "中成药费": "drug", "中草药费": "drug",
    "drug": "drug",
    "诊疗": "service", "诊疗项目": "service", "医疗服务": "service",
    "医疗服务项目": "service", "检查": "service", "检查费": "service", "化验": "service",
    "化验费": "service", "治疗": "service", "治疗费": "service", "手术": "service",
    "手术费": "service", "床位": "service", "床位费": "service", "护理": "service",
    "护理费": "service", "诊察费": "service", "service": "service",
    "材料": "consumable", "耗材": "consumable", "医用耗材": "consumable",
    "卫生材料": "consumable", "材料费": "consumable", "卫生材料费": "consumable",
    "consumable": "consumable",
}  # fmt: skip
COVERAGE_CLASSES = {
    "甲": "A", "甲类": "A", "a": "A", "01": "A",
    "乙": "B", "乙类": "B", "b": "B", "02": "B",
    "丙": "C", "丙类": "C", "自费": "C", "c": "C", "03": "C",
}  # fmt: skip
COUNT_TYPES = {
    "期初": InventoryMovementKind.OPENING_STOCK.value,
    "期初库存": InventoryMovementKind.OPENING_STOCK.value,
    "期初盘点": InventoryMovementKind.OPENING_STOCK.value,
    "opening": InventoryMovementKind.OPENING_STOCK.value,
    "opening_stock": InventoryMovementKind.OPENING_STOCK.value,
    "期末": InventoryMovementKind.CLOSING_STOCK.value,
    "期末库存": InventoryMovementKind.CLOSING_STOCK.value,
    "期末盘点": InventoryMovementKind.CLOSING_STOCK.value,
    "closing": InventoryMovementKind.CLOSING_STOCK.value,
    "closing_stock": InventoryMovementKind.CLOSING_STOCK.value,
}

_SETTLEMENT_NO = TargetField(
    "settlement_no", N_("Settlement number"), FieldKind.TEXT,
    ("结算流水号", "结算ID", "结算编号", "结算单号", "结算号", "医保结算流水号",
     "结算序列号", "setl_id", "settlement_no"),
    required=True,
)  # fmt: skip

CLAIM_FIELDS: tuple[TargetField, ...] = (
    _SETTLEMENT_NO,
    TargetField(
        "visit_no", N_("Visit number"), FieldKind.TEXT,
        ("就诊流水号", "就诊ID", "就诊号", "就诊编号", "门诊号", "住院号", "门诊/住院号",
         "mdtrt_id", "visit_no"),
    ),
    TargetField(
        "patient_name", N_("Patient name"), FieldKind.TEXT,
        ("姓名", "患者姓名", "参保人姓名", "病人姓名", "人员姓名", "psn_name", "patient_name"),
    ),
    TargetField(
        "patient_sex", N_("Sex"), FieldKind.SEX, ("性别", "gend", "sex", "patient_sex"),
        vocabulary=SEX_VALUES,
    ),
    TargetField(
        "patient_birth_date", N_("Date of birth"), FieldKind.DATE,
        ("出生日期", "出生年月日", "brdy", "birth_date", "patient_birth_date"),
    ),
    TargetField(
        "patient_id_no", N_("ID number"), FieldKind.ID_NUMBER,
        ("身份证号", "身份证号码", "证件号码", "公民身份号码", "证件号", "人员证件号码",
         "certno", "id_no", "patient_id_no"),
        required=True,
    ),
    TargetField(
        "insurance_type", N_("Insurance type"), FieldKind.CODE,
        ("险种", "险种类型", "参保类型", "险种名称", "insutype", "insurance_type"),
        vocabulary=INSURANCE_TYPES,
    ),
    TargetField(
        "visit_type", N_("Visit type"), FieldKind.CODE,
        ("医疗类别", "就诊类型", "就诊类别", "医疗类型", "med_type", "visit_type"),
        vocabulary=VISIT_TYPES,
    ),
    TargetField(
        "department", N_("Department"), FieldKind.TEXT,
        ("科室", "科室名称", "就诊科室", "入院科室", "出院科室", "dept_name", "department"),
    ),
    TargetField(
        "doctor_code", N_("Doctor code"), FieldKind.TEXT,
        ("医生编码", "医师编码", "医生代码", "医师代码", "主诊医师编码", "dr_code",
         "doctor_code"),
    ),
    TargetField(
        "doctor_name", N_("Doctor name"), FieldKind.TEXT,
        ("医生姓名", "医师姓名", "主诊医师", "主诊医师姓名", "医生", "主治医生", "dr_name",
         "doctor_name"),
    ),
    TargetField(
        "admission_date", N_("Admission or visit date"), FieldKind.DATE,
        ("入院日期", "就诊日期", "入院时间", "就诊时间", "开始日期", "begndate",
         "admission_date"),
        required=True,
    ),
    TargetField(
        "discharge_date", N_("Discharge date"), FieldKind.DATE,
        ("出院日期", "出院时间", "结束日期", "enddate", "discharge_date"),
        default=None,
    ),
    TargetField(
        "diagnosis_code", N_("Diagnosis code"), FieldKind.TEXT,
        ("诊断编码", "主诊断编码", "疾病编码", "出院诊断编码", "diag_code", "diagnosis_code"),
    ),
    TargetField(
        "diagnosis_name", N_("Diagnosis"), FieldKind.TEXT,
        ("诊断名称", "主诊断名称", "疾病名称", "出院诊断", "诊断", "diag_name",
         "diagnosis_name"),
    ),
    TargetField(
        "total_fen", N_("Total cost"), FieldKind.MONEY,
        ("总费用", "医疗总费用", "医疗费总额", "费用总额", "总金额", "medfee_sumamt",
         "total"),
        required=True,
    ),
    TargetField(
        "fund_fen", N_("Paid by the pooled fund"), FieldKind.MONEY,
        ("医保统筹支付", "统筹支付", "基金支付", "统筹基金支付", "基金支付总额",
         "统筹支付金额", "hifp_pay", "fund_pay_sumamt", "fund"),
        required=True,
    ),
    TargetField(
        "account_fen", N_("Paid from the personal account"), FieldKind.MONEY,
        ("个人账户支付", "账户支付", "个账支付", "个人账户", "acct_pay", "account"),
        default=0,
    ),
    TargetField(
        "self_fen", N_("Paid by the patient"), FieldKind.MONEY,
        ("个人自付", "个人现金支付", "现金支付", "自付金额", "个人负担", "psn_cash_pay",
         "self_paid"),
        default=None,  # None: total − fund − account
    ),
    TargetField(
        "settled_at", N_("Settlement time"), FieldKind.DATETIME,
        ("结算时间", "结算日期", "setl_time", "settled_at"),
        required=True,
    ),
)  # fmt: skip

LINE_FIELDS: tuple[TargetField, ...] = (
    _SETTLEMENT_NO,
    TargetField(
        "line_no", N_("Line number"), FieldKind.INTEGER,
        ("明细序号", "序号", "行号", "费用序号", "line_no"),
        default=None,  # None: numbered in file order within each claim
    ),
    TargetField(
        "item_code", N_("Item code"), FieldKind.TEXT,
        ("项目编码", "医保目录编码", "医保项目编码", "医保编码", "国家编码", "项目代码",
         "目录编码", "hilist_code", "item_code"),
        required=True,
    ),
    TargetField(
        "item_name", N_("Item name"), FieldKind.TEXT,
        ("项目名称", "医保目录名称", "医保项目名称", "收费项目名称", "药品名称",
         "hilist_name", "item_name"),
    ),
    TargetField(
        "item_category", N_("Item category"), FieldKind.CODE,
        ("项目类别", "费用类别", "收费类别", "目录类别", "项目类型", "list_type",
         "item_category"),
        vocabulary=ITEM_CATEGORIES,
    ),
    TargetField("unit", N_("Unit"), FieldKind.TEXT, ("单位", "计价单位", "包装单位", "unit")),
    TargetField(
        "unit_price_fen", N_("Unit price"), FieldKind.MONEY,
        ("单价", "价格", "pric", "unit_price"),
        required=True,
    ),
    TargetField(
        "quantity", N_("Quantity"), FieldKind.QUANTITY, ("数量", "cnt", "quantity"),
        required=True,
    ),
    TargetField(
        "amount_fen", N_("Amount"), FieldKind.MONEY,
        ("金额", "明细金额", "费用金额", "明细项目费用总额", "det_item_fee_sumamt", "amount"),
        required=True,
    ),
    TargetField(
        "coverage_class", N_("Coverage class"), FieldKind.CODE,
        ("甲乙类", "甲乙丙类", "收费等级", "医保等级", "chrgitm_lv", "coverage_class"),
        vocabulary=COVERAGE_CLASSES,
    ),
    TargetField(
        "ordering_doctor", N_("Ordering doctor"), FieldKind.TEXT,
        ("开单医生", "开单医生编码", "开单医师", "开方医生", "bilg_dr_code",
         "ordering_doctor"),
    ),
    TargetField(
        "service_time", N_("Time of service"), FieldKind.DATETIME,
        ("费用发生时间", "费用日期", "收费时间", "发生时间", "fee_ocur_time", "service_time"),
        required=True,
    ),
    TargetField(
        "trace_code", N_("Traceability code"), FieldKind.OPTIONAL_TEXT,
        ("追溯码", "药品追溯码", "商品追溯码", "drug_trac_codg", "trace_code"),
        default=None,
    ),
    TargetField(
        "ordered_quantity", N_("Ordered quantity"), FieldKind.QUANTITY,
        ("医嘱数量", "开立数量", "医嘱量", "ordered_quantity"),
        default=None,
    ),
)  # fmt: skip

_INVENTORY_COMMON: tuple[TargetField, ...] = (
    TargetField(
        "item_code", N_("Item code"), FieldKind.TEXT,
        ("项目编码", "药品编码", "医保编码", "医保目录编码", "商品编码", "耗材编码",
         "item_code"),
        required=True,
    ),
    TargetField(
        "item_name", N_("Item name"), FieldKind.TEXT,
        ("项目名称", "药品名称", "商品名称", "品名", "耗材名称", "item_name"),
    ),
    TargetField("unit", N_("Unit"), FieldKind.TEXT, ("单位", "计量单位", "包装单位", "unit")),
    TargetField(
        "movement_date", N_("Date"), FieldKind.DATE,
        ("日期", "入库日期", "采购日期", "发药日期", "销售日期", "出库日期", "盘点日期",
         "movement_date"),
        required=True,
    ),
    TargetField(
        "quantity", N_("Quantity"), FieldKind.QUANTITY,
        ("数量", "入库数量", "采购数量", "发药数量", "销售数量", "出库数量", "盘点数量",
         "库存数量", "实盘数量", "quantity"),
        required=True,
    ),
    TargetField(
        "amount_fen", N_("Amount"), FieldKind.MONEY,
        ("金额", "采购金额", "入库金额", "销售金额", "amount"),
        default=None,
    ),
    TargetField(
        "reference", N_("Document number"), FieldKind.TEXT,
        ("单号", "单据号", "入库单号", "出库单号", "发票号", "处方号", "盘点单号", "票据号",
         "reference"),
    ),
)  # fmt: skip

COUNT_TYPE_FIELD = TargetField(
    "count_type", N_("Opening or closing count"), FieldKind.CODE,
    ("盘点类型", "期初期末", "库存类型", "count_type"),
    default=None, vocabulary=COUNT_TYPES,
)  # fmt: skip

ROLE_FIELDS: Mapping[ImportFileRole, tuple[TargetField, ...]] = {
    ImportFileRole.CLAIMS: CLAIM_FIELDS,
    ImportFileRole.LINES: LINE_FIELDS,
    ImportFileRole.PURCHASES: _INVENTORY_COMMON,
    ImportFileRole.DISPENSING: _INVENTORY_COMMON,
    ImportFileRole.STOCK_COUNTS: (*_INVENTORY_COMMON, COUNT_TYPE_FIELD),
}


def role_fields(role: ImportFileRole) -> tuple[TargetField, ...]:
    """The fields a file of ``role`` can fill, in the order the mapping screen lists them."""
    return ROLE_FIELDS[role]


def field_by_name(role: ImportFileRole, name: str) -> TargetField:
    """The field called ``name`` of ``role``.

    Raises:
        KeyError: no such field.
    """
    for target in ROLE_FIELDS[role]:
        if target.name == name:
            return target
    raise KeyError(name)


def role_label(role: ImportFileRole) -> str:
    """What a file of ``role`` holds, in the active language."""
    return {
        ImportFileRole.CLAIMS: _("Settlement claims"),
        ImportFileRole.LINES: _("Settlement lines"),
        ImportFileRole.PURCHASES: _("Purchases"),
        ImportFileRole.DISPENSING: _("Dispensing and sales"),
        ImportFileRole.STOCK_COUNTS: _("Stock counts"),
    }[role]


# Bracketed units and notes: 总费用(元), 金额（元）, 数量[盒].
_BRACKETED = re.compile(r"[(\[【（][^)\]】）]*[)\]】）]")
_NOT_WORD = re.compile(r"[\s_\-:：/.。·]+")


def normalize_header(header: str) -> str:
    """A header reduced for comparison: NFKC, no bracketed units, spaces or punctuation."""
    text = unicodedata.normalize("NFKC", header).strip().lower()
    text = _BRACKETED.sub("", text)
    return _NOT_WORD.sub("", text)


def normalize_code_value(value: str) -> str:
    """A vocabulary value reduced for lookup (NFKC, stripped, lower case)."""
    return unicodedata.normalize("NFKC", value).strip().lower()
