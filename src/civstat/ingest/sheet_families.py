"""Which sheet of a workbook holds which table of the form (or the cover).

By its name first: the contract's sheet names and synonyms (表1 最低生活保障, 低保), then the
same without the words clerks add (低保统计表, 1.低保, 一、低保情况表: the contract's
``sheet_name_suffixes`` and a number before it). A sheet whose name is none of these (Sheet1,
工作表2) is given the table whose header it carries, when exactly one table's header matches
it in full (every required column) and no table found by name is that one; and the one such
sheet carrying a cover's labels (填报单位 …) is the cover when no sheet is named so. The clerk is
told by a finding. A sheet whose name says another period (上年低保) is never read so, and a
table read from a sheet whose name states another year or quarter than the return's (2023年低保
in a 2024 return, 二季度低保 in a third quarter's) refuses it (:func:`refuse_other_periods`, once
the period is known).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from civstat.contract import load_contract
from civstat.ingest.cover import labels_a_cover
from civstat.ingest.header import layout
from civstat.ingest.normalize import LABEL_NUMBER, norm, read_period, sheet_key
from civstat.ingest.qualifiers import period_word
from civstat.ingest.refusal import Finding, Refusal
from civstat.ingest.workbook import Grids

# A header matching fewer of a table's columns than this (unless all of them) names no table.
_MIN_COLUMNS = 3
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


@cache
def _sheet_index() -> tuple[dict[str, str], dict[str, str]]:
    """Sheet key → family (or ``cover``): as the contract writes the names, and without the
    words :func:`_core` takes off (a core two families share names neither)."""
    contract = load_contract()
    index = {sheet_key(n): "cover" for n in (contract.cover_sheet, *contract.cover_sheet_synonyms)}
    for sheet in contract.sheets:
        for name in (sheet.sheet, *sheet.sheet_synonyms):
            index.setdefault(sheet_key(name), sheet.family)
    cores: dict[str, set[str]] = {}
    for key, family in index.items():
        cores.setdefault(_core(key), set()).add(family)
    return index, {core: next(iter(f)) for core, f in cores.items() if core and len(f) == 1}


def _core(key: str) -> str:
    """A sheet key without a number before it and the words after it (1.低保统计表 → 低保)."""
    key = LABEL_NUMBER.sub("", key, count=1)
    for suffix in load_contract().sheet_name_suffixes:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[:-len(suffix)]
    return key


@lru_cache(maxsize=4096)
def family_of(sheet_name: str) -> str | None:
    """The family (or ``cover``) a sheet name stands for; memoised: names repeat across returns."""
    index, cores = _sheet_index()
    key = sheet_key(sheet_name)
    family = index.get(key)
    return family if family is not None else cores.get(_core(key))


def sheets_by_family(grids: Grids) -> tuple[dict[str, str], list[Finding]]:
    """Family (or ``cover``) → the sheet holding it. Of two sheets of one family a visible one
    is read before a hidden one (an old copy hidden away: a finding names it); two both visible,
    or both hidden, are refused — which one holds this quarter's figures cannot be told. A
    family named by hidden sheets alone is looked for among the visible sheets of no known name
    first (by header, :func:`_by_header`): one carrying it is the table the clerk sees; else the
    hidden one is read, with a finding (nobody looking at the workbook sees it)."""
    named: dict[str, list[str]] = {}
    loose: list[str] = []
    for name in grids:
        family = family_of(name)
        if family:
            named.setdefault(family, []).append(name)
        else:
            loose.append(name)
    hidden = grids.hidden()
    by_family: dict[str, str] = {}
    unseen: dict[str, str] = {}  # family → its one sheet, hidden
    findings: list[Finding] = []
    for family, names in named.items():
        shown = [n for n in names if n not in hidden] or names
        if len(shown) > 1:
            raise _twice(family, shown)
        if shown[0] in hidden:
            unseen[family] = shown[0]
            continue
        by_family[family] = shown[0]
        findings += [_hidden_copy(n, family, shown[0]) for n in names if n != shown[0]]
    loose = [n for n in loose if n not in hidden and not _another_period(n)]
    findings += _by_header(grids, loose, by_family)
    if "cover" not in by_family:
        findings += _cover_by_labels(grids, [n for n in loose if n not in by_family.values()],
                                     by_family)
    for family, name in unseen.items():
        if family in by_family:
            findings.append(_hidden_copy(name, family, by_family[family]))
            continue
        by_family[family] = name
        findings.append(Finding(
            "hidden_sheet_read", f"工作表 {name} 是隐藏的,仍读作 {_title(family)}(表上看不到:请核对后取消隐藏)",
            f"sheet {name} is hidden; read as {_title(family)} all the same (nobody looking at "
            "the workbook sees it: check it and unhide it)", sheet=name))
    return by_family, findings


def _hidden_copy(name: str, family: str, read: str) -> Finding:
    """The finding on a hidden sheet of ``family`` not read (``read`` is)."""
    return Finding("hidden_sheet", f"隐藏的工作表 {name} 也是 {_title(family)},未读取(读取的是 {read})",
                   f"hidden sheet {name} is {_title(family)} too; not read ({read} is)", sheet=name)


def _by_header(grids: Grids, loose: list[str], by_family: dict[str, str]) -> list[Finding]:
    """Give each sheet of no known name the table not found by name whose header it carries
    (``by_family`` grows); two such sheets of one table are refused, as two of one name are."""
    missing = [s.family for s in load_contract().sheets if s.family not in by_family]
    found: dict[str, list[str]] = {}
    for name in loose:
        if not missing:
            break
        family = _header_family(grids[name], missing)
        if family is not None:
            found.setdefault(family, []).append(name)
    findings = []
    for family, names in found.items():
        if len(names) > 1:
            raise _twice(family, names)
        by_family[family] = names[0]
        findings.append(_read_as(names[0], family, "其表头"))
    return findings


def _cover_by_labels(grids: Grids, loose: list[str], by_family: dict[str, str]) -> list[Finding]:
    """The one sheet of no known name that carries a cover's labels, as the cover (none, or
    two: no cover is found, and the return is refused for it)."""
    covers = [name for name in loose if labels_a_cover(grids[name])]
    if len(covers) != 1:
        return []
    by_family["cover"] = covers[0]
    return [_read_as(covers[0], "cover", "其内容")]


def _read_as(name: str, family: str, by: str) -> Finding:
    """The finding on a sheet of no known name read as ``family`` (by its header, its labels)."""
    by_en = {"其表头": "its header", "其内容": "its labels"}[by]
    return Finding("sheet_by_header",
                   f"工作表名称 {name} 不是报表制度中的表名,按{by}读作 {_title(family)}(请将工作表改名)",
                   f"sheet name {name} is none of the form's; read as {_title(family)} by {by_en} "
                   "(rename the sheet)", sheet=name)


def _header_family(grid: list, families: list[str]) -> str | None:
    """The one family whose header ``grid`` carries in full (every required column, at least
    :data:`_MIN_COLUMNS` or all of its columns), matching more of its columns than any other."""
    if not any(grid):
        return None
    scores = []
    for family in families:
        found = layout(family, grid)
        if found.header_rows is None or found.missing:
            continue
        matched = len(found.mapping)
        if matched >= _MIN_COLUMNS or found.full:
            scores.append((matched, family))
    scores.sort(reverse=True)
    if not scores or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        return None
    return scores[0][1]


def _another_period(name: str) -> bool:
    """A sheet name saying another period (上年低保, 去年同期): last year's copy."""
    return period_word(name) == "other"


