"""The demo's fictional price catalogue: 85 drugs, service items and consumables.

Codes imitate the shape of national insurance codes (drugs ``X``/``Z`` + an ATC-like part,
21 characters; service items 15 digits; consumables ``C`` + 19 digits) with ``99`` in the
serial part, so no code is a real one. Prices are integer fen. Some items are restricted to
one sex, to children (under 14) or to grade-3 hospitals and name an unrestricted substitute;
some have a daily quantity limit. Columns: code, name, category, unit, price, coverage,
setting, weight, max quantity.

The demo build writes this catalogue into ``medical_item`` (the 医保目录 the screening rules
compare lines with). Bed, ward-round and nursing fees share the code prefixes in
:data:`ROUTINE_PREFIXES`: they are billed every day of a stay whether or not the patient is
treated, which is what the phantom-stay rule looks past.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

DRUG, SERVICE, CONSUMABLE = "drug", "service", "consumable"


class Setting(IntEnum):
    """Where an item is billed: outpatient visits, inpatient stays, or both."""

    OUTPATIENT = 1
    INPATIENT = 2
    BOTH = 3


OUT, INP, ANY = Setting.OUTPATIENT, Setting.INPATIENT, Setting.BOTH


@dataclass(frozen=True)
class Item:
    """One catalogue entry."""

    code: str
    name: str
    category: str
    unit: str
    price_fen: int
    coverage: str  # "A" / "B" / "C" for 甲 / 乙 / 丙
    setting: Setting
    weight: float
    max_quantity: int = 1
    sex: str = ""  # "M" or "F" when restricted to one sex
    paediatric: bool = False
    daily_limit: int = 0  # 0: no limit
    substitute: str = ""  # unrestricted item used instead when the patient does not fit
    min_level: str = ""  # lowest institution level allowed to bill it (InstitutionLevel value)


def _drug(atc: str, serial: int) -> str:
    return f"X{atc}A001010199{serial:03d}"


def _tcm(group: str, serial: int) -> str:
    return f"Z{group}A001010199{serial:03d}"


def _service(chapter: str, serial: int) -> str:
    return f"{chapter}9900{serial:05d}"


def _consumable(group: str, serial: int) -> str:
    return f"C{group}99{serial:08d}0000000"


AMOXICILLIN = _drug("J01CA04", 11)
CEFTRIAXONE = _drug("J01DD04", 15)
BLOOD_COUNT = _service("001250", 1)
ULTRASOUND = _service("002201", 1)
BED_DAY = _service("001101", 3)
CANNULA = _consumable("14", 4)
# Bed, ward-round (住院诊查) and nursing fees: billed daily, not treatment.
ROUTINE_PREFIXES = ("001101", "001103", "001202")
CATALOGUE_VERSION = "demo-2026.1"
PAEDIATRIC_MAX_AGE = 13  # paediatric items: patients under 14
G3 = "grade_3"

# fmt: off
ITEMS: tuple[Item, ...] = (
    Item(_drug("B01AC06", 1), "阿司匹林肠溶片", DRUG, "盒", 1580, "A", ANY, 6, 2),
    Item(_drug("C08CA05", 2), "硝苯地平控释片", DRUG, "盒", 3250, "A", ANY, 5, 2),
    Item(_drug("C08CA01", 3), "苯磺酸氨氯地平片", DRUG, "盒", 2830, "A", ANY, 5, 2),
    Item(_drug("C09CA03", 4), "缬沙坦胶囊", DRUG, "盒", 2460, "B", ANY, 4, 2),
    Item(_drug("A10BA02", 5), "二甲双胍缓释片", DRUG, "盒", 1850, "A", ANY, 5, 3),
    Item(_drug("A10BB12", 6), "格列美脲片", DRUG, "盒", 3620, "B", ANY, 2, 2),
    Item(_drug("C10AA05", 7), "阿托伐他汀钙片", DRUG, "盒", 2190, "B", ANY, 4, 2),
    Item(_drug("C10AA07", 8), "瑞舒伐他汀钙片", DRUG, "盒", 1980, "B", ANY, 3, 2),
    Item(_drug("A02BC01", 9), "奥美拉唑肠溶胶囊", DRUG, "盒", 1260, "A", ANY, 5, 2),
    Item(_drug("J01DC02", 10), "头孢呋辛酯片", DRUG, "盒", 2480, "A", OUT, 4, 2),
    Item(AMOXICILLIN, "阿莫西林胶囊", DRUG, "盒", 860, "A", OUT, 5, 2),
    Item(_drug("J01MA12", 12), "左氧氟沙星片", DRUG, "盒", 1740, "A", OUT, 3, 1),
    Item(_drug("R06AX13", 13), "氯雷他定片", DRUG, "盒", 1560, "B", OUT, 2, 1),
    Item(_drug("R03BA02", 14), "布地奈德混悬液（吸入用）", DRUG, "盒", 4680, "B", ANY, 2, 1),
    Item(CEFTRIAXONE, "注射用头孢曲松钠", DRUG, "支", 1320, "A", INP, 5, 2),
    Item(_drug("B05XA03", 16), "0.9%氯化钠注射液", DRUG, "袋", 380, "A", ANY, 8, 3),
    Item(_drug("B05BA03", 17), "5%葡萄糖注射液", DRUG, "袋", 420, "A", INP, 5, 2),
    Item(_drug("A02BC01", 18), "注射用奥美拉唑钠", DRUG, "支", 2850, "B", INP, 4, 2),
    Item(_drug("B01AB06", 19), "低分子肝素钙注射液", DRUG, "支", 3260, "B", INP, 3, 2),
    Item(_tcm("A07AA01", 20), "注射用血栓通（冻干）", DRUG, "支", 3580, "B", INP, 2, 2),
    Item(_tcm("A07AB02", 21), "复方丹参滴丸", DRUG, "瓶", 2580, "A", OUT, 3, 2),
    Item(_drug("A10AB05", 22), "门冬胰岛素注射液", DRUG, "支", 4980, "B", ANY, 2, 2),
    Item(_drug("C01DA02", 23), "硝酸甘油片", DRUG, "瓶", 1290, "A", ANY, 2, 1),
    Item(_drug("B01AC04", 24), "硫酸氢氯吡格雷片", DRUG, "盒", 2270, "B", ANY, 3, 2),
    Item(_drug("J01CR05", 25), "注射用哌拉西林钠他唑巴坦钠", DRUG, "支", 5860, "B", INP, 2, 3),
    Item(_drug("G04CA02", 26), "盐酸坦索罗辛缓释胶囊", DRUG, "盒", 3880, "B", OUT, 1, 2,
         sex="M", substitute=AMOXICILLIN),
    Item(_drug("G04CB01", 27), "非那雄胺片", DRUG, "盒", 2950, "B", OUT, 1, 2,
         sex="M", substitute=AMOXICILLIN),
    Item(_drug("G03DA04", 28), "黄体酮胶囊", DRUG, "盒", 3140, "B", OUT, 1, 2,
         sex="F", substitute=AMOXICILLIN),
    Item(_drug("G01AF01", 29), "甲硝唑阴道泡腾片", DRUG, "盒", 1680, "A", OUT, 1, 1,
         sex="F", substitute=AMOXICILLIN),
    Item(_drug("M01AE01", 30), "布洛芬混悬液（儿童）", DRUG, "瓶", 1480, "A", OUT, 2, 1,
         paediatric=True, substitute=AMOXICILLIN),
    Item(_drug("N02BE51", 31), "小儿氨酚黄那敏颗粒", DRUG, "盒", 980, "B", OUT, 2, 1,
         paediatric=True, substitute=AMOXICILLIN),
    Item(_tcm("A01AA03", 32), "小儿豉翘清热颗粒", DRUG, "盒", 2680, "B", OUT, 2, 1,
         paediatric=True, substitute=AMOXICILLIN),
    Item(_drug("N02BE01", 33), "对乙酰氨基酚片", DRUG, "盒", 420, "A", OUT, 3, 1),
    Item(_drug("B03BA05", 34), "甲钴胺片", DRUG, "盒", 1860, "B", OUT, 2, 2),
    Item(_drug("L03AX99", 35), "注射用胸腺法新", DRUG, "支", 28500, "B", INP, 1, 1,
         min_level=G3, substitute=CEFTRIAXONE),
    Item(_drug("H02AB02", 36), "地塞米松磷酸钠注射液", DRUG, "支", 120, "A", ANY, 3, 2),
    Item(_service("001102", 1), "普通门诊诊查费", SERVICE, "次", 1000, "A", OUT, 10),
    Item(_service("001102", 2), "副主任医师诊查费", SERVICE, "次", 2500, "A", OUT, 4),
    Item(_service("001103", 1), "住院诊查费", SERVICE, "日", 1800, "A", INP, 6, daily_limit=1),
    Item(BED_DAY, "床位费（三人间）", SERVICE, "日", 4500, "A", INP, 0),
    Item(_service("001202", 1), "Ⅰ级护理", SERVICE, "日", 2600, "A", INP, 4, daily_limit=1),
    Item(_service("001202", 2), "Ⅱ级护理", SERVICE, "日", 1800, "A", INP, 4, daily_limit=1),
    Item(_service("001204", 1), "静脉输液（第一组）", SERVICE, "组", 1200, "A", ANY, 7, 1,
         daily_limit=1),
    Item(_service("001204", 2), "静脉输液（每增加一组）", SERVICE, "组", 300, "A", ANY, 4, 3,
         daily_limit=6),
    Item(_service("001204", 3), "肌肉注射", SERVICE, "次", 350, "A", ANY, 3, 2, daily_limit=4),
    Item(BLOOD_COUNT, "血常规（五分类）", SERVICE, "次", 2000, "A", ANY, 7),
    Item(_service("001250", 2), "尿常规", SERVICE, "次", 1000, "A", ANY, 4),
    Item(_service("001250", 3), "C反应蛋白测定", SERVICE, "项", 1500, "A", ANY, 4),
    Item(_service("001250", 4), "超敏C反应蛋白测定", SERVICE, "项", 2500, "B", ANY, 1),
    Item(_service("001250", 5), "糖化血红蛋白测定", SERVICE, "项", 4500, "A", ANY, 2),
    Item(_service("001250", 6), "肝功能（组合）", SERVICE, "次", 6000, "A", ANY, 3),
    Item(_service("001250", 7), "肾功能（组合）", SERVICE, "次", 4000, "A", ANY, 3),
    Item(_service("001250", 8), "快速血糖测定", SERVICE, "次", 500, "A", ANY, 3, 4, daily_limit=8),
    Item(_service("002301", 1), "常规心电图检查（十二导联）", SERVICE, "次", 2500, "A", ANY, 4),
    Item(_service("002101", 1), "胸部X线摄影（DR）", SERVICE, "次", 8000, "A", ANY, 3),
    Item(_service("002102", 1), "颅脑CT平扫", SERVICE, "次", 22000, "A", ANY, 2),
    Item(ULTRASOUND, "腹部彩色多普勒超声", SERVICE, "次", 16000, "A", ANY, 2),
    Item(_service("002103", 1), "上腹部磁共振平扫", SERVICE, "次", 45000, "B", ANY, 1,
         min_level=G3, substitute=ULTRASOUND),
    Item(_service("003105", 1), "吸氧", SERVICE, "小时", 300, "A", INP, 3, 12, daily_limit=24),
    Item(_service("003105", 2), "雾化吸入", SERVICE, "次", 800, "A", ANY, 3, 2, daily_limit=3),
    Item(_service("003101", 1), "心电监护", SERVICE, "小时", 350, "A", INP, 2, 12, daily_limit=24),
    Item(_service("003106", 1), "换药（中）", SERVICE, "次", 2500, "A", ANY, 2),
    Item(_service("003110", 1), "血液透析", SERVICE, "次", 42000, "A", ANY, 1, daily_limit=1),
    Item(_service("001250", 9), "前列腺特异性抗原测定", SERVICE, "项", 6000, "B", OUT, 1,
         sex="M", substitute=BLOOD_COUNT),
    Item(_service("001250", 10), "前列腺液常规检查", SERVICE, "次", 1500, "A", OUT, 1,
         sex="M", substitute=BLOOD_COUNT),
    Item(_service("001250", 11), "阴道分泌物检查", SERVICE, "次", 1200, "A", OUT, 1,
         sex="F", substitute=BLOOD_COUNT),
    Item(_service("003111", 1), "宫颈液基细胞学检查", SERVICE, "次", 12000, "B", OUT, 1,
         sex="F", substitute=BLOOD_COUNT),
    Item(_service("003111", 2), "阴道镜检查", SERVICE, "次", 15000, "B", OUT, 1,
         sex="F", substitute=BLOOD_COUNT),
    Item(_service("004201", 1), "小儿推拿", SERVICE, "次", 4000, "B", OUT, 1,
         daily_limit=1, paediatric=True, substitute=BLOOD_COUNT),
    Item(_service("001204", 4), "小儿头皮静脉输液", SERVICE, "组", 1800, "A", ANY, 1,
         daily_limit=1, paediatric=True, substitute=BLOOD_COUNT),
    Item(_consumable("14", 1), "一次性使用输液器", CONSUMABLE, "套", 350, "B", ANY, 6, 2),
    Item(_consumable("14", 2), "一次性使用无菌注射器（5ml）", CONSUMABLE, "支", 60, "B", ANY, 4, 4),
    Item(_consumable("14", 3), "医用外科口罩", CONSUMABLE, "个", 80, "C", ANY, 2, 2),
    Item(CANNULA, "一次性使用静脉留置针", CONSUMABLE, "套", 1850, "B", INP, 3),
    Item(_consumable("14", 5), "医用脱脂纱布块", CONSUMABLE, "包", 240, "B", ANY, 2, 3),
    Item(_consumable("14", 6), "一次性使用导尿包", CONSUMABLE, "套", 3600, "B", INP, 1),
    Item(_consumable("03", 1), "中心静脉导管包", CONSUMABLE, "套", 68000, "B", INP, 1),
    Item(_consumable("02", 1), "药物洗脱冠状动脉支架", CONSUMABLE, "个", 78000, "B", INP, 1,
         min_level=G3, substitute=CANNULA),
    Item(_consumable("14", 7), "一次性使用吸氧管", CONSUMABLE, "根", 320, "B", INP, 2),
    Item(_consumable("14", 8), "儿童雾化面罩", CONSUMABLE, "个", 1200, "B", ANY, 1,
         paediatric=True, substitute=_consumable("14", 3)),
    Item(_consumable("13", 1), "锁定加压接骨板", CONSUMABLE, "个", 280000, "B", INP, 1),
    Item(_consumable("14", 9), "医用胶带", CONSUMABLE, "卷", 150, "C", ANY, 2, 2),
    Item(_consumable("07", 1), "一次性使用血液透析器", CONSUMABLE, "支", 18000, "B", ANY, 1),
    Item(_consumable("14", 10), "一次性使用气管插管", CONSUMABLE, "根", 2600, "B", INP, 1),
    Item(_consumable("14", 11), "水胶体敷料", CONSUMABLE, "片", 4500, "B", ANY, 1, 2),
)
# fmt: on
