"""The summary as a Word document (python-docx), for the bureau to finish in Word or WPS.

The same model the HTML template renders, walked generically: the report's title and cover
lines; its ``preface``; then each node of the tree — ``parts`` → ``sections`` → ``blocks``,
whichever the model has — as a real Word heading of its depth (标题 1/2/3: 黑体、楷体、仿宋加粗)
followed by its ``paragraphs``, ``charts`` (pictures drawn by matplotlib, no browser),
``tables`` (Word tables, header row repeated on every page, rows never split) and ``notes``;
then the 落款 (``issuer``, ``issued_on``) right-aligned.

House style after GB/T 9704 (党政机关公文格式): A4, margins 37/35/28/26 mm (type area
156 × 225 mm), body 仿宋 16 pt (三号) at a fixed 28 pt line, first line indented two
characters, title 小标宋 22 pt (二号); the East Asian face of every style is set (``w:eastAsia``),
so Word and WPS pick the Chinese face, not the Latin one. The faces are those of a Chinese
Windows/WPS install (仿宋, 黑体, 楷体, 宋体); where one is missing the reader substitutes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from civstat.report import chart_draw

BODY_FONT = "仿宋"  # 仿宋_GB2312 on older installs; Word substitutes by name
LATIN_FONT = "Times New Roman"
TITLE_FONT = "方正小标宋简体"
HEADING_FONTS = {1: ("黑体", False), 2: ("楷体", False), 3: ("仿宋", True)}  # level: face, bold
TABLE_FONT = "宋体"
BODY_PT, TITLE_PT, TABLE_PT, NOTE_PT = 16, 22, 10.5, 10.5
LINE_PT = 28  # fixed line pitch: 22 lines on the 225 mm type area
CHILDREN = ("parts", "sections", "blocks")  # the levels of the model, top down


def _fonts(style_or_run, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the Latin and East Asian faces, dropping theme fonts (they would win in Word)."""
    from docx.oxml.ns import qn

    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style(doc, name: str, face: str, size: float, *, bold: bool = False, base: str | None = None):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = doc.styles
    try:
        st = styles[name]
    except KeyError:
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = styles[base or "Normal"]
    st.font.size = Pt(size)
    st.font.bold = bold
    st.font.italic = False
    st.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(st, face)
    return st


def _setup(doc) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    sec.footer_distance = Mm(28) - Mm(7)

    normal = _style(doc, "Normal", BODY_FONT, BODY_PT)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.space_before = pf.space_after = Pt(0)
    pf.widow_control = True
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.element.get_or_add_pPr()
    # 首行缩进 2 字符 (relative to the font size, as Word and WPS write it)
    ind = normal.element.pPr.makeelement(qn("w:ind"), {qn("w:firstLineChars"): "200"})
    normal.element.pPr.append(ind)

    title = _style(doc, "Title", TITLE_FONT, TITLE_PT)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = Pt(LINE_PT)
    _no_indent(title)
    _no_border(title)
    for level, (face, bold) in HEADING_FONTS.items():
        h = _style(doc, f"Heading {level}", face, BODY_PT, bold=bold)
        h.paragraph_format.keep_with_next = True
        h.paragraph_format.space_before = h.paragraph_format.space_after = Pt(0)
        h.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        h.paragraph_format.line_spacing = Pt(LINE_PT)
        h.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for level in (4, 5):  # deeper levels, should the model grow one
        _style(doc, f"Heading {level}", BODY_FONT, BODY_PT, bold=True)
    cap = _style(doc, "Caption", "黑体", 12)
    cap.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap.paragraph_format.keep_with_next = True
    cap.paragraph_format.line_spacing = Pt(22)
    _no_indent(cap)
    note = _style(doc, "Note", BODY_FONT, NOTE_PT)
    note.paragraph_format.line_spacing = Pt(18)
    _no_indent(note)
    cell = _style(doc, "Table Text", TABLE_FONT, TABLE_PT)
    cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _no_indent(cell)
    toc = _style(doc, "TOC Heading", HEADING_FONTS[1][0], BODY_PT)
    toc.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _no_indent(toc)
    for name in ("Cover", "Figure", "Signature"):
        st = _style(doc, name, BODY_FONT, BODY_PT)
        _no_indent(st)
    doc.styles["Cover"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.styles["Figure"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.styles["Figure"].paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    doc.styles["Figure"].paragraph_format.keep_with_next = True
    doc.styles["Signature"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _no_indent(style) -> None:
    from docx.oxml.ns import qn

    ppr = style.element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = ppr.makeelement(qn("w:ind"), {})
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), "0")
    ind.set(qn("w:firstLine"), "0")


def _no_border(style) -> None:
    from docx.oxml.ns import qn

    ppr = style.element.get_or_add_pPr()
    for b in ppr.findall(qn("w:pBdr")):
        ppr.remove(b)


def _page_number_footer(doc) -> None:
    """— 1 — centred in the footer (a PAGE field), 宋体 14 pt (四号)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _no_indent_par(p)

    def run(text: str | None = None, fld: str | None = None, instr: str | None = None):
        r = p.add_run(text or "")
        r.font.size = Pt(14)
        _fonts(r, "宋体")
        if fld:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), fld)
            r._r.append(el)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def _no_indent_par(p) -> None:
    p.paragraph_format.first_line_indent = 0


def _toc(doc) -> None:
    """A Word table of contents (a TOC field over 标题 1–3); Word/WPS fill it on opening."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc.add_paragraph("目录", style="TOC Heading")
    p = doc.add_paragraph(style="Cover")
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), 'TOC \\o "1-3" \\h \\z \\u')
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "（打开文档后更新域以生成目录）"
    r.append(t)
    fld.append(r)
    p._p.append(fld)
    settings = doc.settings.element
    upd = OxmlElement("w:updateFields")
    upd.set(qn("w:val"), "true")
    settings.append(upd)
    doc.add_page_break()


