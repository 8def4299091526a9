"""The deterministic demo generator: writes township returns (messy, as townships really send
them) and the bureau's reference CSVs for the demo county or a province-scale load test."""

from __future__ import annotations

import csv
import random
from dataclasses import replace
from pathlib import Path

from civstat.contract import Contract, load_contract
from civstat.generate.model import County, Return, build_county
from civstat.template import CLEAN, ReturnStyle, write_return

__all__ = ["MESSY_STYLES", "County", "Return", "assign_styles", "build_county", "generate"]

# name -> (style, format, encoding); every item is used at least once per demo year. Files not
# listed get CLEAN (the template's own layout: title row, units line, two-row merged header).
MESSY_STYLES: dict[str, tuple[ReturnStyle, str, str]] = {
    "plain_header": (replace(CLEAN, title=False, two_row_header=False), "xlsx", "utf-8"),
    "money_wanyuan": (replace(CLEAN, money_unit="万元"), "xlsx", "utf-8"),
    "area_gongqing": (replace(CLEAN, area_unit="公顷"), "xlsx", "utf-8"),
    "traditional": (replace(CLEAN, traditional=True), "xlsx", "utf-8"),
    "numbers_thousands": (replace(CLEAN, number_text="thousands", zero_text="—"), "xlsx", "utf-8"),
    "numbers_fullwidth": (replace(CLEAN, number_text="fullwidth"), "xlsx", "utf-8"),
    "numbers_unit_suffix": (
        replace(CLEAN, number_text="unit_suffix", zero_text="-"),
        "xlsx",
        "utf-8",
    ),
    "total_row": (replace(CLEAN, total_row="合计"), "xlsx", "utf-8"),
    "footer_blank_rows": (replace(CLEAN, footer=True, blank_rows=True), "xlsx", "utf-8"),
    "header_noise": (replace(CLEAN, header_noise=True), "xlsx", "utf-8"),
    "stray_spaces": (replace(CLEAN, stray_spaces=True), "xlsx", "utf-8"),
    "sheet_names_synonym": (replace(CLEAN, sheet_names="synonym"), "xlsx", "utf-8"),
    "xls": (CLEAN, "xls", "utf-8"),
    "csv_gbk": (replace(CLEAN, title=False, two_row_header=False), "csv", "gbk"),
    "csv_utf8": (CLEAN, "csv", "utf-8"),
    "shuffled_extra_sheet": (
        replace(CLEAN, shuffle_sheets=True, extra_sheet=True),
        "xlsx",
        "utf-8",
    ),
    # the township leaves out one optional sheet it has figures for (表8 其他社会福利)
    "missing_welfare": (replace(CLEAN, omit_families=("welfare",)), "xlsx", "utf-8"),
    "short_name": (replace(CLEAN, short_name=True), "xlsx", "utf-8"),
    "code9": (replace(CLEAN, code_digits=9), "xlsx", "utf-8"),
    "period_months": (replace(CLEAN, period_style="months"), "xlsx", "utf-8"),
    "period_chinese": (replace(CLEAN, period_style="chinese"), "xlsx", "utf-8"),
}

REFERENCE_COLUMNS = {
    "divisions.csv": [
        "division_code",
        "name",
        "short_name",
        "level",
        "type",
        "parent_code",
        "valid_from",
        "valid_to",
        "successor_code",
    ],
    "plan_targets.csv": ["division_code", "year", "kpi_code", "target", "comparison", "source"],
    "explanations.csv": ["division_code", "period", "rule_code", "text"],
}


def assign_styles(county: County, messy: bool = True) -> dict[int, str]:
    """Index into ``county.returns`` → messiness item name (returns not listed are clean xlsx)."""
    if not messy or county.scale != "county":
        return {}
    special = {(c, y, q) for c, y, q in county.plants.values()}
    out: dict[int, str] = {}
    for year in county.years:
        idx = [
            i
            for i, r in enumerate(county.returns)
            if r.year == year and (r.division_code, r.year, r.quarter) not in special
        ]
        rnd = random.Random(f"{county.seed}:styles:{year}")
        rnd.shuffle(idx)
        for name, i in zip(MESSY_STYLES, idx):
            out[i] = name
    return out


def _file_stem(ret: Return, name: str, short: str, variant: int) -> str:
    y, q = ret.year, ret.quarter
    stem = [f"{name}{y}年第{q}季度民政统计季报", f"{short}_{y}Q{q}", f"{y}年{q}季度{name}民政季报"][
        variant % 3
    ]
    return stem + ("(更正)" if ret.correction else "")


