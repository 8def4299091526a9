"""Who sent a return: the cover's code and name matched against ``ref.divisions``.

Identity must be unambiguous, or another township's figures would be replaced silently:

* a cover whose code and name name different townships is refused (``identity_conflict``) —
  unless one is the other's successor (a merged township's old name with its successor's code);
* a 12- or 9-digit code that is not a township of ``ref.divisions`` (another county's) is
  refused (``identity_conflict``); the code of the county itself (or of another division of
  ``ref.divisions`` above the townships) names no township: a finding, and the name decides,
  if it names one township of that county; a cover naming no known township is
  ``unknown_township``;
* a name is matched as written, else without the words of its office or seal after it
  (马店镇民政办公室, 马店镇人民政府, 马店镇(盖章): contract ``cover.unit_suffixes``) and the
  county's name before it (清河县马店镇);
* two returns of one township and quarter with the same explicit 填报日期 cannot say which is
  current: both are refused when both are new, or the new one when the other was loaded before
  (``identity_conflict``, naming the other file);
* a file whose name names another township of the county, and not the one its cover names
  (``白庙乡.xlsx`` with 马店镇 on the cover: a neighbour's return copied as a template, the cover
  left unchanged), is refused (``identity_conflict``): loaded, it would replace 马店镇's own
  figures as a correction;
* so is a return whose cover's title, or a table's, names another township and not the
  cover's (白庙乡2024年第三季度… over 表1 of 马店镇's return, or 白庙乡民政统计季报 over its
  cover's labels: the neighbour's workbook, only its 填报单位 changed), naming the title's
  cell: the tables may hold the neighbour's figures (tables of a row per category or one row
  of figures; a list of events or institutions may name places).

A refused return is recorded with the township it can be told from (:meth:`Divisions.tell`):
the cover's when the reader read it, else the one its file's name names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from civstat.contract import load_contract
from civstat.ingest.cover_period import cell_address, quoted
from civstat.ingest.normalize import norm
from civstat.ingest.reader import Refusal
from civstat.ingest.refusal import Finding


def _on_cover(cover: dict, field: str | None = None) -> dict:
    """Where a refusal or finding on the cover is: its sheet (封面, or a Sheet1 read as the
    cover by its labels: ``cover["sheet"]``, set by the reader), and the row of ``field``."""
    return {"sheet": cover.get("sheet") or "封面", "row": _row(cover, field) if field else None}


class Divisions:
    """Match a cover to a township: 12-digit code, 9-digit code, then name or short name."""

    def __init__(self, con):
        # a code may have several versions (a township renamed: 河口乡, then 河口镇): the one in
        # force last, so that it is the code's row; every version's names name the code
        dated = {"valid_from", "valid_to"} <= {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() "
            "WHERE schema_name = 'ref' AND table_name = 'divisions'").fetchall()}
        rows = con.execute(
            "SELECT division_code, name, short_name, level, successor_code FROM ref.divisions"
            + (" ORDER BY division_code, valid_to IS NULL, valid_to, valid_from" if dated else "")
        ).fetchall()
        self.townships = {r[0]: r for r in rows if r[3] == "township"}
        versions = [r for r in rows if r[3] == "township"]
        self.above = {r[0]: r for r in rows if r[3] != "township"}  # the county (a province's: all)
        # the names of the divisions above a township, longest first (清河县 before 清河), and
        # the start of their townships' codes
        self.prefixes = sorted({(norm(n), _code_head(r[0])) for r in self.above.values()
                                for n in r[1:3] if n}, key=lambda p: -len(p[0]))
        self.suffixes = sorted({norm(w) for w in load_contract().cover_unit_suffixes},
                               key=len, reverse=True)
        # one name may belong to townships of several counties (a province's reference data)
        self.by_name: dict[str, set[str]] = defaultdict(set)
        for code, name, short, *_ in versions:
            for n in (name, short):
                if n:
                    self.by_name[norm(n)].add(code)
        self.by_county: dict[str, list[tuple[str, str]]] = defaultdict(list)  # code[:6] → names
        for code, name, *_ in versions:
            if name and len(norm(name)) >= 2 and (code, norm(name)) not in self.by_county[code[:6]]:
                self.by_county[code[:6]].append((code, norm(name)))

    def _label(self, code: str) -> str:
        row = self.townships.get(code)
        return f"{row[1]}({code})" if row else code

    def _successors(self, code: str) -> set[str]:
        seen: set[str] = set()
        while code in self.townships and code not in seen:
            seen.add(code)
            code = self.townships[code][4] or ""
        return seen

    def _related(self, a: str, b: str) -> bool:
        return b in self._successors(a) or a in self._successors(b)

    def _code(self, text: str, cover: dict | None = None) -> str | None:
        """The 12-digit code a well-formed cover code names; refuses one not in ref.divisions."""
        full = text + "000" if re.fullmatch(r"\d{9}", text) else text
        if not re.fullmatch(r"\d{12}", full):
            return None
        if full in self.above:
            return None  # the county's own code: names no township (resolve: a finding)
        if full not in self.townships:
            raise Refusal("identity_conflict",
                          f"统计用区划代码 {text} 不是本县区划表(ref.divisions)中的乡镇(外县代码?)",
                          f"division code {text} is not a township of ref.divisions "
                          f"(another county's code?)", **_on_cover(cover or {}, "division_code"),
                          column="统计用区划代码")
        return full

    def _named(self, name: str) -> list[str]:
        """The townships a 填报单位 names: as written, else without its office's or seal's words
        after it and the county's name before it (清河县马店镇民政办公室 → 马店镇)."""
        text = norm(name)
        named = self.by_name.get(text)
        if named:
            return sorted(named)
        while True:
            cut = next((w for w in self.suffixes if text.endswith(w) and len(text) > len(w)), None)
            if cut is None:
                break
            text = text[:-len(cut)]
        if text in self.by_name:
            return sorted(self.by_name[text])
        for prefix, head in self.prefixes:
            rest = text[len(prefix):] if text.startswith(prefix) else ""
            if rest in self.by_name:
                return sorted(c for c in self.by_name[rest] if c.startswith(head))
        return []

    def _county_code(self, cover: dict, findings: list | None) -> str | None:
        """A code that is the county's own (371599000000, or a division's above it), with a
        finding; None for any other code."""
        text = norm(cover.get("division_code") or "")
        full = text + "000" if re.fullmatch(r"\d{9}", text) else text
        if full not in self.above:
            return None
        above = self.above[full][1]
        if findings is not None:
            findings.append(Finding(
                "cover_code_not_township",
                f"统计用区划代码 {text} 是{above}的代码,不是乡镇的代码:按填报单位确定乡镇",
                f"division code {text} is {above}'s, not a township's: the unit name decides",
                **_on_cover(cover, "division_code"), column="统计用区划代码"))
        return full

    def resolve(self, cover: dict, findings: list | None = None) -> str:
        """The township's 12-digit code, or :class:`Refusal` when identity is unknown or
        conflicting (``findings``: where a finding on the cover is added)."""
        code = self._code(norm(cover.get("division_code") or ""), cover)
        county = None if code else self._county_code(cover, findings)
        name = cover.get("unit_name")
        named = self._named(name) if name else []
        if county is not None:
            named = [n for n in named if n.startswith(_code_head(county))]
            if len(named) != 1:
                above = self.above[county][1]
                raise Refusal("unknown_township",
                              f"统计用区划代码是{above}的代码,不是乡镇的代码,填报单位 {name!r} "
                              f"{'有多个同名乡镇' if named else '也不是该县的乡镇'}:请填写乡镇的统计用区划代码",
                              f"the division code is {above}'s, not a township's, and unit name "
                              f"{name!r} {'belongs to several' if named else 'is none of its'} "
                              "townships: fill in the township's division code",
                              **_on_cover(cover, "division_code"), column="统计用区划代码")
        if code and named and not any(self._related(code, n) for n in named):
            raise Refusal("identity_conflict",
                          f"封面区划代码与填报单位不一致:代码为 {self._label(code)},"
                          f"填报单位 {name!r} 为 {self._label(named[0])}",
                          f"cover code and name disagree: code is {self._label(code)}, "
                          f"unit {name!r} is {self._label(named[0])}", **_on_cover(cover, "unit_name"),
                          column="填报单位")
        if code:
            return code
        if len(named) > 1:
            raise Refusal("identity_conflict",
                          f"填报单位 {name!r} 有多个同名乡镇({', '.join(named)}),请在封面填写统计用区划代码",
                          f"unit name {name!r} belongs to several townships ({', '.join(named)}): "
                          "the cover needs its division code", **_on_cover(cover, "division_code"),
                          column="统计用区划代码")
        if named:
            return named[0]
        raise Refusal("unknown_township",
                      f"未知乡镇:填报单位 {name!r},区划代码 {cover.get('division_code')!r}",
                      f"unknown township {name!r} (code {cover.get('division_code')!r})",
                      **_on_cover(cover, "unit_name"), column="填报单位")

    def check_file_name(self, code: str, file: str, cover: dict) -> None:
        """Refuse a return whose file name names another township of the county and not the
        one its cover was resolved to (``file``: its path in the drop zone)."""
        other = self._other_named(code, file_stem(file))
        if other is not None:
            raise Refusal(
                "identity_conflict",
                f"文件名写的是{self.townships[other][1]},封面却是{self._label(code)}:是否用别的乡镇的"
                "报表改的、忘了改封面?请核对封面(或文件名)后重新报送",
                f"the file name names {self.townships[other][1]} but the cover names "
                f"{self._label(code)}: another township's return used as a template, its cover "
                "unchanged? Check the cover (or the file name) and resend",
                **_on_cover(cover, "unit_name"), column="填报单位")

    def check_titles(self, code: str, titles: list[tuple[str, int, int, str]]) -> None:
        """Refuse a return whose cover's or table's title names another township of the county
        and not the one its cover was resolved to (西岭乡2024年第三季度… over 表1 of 马店镇's
        return: a neighbour's workbook used as a template and only its cover's 填报单位 changed,
        so the tables may hold the neighbour's figures). ``titles``: (sheet, row, column,
        text), 0-based."""
        own = self.townships.get(code)
        for sheet, r, c, text in titles:
            if own is None or any(n and n in text for n in own[1:3]):
                continue  # its own name as written (the usual title): nothing to normalise
            other = self._other_named(code, norm(text))
            if other is None:
                continue
            name, cell = self.townships[other][1], cell_address(r, c)
            raise Refusal(
                "identity_conflict",
                f"标题 {quoted(text)}(单元格 {cell})写的是{name},封面填的却是{self._label(code)}:是否用"
                f"{name}的报表改的、只改了封面?本表的数可能是{name}的;请核对标题和数据后重新报送",
                f"the title {quoted(text)} (cell {cell}) names {name} but the cover names "
                f"{self._label(code)}: {name}'s return used as a template and only its cover "
                f"changed? The table may hold {name}'s figures; check the title and the figures "
                "and resend", sheet=sheet, row=r + 1, column="标题")

    def _other_named(self, code: str, text: str) -> str | None:
        """Another township of ``code``'s county that ``text`` (normalised) names, when it does
        not name ``code``'s own (by its name or short name): the one whose full name is there,
        a name inside a longer one found there (城关镇 in 东城关镇) not counted; a predecessor
        or successor of ``code`` (a merger, a re-coding) is no other township."""
        own = self.townships.get(code)
        if own is None or any(n and norm(n) in text for n in own[1:3]):
            return None
        found = [(c, n) for c, n in self.by_county.get(code[:6], ()) if n in text]
        return next((c for c, n in found if c != code and not self._related(code, c)
                     and not any(n != m and n in m for _, m in found)), None)

    def named_by_file(self, file: str) -> str | None:
        """The township a file's name names, as :meth:`check_file_name` looks for another
        township's: the one whose full name is in the name (a name inside a longer one found
        there — 城关镇 in 东城关镇 — not counted); None when it names none or several."""
        stem = file_stem(file)
        found = {(c, n) for towns in self.by_county.values() for c, n in towns if n in stem}
        codes = {c for c, n in found if not any(n != m and n in m for _, m in found)}
        return codes.pop() if len(codes) == 1 else None

    def tell(self, file: str, identity: dict | None) -> tuple[str | None, str | None]:
        """Whose a refused return is, as far as it can be told: ``(code, "cover")`` when the
        cover the reader got to (``identity``: :attr:`Refusal.identity`) names one township,
        else ``(code, "file_name")`` when the file's name does (:meth:`named_by_file`), else
        ``(None, None)``."""
        if identity is not None:
            try:
                return self.resolve(identity), "cover"
            except Refusal:
                pass
        code = self.named_by_file(file)
        return (code, "file_name") if code else (None, None)


