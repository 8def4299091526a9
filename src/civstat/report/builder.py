"""Assemble the year-end summary (or a quarterly brief) from the marts, the catalogue and the
bureau's narrative file — the document as a bureau sends it:

    <县>2025年度民政工作总结
    （前言: the narrative file's, if any）
    一、主要工作完成情况      a sub-section per programme section present, figures in sentences
                              (（一）社会救助 → 1．城乡最低生活保障 …), charts, footnotes, and the
                              paragraphs the narrative file adds under a section's heading
    二、存在的问题和不足      the narrative file's (or where to write it)
    三、2026年工作打算        the narrative file's (or where to write it)
    附件                      附件1 主要统计表 (every table, numbered 表1、表2 …),
                              附件2 目标完成情况, 附件3 数据说明
    落款                      the issuing bureau and the date

The programme catalogue (``civstat/contract/programmes/*.yaml``) decides the sub-sections of 一:
each programme file's ``summary:`` names its section heading, its kind of renderer
(:mod:`civstat.report.sections`) and its texts; its ``order`` places it. Programmes sharing a
``summary.section`` share one section, which stands where its first programme does. Every
heading and table is numbered here, in the order rendered.

Figures are read through :class:`~civstat.report.context.Context` (KPIs, measures, facts of
:class:`~civstat.report.data.MartReader`); the only arithmetic is summing township facts to the
county and year-on-year differences of published figures."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from civstat import paths
from civstat.contract import Contract, Programme
from civstat.report import formatting as f
from civstat.report import narrative as nv
from civstat.report.context import MARK, Context, Options
from civstat.report.data import MartReader
from civstat.report.model import Block, Part, Report, Section, Table
from civstat.report.phrases import text
from civstat.report.sections import data_notes, programme_blocks, targets, validate
from civstat.report.sheets import sheets

__all__ = ["Builder", "Options", "build_report", "safe_name", "section_groups"]


def section_groups(contract: Contract) -> list[tuple[str, list[Programme]]]:
    """(section heading, its programmes) in the order of the programme files: a section stands
    where its first programme does; later programmes naming the same section join it."""
    groups: dict[str, list[Programme]] = {}
    for prog in contract.programmes:  # already in `order`
        title = (prog.summary or {}).get("section") or prog.sheet.title
        groups.setdefault(title, []).append(prog)
    return list(groups.items())


class Builder(Context):
    """The report of one scope and period: its sections, numbered, and its XLSX sheets."""

    def programme_sections(self) -> list[Section]:
        out = []
        for title, progs in section_groups(self.contract):
            blocks: list[Block] = []
            for prog in progs:
                if not self.reported(prog):
                    continue
                own = programme_blocks(self, prog)
                if own:
                    self.note_partial(prog)
                blocks += own
            if not blocks:
                continue
            anchor = "sec-" + progs[0].code.replace("_", "-")
            if len(blocks) == 1:  # one block: its text stands under the section heading
                b = blocks[0]
                out.append(Section(title, b.anchor, b.paragraphs, [], b.tables, b.charts, b.notes))
            else:
                out.append(Section(title, anchor, blocks=blocks))
        return out

    def reported(self, prog: Programme) -> bool:
        """Whether the programme gets its blocks: some township of the scope reported its sheet
        this period. One nobody reported gets no empty section: 数据说明 names it once."""
        rep = self.reporting[prog.code] = self.sheet_reporting(prog)
        if not rep.now:
            self.unreported.append((prog, rep))
            return False
        return True

    def note_partial(self, prog: Programme) -> None:
        """An optional sheet in the report that only some townships reported: 数据说明 gives their
        count, of the townships that sent this quarter's return at all (one that sent none is
        named there already)."""
        rep = self.reporting[prog.code]
        returned = self.returned()
        if not prog.sheet.required and rep.now < returned:
            self.partial_sheets.append((prog, rep, len(returned)))

    # -- the bureau's own words -------------------------------------------------------------
    def narrative_words(self) -> dict[str, str]:
        return {"year": str(self.year), "next_year": str(self.year + 1)}

    def narrative_file(self) -> Path:
        folder = (
            Path(self.o.narrative_dir)
            if self.o.narrative_dir
            else (paths.reference_dir() / "narrative")
        )
        q = None if self.annual and not self.partial_year else self.quarter
        return nv.narrative_path(folder, self.year, q, self.scope.division_name)

    def figure_by_name(self, name: str) -> str | None:
        """A ``{{ 名称 }}`` of the narrative file: a KPI or measure by 中文 name or code, with
        ``.上年`` (the year before) or ``.比上年`` (the change). KeyError when unknown."""
        base, _, attr = name.partition(".")
        codes = {}
        for d in (*self.contract.kpis, *self.contract.measures, *self.contract.cover_measures):
            codes.setdefault(d["code"], d["code"])
            codes.setdefault(d.get("name_zh") or d["code"], d["code"])
        code = codes.get(base.strip())
        attrs = self.ph["narrative"]["attributes"]
        if code is None or (attr and attr.strip() not in attrs):
            raise KeyError(name)
        kind = attrs.get(attr.strip()) if attr else None
        if kind == "prev":
            return self.tracer.figure(self.fmt(code, self.value(code, prev=True)), code, prev=True)
        if kind == "change":
            return self.change(code)
        return self.fig(code)

    def issuer(self, narrative: nv.Narrative | None) -> str:
        """落款: the narrative file's 落款单位, else <县名>民政局 (a 街道: <名>办事处, a 乡镇:
        <名>人民政府) per ``phrases.yaml`` ``issuer``."""
        if narrative and narrative.meta.get("issuer"):
            return narrative.meta["issuer"]
        spec = self.ph["issuer"]
        name = self.scope.division_name
        if self.scope.is_aggregate:
            return spec["county"].format(name=name)
        for suffix, pattern in spec["township"].items():
            if name.endswith(suffix):
                return pattern.format(name=name)
        return spec["default"].format(name=name)

    def own_words(self, narrative, key: str, heading: str, issuer: str) -> tuple[list[str], bool]:
        """The paragraphs of a part from the narrative file, or (placeholder) where they go."""
        if narrative is not None:
            paras = [narrative.resolve(p, self.figure_by_name) for p in narrative.part(key)]
            if paras:
                return paras, False
        path = self.narrative_file()
        try:
            shown = path.relative_to(paths.PROJECT_ROOT)
        except ValueError:
            shown = path
        return [
            text("narrative.missing", self.ph, path=str(shown), heading=heading, issuer=issuer)
        ], True

    def build(self) -> Report:
        validate(self.contract, set(self.words()))
        ph, words = self.ph, self.narrative_words()
        heads = {
            k: (v if isinstance(v, str) else v[0]).format(**words)
            for k, v in ph["narrative"]["parts"].items()
        }
        if not self.annual or self.partial_year:
            heads["plans"] = ph["narrative"]["plans_brief"]
        narrative = nv.load(self.narrative_file(), ph["narrative"]["parts"], words)
        body = self.programme_sections()
        if narrative is not None:
            self.weave(narrative, body)
        annex_tables = self.take_tables(body)
        town_table = targets.township_table(self)
        if town_table:
            town_table.notes = self.take_notes()
            annex_tables.append(town_table)
        issuer = self.issuer(narrative)
        annex = [
            Section(ph["annex"]["tables"], "annex-tables", blocks=annex_tables)
            if annex_tables
            else None,
            targets.render(self),
            data_notes.render(self),
        ]
        work_intro = (
            [narrative.resolve(p, self.figure_by_name) for p in narrative.part("work")]
            if narrative
            else []
        )
        if not body:
            work_intro.append(text("sections.no_programme", ph))
        parts = [Part(heads["work"], "work", work_intro, body)]
        for key in ("problems", "plans"):
            paras, empty = self.own_words(narrative, key, heads[key], issuer)
            parts.append(Part(heads[key], key, paras, placeholder=empty))
        parts.append(Part(ph["annex"]["title"], "annex", sections=[s for s in annex if s]))
        number(parts, ph)
        name = self.scope.division_name
        # a name the warehouse derived from a code (地市3791) would run into the year: 地市3791 2025年度
        in_title = f"{name} " if name[-1:].isdigit() else name
        quarter_label = f.CN_QUARTER[self.quarter] if self.annual else f"第{self.quarter}季度"
        if self.annual:
            title = text("titles.annual", ph, division=in_title, year=self.year)
            subtitle = (
                text("titles.subtitle_annual", ph, year=self.year)
                if not self.partial_year
                else text("titles.subtitle_quarterly", ph, year=self.year, month=self.quarter * 3)
            )
            stem = f"年度民政工作总结_{self.year}_{safe_name(name)}"
        else:
            title = text(
                "titles.quarterly", ph, division=in_title, year=self.year, quarter_label=quarter_label
            )
            subtitle = text("titles.subtitle_quarterly", ph, year=self.year, month=self.quarter * 3)
            stem = f"民政工作简报_{self.year}Q{self.quarter}_{safe_name(name)}"
        now = dt.datetime.now()
        return Report(
            title=title,
            subtitle=subtitle,
            division_code=self.scope.division_code,
            division_name=name,
            division_level=self.scope.level,
            year=self.year,
            quarter=self.quarter,
            money_unit=self.money.unit,
            generated_at=f"{f.cn_date(now)} {now:%H:%M}",
            cutoff=self.cutoff_text(),
            parts=parts,
            sheets=sheets(self),
            file_stem=stem,
            issuer=issuer,
            issued_on=(narrative.meta.get("issued_on") if narrative else None) or f.cn_date(now),
            preface=[narrative.resolve(p, self.figure_by_name) for p in narrative.part("preface")]
            if narrative
            else [],
            narrative_file=str(narrative.path) if narrative else None,
            traces=self.tracer.payload(),
        )

    def weave(self, narrative: nv.Narrative, body: list[Section]) -> None:
        """The narrative file's ``## <heading>`` paragraphs after the figures of that section or
        block of part 一 (an unknown heading is an error naming the line)."""
        known = {s.title for s in body} | {b.title for s in body for b in s.blocks}
        known |= {g for g, _ in section_groups(self.contract)}
        known |= {h for p in self.contract.programmes for h in heading_names(p)}
        narrative.check_headings(known)
        for s in body:
            s.paragraphs += [
                narrative.resolve(p, self.figure_by_name) for p in narrative.under(s.title)
            ]
            for b in s.blocks:
                b.paragraphs += [
                    narrative.resolve(p, self.figure_by_name) for p in narrative.under(b.title)
                ]

    def take_tables(self, body: list[Section]) -> list[Block]:
        """Move every table of part 一 to 附件1: one block per section, in document order. A
        table with a marked (*) figure takes its block's footnotes along (they stay under the
        text too): a table read on its own still says whom the figure leaves out."""
        out = []
        for s in body:
            for b in s.blocks:
                for t in b.tables:
                    if b.notes and t.note is None and _marked(t):
                        t.note = "；".join(b.notes)
            tables = s.tables + [t for b in s.blocks for t in b.tables]
            s.tables = []
            for b in s.blocks:
                b.tables = []
            if tables:
                out.append(Block(s.title, "tables-" + s.anchor, tables=tables))
        return out


def _marked(table: Table) -> bool:
    """Whether the table holds a figure marked short of a township (caption or cells)."""
    return MARK in table.caption or any(
        isinstance(c, str) and c.endswith(MARK) for row in table.rows for c in row)


def heading_names(prog: Programme) -> list[str]:
    h = (prog.summary or {}).get("heading")
    if isinstance(h, dict):
        return [str(v) for v in h.values()]
    return [h or prog.sheet.title]


def number(parts: list[Part], ph: dict) -> None:
    """一、二、… for the parts before 附件; （一）、（二）… for the sections of part 一 and 1．2．…
    for their blocks; 附件1、附件2 … for the annex's sections; 表1、表2、… for every table in
    the order the page renders them (a section's own tables before its blocks'). A None cell
    prints —."""
    fmt = ph["numbering"]
    n_table = 0

    def tables(ts: list[Table]):
        nonlocal n_table
        for t in ts:
            n_table += 1
            t.caption = fmt["table"].format(n=n_table, caption=t.caption)
            t.rows = [[ph["tables"]["empty"] if c is None else c for c in row] for row in t.rows]

    n_part = 0
    for p in parts:
        annex = p.anchor == "annex"
        if not annex:
            n_part += 1
            p.title = fmt["part"].format(n=f.cn_numeral(n_part), title=p.title)
        for i, s in enumerate(p.sections, 1):
            key = "annex" if annex else "section"
            s.title = fmt[key].format(n=i if annex else f.cn_numeral(i), title=s.title)
            tables(s.tables)
            for j, b in enumerate(s.blocks, 1):
                if not annex:
                    b.title = fmt["block"].format(n=j, title=b.title)
                tables(b.tables)


def safe_name(name: str) -> str:
    """A division name usable in a file name."""
    return re.sub(r'[\\/:*?"<>|\s&]+', "_", name).strip("_") or "division"


def build_report(reader: MartReader, opts: Options, contract: Contract | None = None) -> Report:
    return Builder(reader, opts, contract).build()
