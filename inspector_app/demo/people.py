"""Synthetic people: names made by combining common characters, and valid-looking ID numbers.

No name comes from a list of real persons: a surname character is joined with one or two
given-name characters drawn at random. ID numbers follow GB 11643-1999 (six-digit region,
birth date, three-digit sequence whose parity gives the sex, ISO 7064 MOD 11-2 check
character) but use the fictional region prefix ``99``, so none can belong to anyone.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from inspector_app.demo.text import BoolArray, IntArray, int_digits, join_text

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛"
)
GIVEN_MALE = "伟强磊军勇杰涛明超刚建辉宇浩凯博昊泽鑫志国海波荣斌鹏飞俊峰松林亮"
GIVEN_FEMALE = "芳娜敏静丽艳娟秀霞桂英兰玉萍红婷雨楠琳瑶淑琴欣怡雪梅佳晨颖慧"
GIVEN_EITHER = "文华平新阳宁然思安嘉睿子一清"

# GB 11643-1999 check character: weights 2^(17-i) mod 11 and the MOD 11-2 mapping.
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
MAX_PER_BIRTH_GROUP = 499


def _chars(pool: str) -> npt.NDArray[np.str_]:
    return np.array(list(pool), dtype="U1")


def synthetic_names(rng: np.random.Generator, male: BoolArray) -> list[str]:
    """One synthetic name per entry of ``male`` (2 or 3 characters)."""
    count = male.shape[0]
    surnames = _chars(SURNAMES)[rng.integers(0, len(SURNAMES), count)]
    male_pool = _chars(GIVEN_MALE + GIVEN_EITHER)
    female_pool = _chars(GIVEN_FEMALE + GIVEN_EITHER)
    first = np.where(
        male,
        male_pool[rng.integers(0, male_pool.size, count)],
        female_pool[rng.integers(0, female_pool.size, count)],
    )
    second = np.where(
        male,
        male_pool[rng.integers(0, male_pool.size, count)],
        female_pool[rng.integers(0, female_pool.size, count)],
    )
    two_given = rng.random(count) < 0.7
    given = np.where(two_given, np.char.add(first, second), first)
    names: list[str] = np.char.add(surnames, given).tolist()
    return names


def unique_names(rng: np.random.Generator, male: list[bool], taken: set[str]) -> list[str]:
    """Synthetic names for a register, none repeated and none in ``taken``."""
    names: list[str] = []
    for is_male in male:
        while True:
            (name,) = synthetic_names(rng, np.array([is_male]))
            if name not in taken:
                taken.add(name)
                names.append(name)
                break
    return names


def id_check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number."""
    total = sum(
        int(digit) * int(weight) for digit, weight in zip(first17, _ID_WEIGHTS, strict=True)
    )
    return "10X98765432"[total % 11]


def _rank_within_groups(keys: IntArray) -> IntArray:
    """For each entry, how many earlier entries share its key (0, 1, 2, …)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.ones(ordered.shape[0], dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    positions = np.arange(ordered.shape[0], dtype=np.int64)
    group_start = np.maximum.accumulate(np.where(starts, positions, 0))
    ranks = np.empty_like(positions)
    ranks[order] = positions - group_start
    return ranks


def id_numbers(
    region: IntArray, birth_yyyymmdd: IntArray, male: BoolArray, *, first_rank: int = 0
) -> list[str]:
    """Distinct 18-character ID numbers for people of the given regions, births and sexes.

    Args:
        region: six-digit region codes (fictional, ``99xxxx``).
        birth_yyyymmdd: birth dates as integers such as 19840517.
        male: the sex; the sequence number is odd for men and even for women.
        first_rank: where numbering starts within each group; two populations numbered
            from disjoint ranges (e.g. 0 and 250) never share an ID number.

    Raises:
        ValueError: more than 499 people share one region, birth date and sex.
    """
    group = (region * 100_000_000 + birth_yyyymmdd) * 2 + male.astype(np.int64)
    rank = _rank_within_groups(group) + first_rank
    if rank.size and int(rank.max()) >= MAX_PER_BIRTH_GROUP:
        raise ValueError("too many people born on one day in one region for distinct ID numbers")
    sequence = 2 * rank + np.where(male, 1, 2)
    body = np.concatenate(
        [int_digits(region, 6), int_digits(birth_yyyymmdd, 8), int_digits(sequence, 3)], axis=1
    )
    total = (body.astype(np.int64) - ord("0")) @ _ID_WEIGHTS
    check = _ID_CHECK[total % 11].reshape(-1, 1)
    return join_text([body, check])