def file_stem(file: str) -> str:
    """A return's file name as a township's name is looked for in it: without its folders, its
    extension and a CSV's ``__<sheet>``, normalised (:func:`civstat.ingest.normalize.norm`)."""
    return norm(file.rsplit("/", 1)[-1].rsplit(".", 1)[0].split("__", 1)[0])


def _code_head(code: str) -> str:
    """The digits a division's townships' codes start with: 371599 of a county (371599000000),
    3715 of a city (371500000000), 37 of a province."""
    for n in (2, 4, 6, 9):
        if code[n:].strip("0") == "":
            return code[:n]
    return code


def _row(cover: dict, name: str) -> int | None:
    """The cover's row (1-based) of a field (``cover["rows"]``, set by the reader)."""
    return (cover.get("rows") or {}).get(name)


TwinKey = tuple[str, str, dt.date]


def _twin(other: str, loaded: bool, cover: dict) -> Refusal:
    zh_state, en_state = ("已读取的", "the loaded ") if loaded else ("同批的", "")
    return Refusal("identity_conflict",
                   f"与{zh_state}报表 {other} 为同一乡镇同一季度且填报日期相同,无法判断哪份为准",
                   f"same township, quarter and 填报日期 as {en_state}return {other}: "
                   f"cannot tell which one is current", **_on_cover(cover, "fill_date"),
                   column="填报日期")


def find_twins(new: list[tuple[str, TwinKey | None, dict]],
               loaded: dict[TwinKey, str]) -> dict[str, Refusal]:
    """Refusals for returns (``(file, key, cover)``) that share township, quarter and 填报日期
    with another new return or with a loaded current one (``loaded``: key → its file)."""
    by_key: dict[TwinKey, list[str]] = defaultdict(list)
    covers = {rel: cover for rel, _, cover in new}
    for rel, key, _ in new:
        if key is not None:
            by_key[key].append(rel)
    refused: dict[str, Refusal] = {}
    for key, files in by_key.items():
        if key in loaded and loaded[key] not in files:
            for rel in files:
                refused[rel] = _twin(loaded[key], True, covers[rel])
        elif len(files) > 1:
            for rel in files:
                refused[rel] = _twin("、".join(f for f in files if f != rel), False, covers[rel])
    return refused