def refuse_other_periods(sheets: list[str], year: int, quarter: int) -> None:
    """Refuse a return one of whose tables was read from a sheet whose name states another
    period than the return's: another year (2023年低保 in 2024: last year's table), or a
    quarter or month ending elsewhere than this quarter (二季度低保, 6月, 上半年, Q2 in a third
    quarter's return: a sheet kept from an earlier quarter), whose figures would load as this
    period's. A name ending with this quarter (三季度, 1-9月, 9月底) is no matter."""
    for name in sheets:
        years = {int(y) for y in _YEAR.findall(name)}
        if years and year not in years:
            raise Refusal("period_mismatch",
                          f"工作表 {name} 的名称是{min(years)}年的,与报告期 {year} 年不一致"
                          "(上年的表?):请把本期的表以表名命名",
                          f"sheet {name} is named for {min(years)}, not the return's "
                          f"{year} (last year's table?): name this period's table for it",
                          sheet=name)
        stated = _stated_months(name, year)
        if stated is not None and (stated.last != 3 * quarter or not stated.whole):
            months = (f"{stated.first}-{stated.last}月" if stated.first < stated.last
                      else f"{stated.last}月")
            raise Refusal("period_mismatch",
                          f"工作表 {name} 的名称说的是{months},与报告期 {year}年第{quarter}季度 不一致"
                          "(以前季度的表?):请核对,并把本期的表以表名命名",
                          f"sheet {name} is named for {months}, not the return's {year}Q{quarter} "
                          "(an earlier quarter's table?): check it, and name this period's table "
                          "for the table", sheet=name)


# where a sheet's name states months or a quarter without a year (二季度, 6月, 1-6月, 上半年, Q2)
_FRAGMENT = re.compile(r"(?:前|第)?[1-4一二三四](?:[、,至到-]第?[1-4一二三四])?季|Q[1-4]|[上下]?半年|"
                       r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])月?(?:份|底|末)?"
                       r"(?:[-~—–至到](?:\d{1,2}|十[一二]?|[一二三四五六七八九]))?月", re.IGNORECASE)


def _stated_months(name: str, year: int):
    """The months a sheet's name states (:func:`read_period`), its year the return's where it
    states none; None when it states no period."""
    text = norm(name)
    if not _YEAR.search(text):
        m = _FRAGMENT.search(text)
        if m is None:
            return None
        text = f"{text[:m.start()]}{year}年{text[m.start():]}"
    return read_period(text, whole_year=False)


def _title(family: str) -> str:
    contract = load_contract()
    return contract.cover_sheet if family == "cover" else contract.sheet(family).sheet


def _twice(family: str, names: list[str]) -> Refusal:
    title = _title(family)
    if all(_FRAGMENT.search(norm(n)) for n in names):  # 7月, 8月, 9月: a sheet per month
        return Refusal(
            "duplicate_sheet",
            f"工作表 {'、'.join(names)} 都是 {title}(按月或按季度分表?):季报只报一张 {title},填1月至本期末"
            "的累计数(期末数填本期末的):请只留这一张后重新报送",
            f"sheets {', '.join(names)} are all {title} (a sheet per month or quarter?): a return "
            f"holds one {title}, of the year's figures to the period's end (stocks at its end): "
            "keep that one alone and resend", sheet=names[1])
    return Refusal("duplicate_sheet",
                   f"工作表 {'、'.join(names)} 都是 {title},无法确定读取哪一张(请删去多余的)",
                   f"sheets {', '.join(names)} are all {title}: which one to read cannot be "
                   "told (delete the extra ones)", sheet=names[1])
