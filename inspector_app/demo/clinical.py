"""Departments and diagnoses of the demo hospital, with the length-of-stay norms they imply.

Diagnosis codes follow the shape of ICD-10 (医保版) codes; the mean length of stay is the
norm the ``los_outlier`` irregularity is measured against. A department can be limited to
one sex (gynaecology) or to children (paediatrics), and children are seen only there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from inspector_app.demo.catalogue import SEX_CODES
from inspector_app.demo.text import BoolArray, IntArray, ObjectArray


@dataclass(frozen=True)
class Department:
    """A clinical department and how often it sees outpatients and inpatients."""

    name: str
    outpatient_weight: float
    inpatient_weight: float
    sex: str = ""
    paediatric: bool = False


@dataclass(frozen=True)
class Diagnosis:
    """A discharge or visit diagnosis with its department and mean length of stay (days)."""

    code: str
    name: str
    department: str
    mean_stay: int
    sex: str = ""


DEPARTMENTS: tuple[Department, ...] = (
    Department("心血管内科", 12, 12),
    Department("内分泌科", 10, 6),
    Department("呼吸内科", 14, 12),
    Department("神经内科", 8, 10),
    Department("消化内科", 10, 8),
    Department("普通外科", 8, 10),
    Department("泌尿外科", 6, 6),
    Department("妇科", 8, 6, sex="F"),
    Department("儿科", 12, 8, paediatric=True),
    Department("骨科", 6, 10),
    Department("肿瘤科", 3, 7),
    Department("肾内科", 3, 5),
)

DIAGNOSES: tuple[Diagnosis, ...] = (
    Diagnosis("I10.x00", "原发性高血压", "心血管内科", 7),
    Diagnosis("I25.103", "冠状动脉粥样硬化性心脏病", "心血管内科", 8),
    Diagnosis("I20.000", "不稳定型心绞痛", "心血管内科", 9),
    Diagnosis("E11.900", "2型糖尿病", "内分泌科", 9),
    Diagnosis("E05.900", "甲状腺功能亢进症", "内分泌科", 6),
    Diagnosis("J18.900", "肺炎", "呼吸内科", 9),
    Diagnosis("J44.100", "慢性阻塞性肺病伴有急性加重", "呼吸内科", 11),
    Diagnosis("J06.900", "急性上呼吸道感染", "呼吸内科", 4),
    Diagnosis("I63.900", "脑梗死", "神经内科", 12),
    Diagnosis("G43.900", "偏头痛", "神经内科", 4),
    Diagnosis("K29.700", "胃炎", "消化内科", 5),
    Diagnosis("K80.200", "胆囊结石", "普通外科", 7),
    Diagnosis("K35.800", "急性阑尾炎", "普通外科", 6),
    Diagnosis("N20.000", "肾结石", "泌尿外科", 5),
    Diagnosis("N40.x00", "前列腺增生", "泌尿外科", 8, sex="M"),
    Diagnosis("N76.000", "急性阴道炎", "妇科", 4, sex="F"),
    Diagnosis("D25.900", "子宫平滑肌瘤", "妇科", 8, sex="F"),
    Diagnosis("J20.900", "急性支气管炎", "儿科", 5),
    Diagnosis("A09.900", "感染性腹泻", "儿科", 4),
    Diagnosis("J18.000", "支气管肺炎", "儿科", 7),
    Diagnosis("M17.900", "膝关节病", "骨科", 10),
    Diagnosis("S72.000", "股骨颈骨折", "骨科", 14),
    Diagnosis("C34.900", "肺恶性肿瘤", "肿瘤科", 12),
    Diagnosis("N18.500", "慢性肾脏病5期", "肾内科", 10),
)

# Departments whose doctors see any adult: the planted prescription bursts happen there.
GENERAL_ADULT_DEPARTMENTS = ("心血管内科", "内分泌科", "呼吸内科", "消化内科")


@dataclass(frozen=True)
class ClinicalArrays:
    """Departments and diagnoses as arrays, plus a per-(department, sex) diagnosis table."""

    department_name: ObjectArray
    department_sex: IntArray
    department_paediatric: BoolArray
    outpatient_weight: npt.NDArray[np.float64]
    inpatient_weight: npt.NDArray[np.float64]
    diagnosis_code: ObjectArray
    diagnosis_name: ObjectArray
    mean_stay: IntArray
    # choices[department, sex] lists diagnosis numbers; count[department, sex] how many.
    choices: IntArray
    choice_count: IntArray

    def department(self, name: str) -> int:
        """Department number of ``name``."""
        return int(np.flatnonzero(self.department_name == name)[0])


def clinical_arrays() -> ClinicalArrays:
    """Build the array view of :data:`DEPARTMENTS` and :data:`DIAGNOSES`."""
    names = [d.name for d in DEPARTMENTS]
    width = len(DIAGNOSES)
    choices = np.zeros((len(DEPARTMENTS), 2, width), dtype=np.int64)
    count = np.zeros((len(DEPARTMENTS), 2), dtype=np.int64)
    for number, diagnosis in enumerate(DIAGNOSES):
        department = names.index(diagnosis.department)
        for sex, code in ((0, "F"), (1, "M")):
            if diagnosis.sex in ("", code):
                choices[department, sex, count[department, sex]] = number
                count[department, sex] += 1
    return ClinicalArrays(
        department_name=np.array(names, dtype=object),
        department_sex=np.array([SEX_CODES[d.sex] for d in DEPARTMENTS], dtype=np.int64),
        department_paediatric=np.array([d.paediatric for d in DEPARTMENTS]),
        outpatient_weight=np.array([d.outpatient_weight for d in DEPARTMENTS], dtype=float),
        inpatient_weight=np.array([d.inpatient_weight for d in DEPARTMENTS], dtype=float),
        diagnosis_code=np.array([d.code for d in DIAGNOSES], dtype=object),
        diagnosis_name=np.array([d.name for d in DIAGNOSES], dtype=object),
        mean_stay=np.array([d.mean_stay for d in DIAGNOSES], dtype=np.int64),
        choices=choices,
        choice_count=count,
    )
