"""Assemble the year-end summary (or a quarterly brief) from the marts and the catalogue.

The programme catalogue (``civstat/contract/programmes/*.yaml``) decides the sections: each
programme file's ``summary:`` names its section heading, its kind of renderer
(:mod:`civstat.report.sections`) and its texts; its ``order`` places it. Programmes sharing a
``summary.section`` share one section, which stands where its first programme does. After the
programme sections come 目标完成情况 and 数据说明. Sections (一、二、…), their blocks ((一)、
(二)、…) and tables (表1、表2、…) are numbered here, in the order they are rendered.

Figures are read through :class:`~civstat.report.context.Context` (KPIs, measures, facts of
:class:`~civstat.report.data.MartReader`); the only arithmetic is summing township facts to the
county and year-on-year differences of published figures."""

from __future__ import annotations

import datetime as dt
import re

from civstat.contract import Contract, Programme
from civstat.report import formatting as f
from civstat.report.context import Context, Options
from civstat.report.data import MartReader
from civstat.report.model import Block, Report, Section
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

    def returned(self) -> set[str]:
        """The scope's townships with a current return this quarter (published or blocked)."""
        if self._returned is None:
            status = self.r.quality_status(self.year, self.quarter, self.codes)
            self._returned = set(status["division_code"].to_list())
        return self._returned

    def build(self) -> Report:
        validate(self.contract, set(self.words()))
        sections = self.programme_sections()
        n_programme = len(sections)
        sections += [targets.render(self), data_notes.render(self)]
        number(sections, self.ph, n_programme)
        name = self.scope.division_name
        quarter_label = f.CN_QUARTER[self.quarter] if self.annual else f"第{self.quarter}季度"
        if self.annual:
            title = text("titles.annual", self.ph, division=name, year=self.year)
            subtitle = (
                text("titles.subtitle_annual", self.ph, year=self.year)
                if not self.partial_year
                else text(
                    "titles.subtitle_quarterly", self.ph, year=self.year, month=self.quarter * 3
                )
            )
            stem = f"年度民政工作总结_{self.year}_{safe_name(name)}"
        else:
            title = text(
                "titles.quarterly",
                self.ph,
                division=name,
                year=self.year,
                quarter_label=quarter_label,
            )
            subtitle = text(
                "titles.subtitle_quarterly", self.ph, year=self.year, month=self.quarter * 3
            )
            stem = f"民政工作简报_{self.year}Q{self.quarter}_{safe_name(name)}"
        return Report(
            title=title,
            subtitle=subtitle,
            division_code=self.scope.division_code,
            division_name=name,
            division_level=self.scope.level,
            year=self.year,
            quarter=self.quarter,
            money_unit=self.money.unit,
            generated_at=dt.datetime.now().strftime("%Y年%m月%d日 %H:%M"),
            cutoff=self.cutoff_text(),
            sections=sections,
            sheets=sheets(self),
            file_stem=stem,
        )


def number(sections: list[Section], ph: dict, n_programme: int) -> None:
    """一、二、… for sections; (一)、(二)、… for the blocks of programme sections; 表1、表2、… for
    every table, in the order the page renders them (a section's own tables before its blocks)."""
    fmt = ph["numbering"]
    n_table = 0

    def tables(ts):
        nonlocal n_table
        for t in ts:
            n_table += 1
            t.caption = fmt["table"].format(n=n_table, caption=t.caption)

    for i, s in enumerate(sections, 1):
        s.title = fmt["section"].format(n=f.cn_numeral(i), title=s.title)
        tables(s.tables)
        for j, b in enumerate(s.blocks, 1):
            if i <= n_programme:
                b.title = fmt["block"].format(n=f.cn_numeral(j), title=b.title)
            tables(b.tables)


def safe_name(name: str) -> str:
    """A division name usable in a file name."""
    return re.sub(r'[\\/:*?"<>|\s&]+', "_", name).strip("_") or "division"


def build_report(reader: MartReader, opts: Options, contract: Contract | None = None) -> Report:
    return Builder(reader, opts, contract).build()
