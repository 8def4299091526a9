"""The divisions the demo is made of: the demo county's 18 townships (one merged into another in
the second year), ~90 invented counties for a province-scale load or 4 small ones of one
prefecture city (scale 'city', the hierarchy's test drop); and the people who sign
the returns."""

from __future__ import annotations

import random

COUNTY_CODE = "371599"
COUNTY_NAME = "清河县"
VALID_FROM = "2011-01-01"

# (name, type) — 001–099 街道, 100–199 镇, 200–399 乡
DEMO_TOWNSHIPS = [
    ("城关街道", "街道"),
    ("长桥街道", "街道"),
    ("东城街道", "街道"),
    ("西湖街道", "街道"),
    ("河口镇", "镇"),
    ("柳林镇", "镇"),
    ("石桥镇", "镇"),
    ("新集镇", "镇"),
    ("马店镇", "镇"),
    ("杨庄镇", "镇"),
    ("王营镇", "镇"),
    ("双河镇", "镇"),
    ("李楼乡", "乡"),
    ("红旗乡", "乡"),
    ("大王庄乡", "乡"),
    ("白庙乡", "乡"),
    ("三里乡", "乡"),
    ("张湾乡", "乡"),
]
MERGED = ("白庙乡", "马店镇")  # (absorbed, successor)
SYL1 = "东西南北新大小安永平兴和丰宁泰康长青石金白红黄柳桃杨李王张刘陈马高"
SYL2 = "山河湖桥林庄集店营湾楼岗口坪台沟屯寨园堡埠塘溪坝"
FAMILY_NAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英志强丽华海燕军伟红梅春兰文明玉芳德胜桂香永红"


def person(rnd: random.Random) -> str:
    return rnd.choice(FAMILY_NAMES) + "".join(rnd.sample(GIVEN, rnd.choice((1, 2))))


def county_divisions(
    code6: str,
    name: str,
    townships: list[tuple[str, str]],
    merged: tuple[str, str] | None,
    first_year: int | None = None,
    merge_year: int | None = None,
) -> list[dict]:
    """Divisions in force from 2011, or from the first generated year if earlier (history back
    to the 2000s); the merged township ends on 31 December before the merger year."""
    valid_from = min(VALID_FROM, f"{first_year}-01-01") if first_year else VALID_FROM
    rows = [
        {
            "division_code": code6 + "000000",
            "name": name,
            "short_name": name[:-1],
            "level": "county",
            "type": "县",
            "parent_code": "",
            "valid_from": valid_from,
            "valid_to": "",
            "successor_code": "",
        }
    ]
    counters = {"街道": 1, "镇": 100, "乡": 200}
    codes = {}
    for tname, typ in townships:
        code = f"{code6}{counters[typ]:03d}000"
        counters[typ] += 1
        codes[tname] = code
        short = tname[: -len(typ)]
        rows.append(
            {
                "division_code": code,
                "name": tname,
                "short_name": short,
                "level": "township",
                "type": typ,
                "parent_code": code6 + "000000",
                "valid_from": valid_from,
                "valid_to": "",
                "successor_code": "",
            }
        )
    if merged:
        for row in rows:
            if row["name"] == merged[0]:
                row["valid_to"] = f"{(merge_year or 2025) - 1}-12-31"
                row["successor_code"] = codes[merged[1]]
    return rows


PROVINCE_TOWNSHIPS = (("街道", 3), ("镇", 9), ("乡", 6))  # per county: 18
CITY_TOWNSHIPS = (("街道", 1), ("镇", 2), ("乡", 1))  # per county of the small city drop: 4


def province_counties(
    rnd: random.Random, n_counties: int, townships=PROVINCE_TOWNSHIPS
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Invented counties 3791 01, 3791 02, … (ten to a prefecture city 3791, 3792, …, all in
    province 37), each with ``townships`` (type, how many) of invented names."""
    counties = []
    used_c = set()
    for i in range(n_counties):
        code6 = f"37{91 + i // 10:02d}{1 + i % 10:02d}"
        while True:
            cname = rnd.choice(SYL1) + rnd.choice(SYL2) + "县"
            if cname not in used_c:
                used_c.add(cname)
                break
        used = set()
        towns = []
        for typ, n in townships:
            for _ in range(n):
                while True:
                    t = (
                        rnd.choice(SYL1)
                        + rnd.choice(SYL2)
                        + ("" if rnd.random() < 0.6 else rnd.choice("东西南北"))
                    )
                    if t not in used:
                        used.add(t)
                        break
                towns.append((t + typ, typ))
        counties.append((code6, cname, towns))
    return counties
