"""The bureau's own words: the narrative file of a year and division (Markdown the office edits).

Parts 二、存在的问题和不足 and 三、…工作打算 of the summary, an opening paragraph and any paragraph the
bureau adds to a section of 一、主要工作完成情况 come from one file per report:

    data/reference/narrative/2025_清河县.md        (year-end summary of 清河县)
    data/reference/narrative/2025Q2_城关街道.md    (a quarterly brief)

(``CIVSTAT_REFERENCE_DIR`` moves ``data/reference``; ``Options.narrative_dir`` the folder.) The
file::

    ---
    落款单位: 清河县民政局            (optional: default <县名>民政局)
    落款日期: 2026年1月20日           (optional: default the day the report is built)
    ---
    # 前言
    2025年，全县民政系统……农村低保覆盖率达到{{ 农村低保覆盖率 }}。
    # 主要工作完成情况
    ## 社会救助                      (a section or block heading of 一: paragraphs added after its figures)
    # 存在的问题和不足
    一是……
    # 工作打算

Headings are those of ``phrases.yaml`` ``narrative.parts`` (a few synonyms each); paragraphs are
separated by blank lines, ``- `` list items are paragraphs, ``<!-- -->`` comments are dropped.
``{{ 名称 }}`` quotes a warehouse figure: a KPI or measure by its 中文 name or code, formatted
as the report's sentences write it (``{{ 名称.上年 }}`` the year before, ``{{ 名称.比上年 }}`` the
change). An unknown name, heading or key is an error naming the file and line
(:class:`NarrativeError`; ``civstat report`` exits 2)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
META_KEYS = {"落款单位": "issuer", "落款日期": "issued_on"}


class NarrativeError(ValueError):
    """A mistake in the narrative file: ``<file>:<line>: <what>``."""

    def __init__(self, path: Path | str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line = str(path), line


@dataclass
class Paragraph:
    line: int
    text: str


@dataclass
class Chapter:
    """The paragraphs under one heading: ``key`` a part (preface, work, problems, plans),
    ``heading`` a ``##`` heading under 主要工作完成情况 (None: the part itself)."""

    key: str
    heading: str | None
    line: int
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Narrative:
    path: Path
    meta: dict[str, str] = field(default_factory=dict)  # issuer, issued_on
    chapters: list[Chapter] = field(default_factory=list)

    def part(self, key: str) -> list[Paragraph]:
        return [
            p for c in self.chapters if c.key == key and c.heading is None for p in c.paragraphs
        ]

    def has(self, key: str) -> bool:
        return any(c.key == key for c in self.chapters)

    def under(self, heading: str) -> list[Paragraph]:
        return [p for c in self.chapters if c.heading == heading for p in c.paragraphs]

    def check_headings(self, known: set[str]) -> None:
        """Every ``##`` heading names a section or block of part 一."""
        for c in self.chapters:
            if c.heading is not None and c.heading not in known:
                raise NarrativeError(
                    self.path,
                    c.line,
                    f"“## {c.heading}”不是“主要工作完成情况”中的标题"
                    f"（可用：{'、'.join(sorted(known))}）",
                )

    def resolve(self, para: Paragraph, value: Callable[[str], str | None]) -> str:
        """The paragraph with its ``{{ 名称 }}`` placeholders replaced (``value`` raises
        KeyError for an unknown name, returns None for a figure the report has not)."""

        def sub(m: re.Match) -> str:
            name = m.group(1)
            line = para.line + para.text[: m.start()].count("\n")
            try:
                v = value(name)
            except KeyError:
                raise NarrativeError(
                    self.path,
                    line,
                    f"未知的占位符 {{{{ {name} }}}}：应为指标或基础数据的中文名称或代码"
                    "（如 {{ 农村低保覆盖率 }}），可加 .上年 或 .比上年",
                ) from None
            if v is None:
                raise NarrativeError(
                    self.path, line, f"占位符 {{{{ {name} }}}} 在本报告的范围和期间没有数值"
                )
            return v

        return PLACEHOLDER.sub(sub, para.text).replace("\n", "")


def narrative_path(folder: Path, year: int, quarter: int | None, division_name: str) -> Path:
    """``<folder>/<year>_<name>.md`` (year-end) or ``<folder>/<year>Q<q>_<name>.md`` (brief)."""
    from civstat.report.builder import safe_name

    period = f"{year}" if quarter in (None, 4) else f"{year}Q{quarter}"
    return folder / f"{period}_{safe_name(division_name)}.md"


def load(path: Path, parts: dict[str, list[str]], words: dict[str, str]) -> Narrative | None:
    """The narrative file, parsed; None when there is none. ``parts``: part key → its headings
    (``phrases.yaml`` ``narrative.parts``, ``{next_year}`` etc. filled from ``words``)."""
    if not path.is_file():
        return None
    heading_of = {
        h.format(**words): key
        for key, heads in parts.items()
        for h in ([heads] if isinstance(heads, str) else heads)
    }
    raw = path.read_text(encoding="utf-8-sig")
    # comments are blanked line for line so that line numbers stay true
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), raw)
    lines = text.split("\n")
    out = Narrative(path)
    i = 0
    if lines and lines[0].strip() == "---":
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            line = lines[i].strip()
            if line:
                key, sep, value = line.partition(":")
                if not sep:
                    key, sep, value = line.partition("：")
                if not sep or key.strip() not in META_KEYS:
                    raise NarrativeError(
                        path, i + 1, f"未知的设置“{line}”（可用：{'、'.join(META_KEYS)}）"
                    )
                out.meta[META_KEYS[key.strip()]] = value.strip()
            i += 1
        if i == len(lines):
            raise NarrativeError(path, 1, "文件头的“---”没有结束")
        i += 1
    chapter: Chapter | None = None
    buf: list[str] = []
    start = 0

    def flush():
        nonlocal buf
        if buf:
            if chapter is None:
                raise NarrativeError(path, start, "正文前缺少标题（如“# 存在的问题和不足”）")
            chapter.paragraphs.append(Paragraph(start, _EMPHASIS.sub(r"\2", "\n".join(buf))))
        buf = []

    for n in range(i, len(lines)):
        line = lines[n].strip()
        lineno = n + 1
        m = re.match(r"^(#{1,6})\s*(.*?)\s*#*$", line)
        if m:
            flush()
            level, title = len(m.group(1)), m.group(2)
            if level == 1:
                if title not in heading_of:
                    raise NarrativeError(
                        path,
                        lineno,
                        f"未知的标题“# {title}”（可用：{'、'.join(heading_of)}）",
                    )
                chapter = Chapter(heading_of[title], None, lineno)
            else:
                if chapter is None or chapter.key != "work":
                    raise NarrativeError(
                        path,
                        lineno,
                        f"“{'#' * level} {title}”只能写在“# 主要工作完成情况”之下",
                    )
                chapter = Chapter("work", title, lineno)
            out.chapters.append(chapter)
            continue
        if not line:
            flush()
            continue
        item = re.match(r"^[-*+]\s+(.*)$", line)
        if item:
            flush()
            line = item.group(1)
        if not buf:
            start = lineno
        buf.append(line)
    flush()
    return out
