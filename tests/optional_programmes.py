"""Two synthetic optional programmes shaped like 表11 社会组织 and 表10 殡葬 of
/work/shared/contract/more-programmes.md, for the tests of what every optional programme needs
from the generator and the generic edit rules (no test functions here).

* ``assoc`` (表31 社团登记): stocks revised at year end (``stocks_revised: year_end``), the 年检
  columns reported in Q4 only (``reported_in: [4]``), left out by some townships (``absent``).
* ``burial`` (表32 殡仪服务): its own hard rule (火化遗体 ≤ 死亡人数 × 1.05) and the demo's planted
  violation of it (``plants.violation``: 火化遗体 = 死亡人数 × 1.2).

Table names, sheet numbers and sheet names differ from the real 表9–表16 so that they can be
added to any copy of the catalogue.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import civstat
from civstat.contract import load_contract

PACKAGE = Path(civstat.__file__).parent
CONTRACT_DIR = PACKAGE / "contract"

ASSOC = """
code: assoc
domain: social_affairs
order: 310
sheet:
  table: assoc
  number: 31
  sheet: 表31 社团登记
  sheet_synonyms: [社团登记, 社团登记情况, 表31]
  required: false
  row_kind: single
  stocks_revised: year_end
  columns:
    - {name: societies, header: 社会团体, unit: 个, kind: stock, type: int, required: true, synonyms: [社团, 社会团体数]}
    - {name: service_orgs, header: 社会服务机构, unit: 个, kind: stock, type: int, required: true, synonyms: [民办非企业单位, 民非单位]}
    - {name: registered_ytd, header: 本年新登记, unit: 个, kind: ytd, type: int, synonyms: [本年新登记社会组织, 新登记]}
    - {name: inspection_due, header: 应参加年检, unit: 个, kind: ytd, type: int, reported_in: [4], synonyms: [应年检]}
    - {name: inspected, header: 实际参加年检, unit: 个, kind: ytd, type: int, of: inspection_due, reported_in: [4], synonyms: [实际年检]}
    - {name: rated_3a, header: 3A及以上, unit: 个, kind: stock, type: int, reported_in: [4], synonyms: [3A以上, 评估3A及以上]}
generator:
  absent: {share: 0.35, by_township: {街道: 0}}
  columns:
    societies: {per_10k: [2, 4], trend: [0.05, 0.15], noise: 0.1, min: 1}
    service_orgs: {per_10k: [1, 3], trend: [0.05, 0.15], noise: 0.1, min: 1}
    registered_ytd: {range: [2, 6]}
    inspection_due: {value: 12}
    inspected: {share: [0.75, 1.0]}
    rated_3a: {range: [1, 3]}
"""

BURIAL = """
code: burial
domain: social_affairs
order: 320
sheet:
  table: burial
  number: 32
  sheet: 表32 殡仪服务
  sheet_synonyms: [殡仪服务, 殡仪服务情况, 表32]
  required: false
  row_kind: single
  columns:
    - {name: deaths_ytd, header: 死亡人数, unit: 人, kind: ytd, type: int, required: true, synonyms: [死亡人口, 死亡人数(公安通报)]}
    - {name: cremations_ytd, header: 火化遗体, unit: 具, kind: ytd, type: int, required: true, synonyms: [火化遗体数, 火化数]}
    - {name: cemeteries, header: 公益性公墓, unit: 个, kind: stock, type: int, synonyms: [公益性公墓数]}
rules:
  - code: H91
    severity: hard
    name: {zh: 火化遗体不超过死亡人数的1.05倍, en: cremations at most 1.05 × deaths}
    engine: great_expectations
    params: {factor: 1.05}
    message:
      zh: "{sheet}:{value},应满足 {expected_zh}"
      en: "{sheet}: {value}; expected {expected_en}"
    gx:
      - derive: {deaths_allowed: "t.deaths_ytd * {{ params.factor }}"}
        labels: {deaths_allowed: {zh: 死亡人数×1.05, en: 1.05 × deaths}}
        expectations:
          - {type: ExpectColumnPairValuesAToBeGreaterThanB, column_A: deaths_allowed,
             column_B: cremations_ytd, or_equal: true, ignore_row_if: either_value_is_missing}
generator:
  absent: {share: 0.2}
  columns:
    deaths_ytd: {per_10k: [55, 75]}
    cremations_ytd: {per: deaths_ytd, factor: [0.85, 0.98], noise: 0}
    cemeteries: {range: [0, 3]}
  plants:
    violation: {column: cremations_ytd, ratio_to: deaths_ytd, factor: 1.2}
"""


def code_of(text: str) -> str:
    return text.split("code:", 1)[1].split()[0]


def add_programmes(programmes_dir: Path, *texts: str) -> None:
    for text in texts:
        (programmes_dir / f"{code_of(text)}.yaml").write_text(text.lstrip(), encoding="utf-8")


def catalogue_dir(root: Path, *texts: str) -> Path:
    """A copy of the catalogue (``return.yaml`` + every programme file) with extra programmes."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "programmes").mkdir()
    shutil.copy(CONTRACT_DIR / "return.yaml", root / "return.yaml")
    for path in (CONTRACT_DIR / "programmes").glob("*.yaml"):
        shutil.copy(path, root / "programmes" / path.name)
    add_programmes(root / "programmes", *texts)
    return root


def catalogue(root: Path, *texts: str):
    return load_contract(catalogue_dir(root, *texts))