def _table(doc, t, styles: dict) -> None:
    """A Word table: header row repeated on every page, no row split across pages, figures
    right-aligned; a short table is kept on one page (keep-with-next through its rows)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.table import _Cell

    _par(doc, t.caption, styles["Caption"])
    rows = [t.columns, *t.rows]
    table = doc.add_table(rows=len(rows), cols=len(t.columns))
    table.style = styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    numeric = list(t.numeric or []) + [False] * len(t.columns)
    keep = len(rows) <= 25
    widths = _widths(t)
    table.autofit = False
    for col, w in zip(table._tbl.tblGrid.gridCol_lst, widths):
        col.w = w
    # rows and cells straight from the XML: python-docx's ``row.cells`` lays out the whole
    # table's grid again for every row
    for r, (tr, values) in enumerate(zip(table._tbl.tr_lst, rows)):
        trpr = tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if r == 0:
            trpr.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page
        for c, (tc, text) in enumerate(zip(tr.tc_lst, values)):
            cell = _Cell(tc, table)
            cell.width = widths[c]
            par = cell.paragraphs[0]
            _set_style(par, styles["Table Text"])
            run = par.add_run("" if text is None else str(text))
            if r == 0:
                run.bold = True
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif numeric[c]:
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if keep and r < len(rows) - 1 or r == 0:
                par.paragraph_format.keep_with_next = True
    if t.note:
        _par(doc, t.note, styles["Note"])


def _widths(t) -> list:
    """Column widths (EMU) as in the PDF (:func:`civstat.report.writers.column_widths`): each
    column as wide as its widest cell on one line; scaled down to the 156 mm type area when
    the table is wider."""
    from docx.shared import Mm, Pt

    from civstat.report.writers import column_widths

    ems = column_widths(list(t.columns), [list(r) for r in t.rows])
    scale = min(1.0, Mm(156) / sum(Pt(TABLE_PT * e) for e in ems))
    return [int(Pt(TABLE_PT * e) * scale) for e in ems]


def _chart(doc, c, styles: dict) -> None:
    from docx.shared import Mm

    png = chart_draw.static_png(c)
    par = _par(doc, "", styles["Figure"])
    par.add_run().add_picture(io.BytesIO(png), width=Mm(156))


def _set_style(par, style) -> None:
    """``par.style = style`` without python-docx's scan of styles.xml for the default style."""
    par._p.get_or_add_pPr().get_or_add_pStyle().val = style.style_id


def _par(doc, text: str, style=None):
    par = doc.add_paragraph(text)
    if style is not None:
        _set_style(par, style)
    return par


def _node(doc, node: Any, level: int, styles: dict) -> None:
    title = getattr(node, "title", None)
    if title:
        _par(doc, title, styles[f"Heading {min(level, 5)}"])
    placeholder = bool(getattr(node, "placeholder", False))
    for p in getattr(node, "paragraphs", None) or []:
        par = doc.add_paragraph(p)
        if placeholder:
            for r in par.runs:
                r.italic = True
    for c in getattr(node, "charts", None) or []:
        _chart(doc, c, styles)
    for t in getattr(node, "tables", None) or []:
        _table(doc, t, styles)
    for n in getattr(node, "notes", None) or []:
        _par(doc, n, styles["Note"])
    for attr in CHILDREN:
        for child in getattr(node, attr, None) or []:
            _node(doc, child, level + 1, styles)


def top_nodes(report) -> list:
    """The first level of the document: the model's parts if it has them, else its sections."""
    parts = getattr(report, "parts", None)
    return list(parts) if parts else list(report.sections)


def document(report):
    """The report as a python-docx Document."""
    import docx

    doc = docx.Document()
    _setup(doc)
    _page_number_footer(doc)
    props = doc.core_properties
    props.title, props.author, props.language = report.title, "civstat", "zh-CN"
    doc.add_paragraph(report.title, style="Title")
    doc.add_paragraph(report.subtitle, style="Cover")
    doc.add_paragraph(
        f"{report.division_name}（统计用区划代码 {report.division_code}）", style="Cover"
    )
    doc.add_paragraph(f"数据截至{report.cutoff} · 生成于{report.generated_at}", style="Cover")
    doc.add_page_break()
    _toc(doc)
    for p in getattr(report, "preface", None) or []:
        doc.add_paragraph(p)
    # styles looked up once: python-docx finds a style by name with a scan of styles.xml
    names = ["Caption", "Note", "Table Text", "Figure", "Table Grid"]
    styles = {n: doc.styles[n] for n in names + [f"Heading {i}" for i in range(1, 6)]}
    for node in top_nodes(report):
        _node(doc, node, 1, styles)
    sign = [s for s in (getattr(report, "issuer", ""), getattr(report, "issued_on", "")) if s]
    if sign:
        doc.add_paragraph("", style="Signature")
        for s in sign:
            doc.add_paragraph(s, style="Signature")
    return doc


def write_docx(report, path: Path) -> Path:
    document(report).save(str(path))
    return path
