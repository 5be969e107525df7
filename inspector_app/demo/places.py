"""The fictional region and institutions of the demo: 示范省 示范市 and its four counties.

Region codes start with ``99``, which GB/T 2260 does not assign, so demo data can never be
mistaken for (or collide with) a real place; the names are invented, prefixed with 示范
("demonstration") where a real place of the same name could exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from local_db.enums import InstitutionKind, InstitutionLevel

PROVINCE = ("990000", "示范省")
CITY = ("990100", "示范市")
COUNTIES = (
    ("990102", "明湖区"),
    ("990121", "青禾县"),
    ("990122", "云岫县"),
    ("990123", "望川县"),
)
CITY_BUREAU = "示范市医疗保障局"
PROVINCE_BUREAU = "示范省医疗保障局"
EXPERT_POOL = "示范省医保专家库"

H, C, P = InstitutionKind.HOSPITAL, InstitutionKind.PRIMARY_CLINIC, InstitutionKind.PHARMACY
G3, G2, G1, UNGRADED = (
    InstitutionLevel.GRADE_3,
    InstitutionLevel.GRADE_2,
    InstitutionLevel.GRADE_1,
    InstitutionLevel.UNGRADED,
)


@dataclass(frozen=True)
class Place:
    """A designated institution of the demo (code: kind letter + region + serial)."""

    code: str
    name: str
    kind: InstitutionKind
    level: InstitutionLevel
    region_code: str
    address: str


INSTITUTIONS: tuple[Place, ...] = (
    Place("H99010200001", "示范市第一人民医院", H, G3, "990102", "示范市明湖区湖滨路88号"),
    Place("H99010200002", "示范市中医院", H, G3, "990102", "示范市明湖区杏林街16号"),
    Place("H99012100003", "青禾县人民医院", H, G2, "990121", "青禾县城关镇建设路120号"),
    Place("H99012200004", "云岫县中医医院", H, G2, "990122", "云岫县岫山街道康宁路9号"),
    Place("H99012300005", "望川县第二人民医院", H, G1, "990123", "望川县柳塘镇新街52号"),
    Place(
        "H99010200006",
        "明湖区湖滨街道社区卫生服务中心",
        C,
        UNGRADED,
        "990102",
        "示范市明湖区湖滨街道和平里3号",
    ),
    Place("H99012100007", "青禾县石桥镇卫生院", C, UNGRADED, "990121", "青禾县石桥镇石桥街1号"),
    Place("H99012200008", "云岫县白沙村卫生室", C, UNGRADED, "990122", "云岫县白沙镇白沙村二组"),
    Place("H99012300009", "望川县柳塘村卫生室", C, UNGRADED, "990123", "望川县柳塘镇柳塘村五组"),
    Place(
        "P99010200010", "示范济安大药房（湖滨店）", P, UNGRADED, "990102", "示范市明湖区湖滨路102号"
    ),
    Place("P99012100011", "青禾县百草堂药店", P, UNGRADED, "990121", "青禾县城关镇解放街33号"),
    Place("P99012300012", "望川县康民药房", P, UNGRADED, "990123", "望川县柳塘镇新街18号"),
)

# The hospital the on-site flying inspection visits; its settlement data is generated.
INSPECTED_HOSPITAL = INSTITUTIONS[0].code
# A grade-2 hospital whose smaller batch shares some patients with the inspected one.
PARTNER_HOSPITAL = INSTITUTIONS[3].code

# (organisation, specialty, count): specialties as the team-building code uses them.
INSPECTOR_REGISTER = (
    (CITY_BUREAU, "medical", 3),
    (CITY_BUREAU, "pharmacy", 2),
    (CITY_BUREAU, "pricing", 2),
    (PROVINCE_BUREAU, "medical", 2),
    (PROVINCE_BUREAU, "IT", 2),
    ("示范信诚会计师事务所（第三方）", "finance", 2),
    (EXPERT_POOL, "medical", 1),
    (EXPERT_POOL, "pharmacy", 1),
)