def _parse_quarters(quarters) -> set[tuple[int, int]] | None:
    if quarters is None:
        return None
    out = set()
    for item in quarters:
        if isinstance(item, str):
            y, q = item.upper().split("Q")
            out.add((int(y), int(q)))
        else:
            out.add((int(item[0]), int(item[1])))
    return out


def sent_contract(contract: Contract, data: dict) -> Contract:
    """The catalogue as one return uses it: an optional sheet the township does not report
    (absent from ``data``) is left out of the workbook, not written empty."""
    keep = tuple(p for p in contract.programmes if p.sheet.required or p.code in data)
    if len(keep) == len(contract.programmes):
        return contract
    return replace(contract, programmes=keep, sheets=tuple(p.sheet for p in keep))


def write_reference(county: County, reference_dir: str | Path) -> list[Path]:
    reference_dir = Path(reference_dir)
    reference_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fname, rows in (
        ("divisions.csv", county.divisions),
        ("plan_targets.csv", county.plans),
        ("explanations.csv", county.explanations),
    ):
        path = reference_dir / fname
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=REFERENCE_COLUMNS[fname], lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        written.append(path)
    return written


def generate(
    out_dir,
    reference_dir,
    *,
    seed: int = 20241231,
    scale: str = "county",
    years=(2024, 2025),
    messy: bool = True,
    force: bool = False,
    quarters=None,
    contract: Contract | None = None,
) -> dict:
    """Write ``out_dir/<YYYY>Q<q>/`` returns and the reference CSVs; returns a summary dict.

    Every programme of ``contract`` (default: the catalogue) is written, each from its
    ``generator:`` profile. Refuses (FileExistsError) when a target quarter folder already holds
    files, unless ``force`` (then those folders are emptied of returns first).
    """
    out_dir, reference_dir = Path(out_dir), Path(reference_dir)
    contract = contract or load_contract()
    county = build_county(seed=seed, scale=scale, years=years, contract=contract)
    wanted = _parse_quarters(quarters)
    rets = [
        (i, r)
        for i, r in enumerate(county.returns)
        if wanted is None or (r.year, r.quarter) in wanted
    ]
    folders = sorted({out_dir / r.period for _, r in rets})
    occupied = [f for f in folders if f.is_dir() and any(p.is_file() for p in f.iterdir())]
    if occupied and not force:
        names = ", ".join(str(f) for f in occupied)
        raise FileExistsError(
            f"目标季度目录已有文件,未覆盖(如需重新生成请加 --force) / target quarter folders already contain "
            f"files, refusing to overwrite (use force=True / --force): {names}"
        )
    for f in occupied:
        for p in f.iterdir():
            if p.is_file() and p.suffix.lower() in (".xlsx", ".xls", ".csv"):
                p.unlink()
    styles = assign_styles(county, messy)
    counties = {d["division_code"]: d["name"] for d in county.divisions if d["level"] == "county"}
    # in a province township names repeat across counties: the county prefixes the file name
    prefix = {d["division_code"]: counties.get(d["parent_code"], "") if len(counties) > 1 else ""
              for d in county.divisions}
    names = {d["division_code"]: (prefix[d["division_code"]] + d["name"],
                                  prefix[d["division_code"]] + d["short_name"])
             for d in county.divisions}
    files: list[Path] = []
    by_item: dict[str, list[str]] = {}
    for i, ret in rets:
        item = styles.get(i)
        style, fmt, enc = MESSY_STYLES[item] if item else (CLEAN, "xlsx", "utf-8")
        style = replace(style, seed=i)
        name, short = names[ret.division_code]
        stem = _file_stem(ret, name, short, int(ret.division_code[6:9]))
        cover = dict(ret.cover, _short_name=short, _year=ret.year, _quarter=ret.quarter)
        path = out_dir / ret.period / f"{stem}.{'xls' if fmt == 'xls' else 'xlsx'}"
        path.parent.mkdir(parents=True, exist_ok=True)
        written = write_return(path, cover, ret.data, style, fmt=fmt, encoding=enc,
                               contract=sent_contract(contract, ret.data))
        files += written
        if item:
            by_item.setdefault(item, []).extend(str(p) for p in written)
    refs = write_reference(county, reference_dir)
    return {
        "out_dir": str(out_dir),
        "reference_dir": str(reference_dir),
        "returns": len(rets),
        "files": [str(p) for p in files],
        "reference": [str(p) for p in refs],
        "quarters": [f.name for f in folders],
        "messiness": by_item,
        "plants": {
            k: {"division_code": v[0], "period": f"{v[1]}Q{v[2]}"} for k, v in county.plants.items()
        },
    }
