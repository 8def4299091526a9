"""The blank return template (``civstat template``) and the return writer the generator uses.

Both are laid out from the catalogue (``load_contract()``: the cover, then one sheet per programme
in ``Programme.order``): a return is first built as a list of sheet *grids* (values + cell roles
+ merges), then rendered. The package, by role:

- ``grid``    a laid-out sheet and its cell values in the form's units
- ``layout``  one programme sheet: header, data / input rows, 合计, dropdowns
- ``book``    the workbook: cover, sheets, 填表说明; ``write_template`` and ``write_return``
- ``render``  .xlsx, legacy .xls, per-sheet CSV
- ``drift``   ``ReturnStyle``: the variations real returns show, written by the generator only
- ``cli``     ``civstat template``
"""

from __future__ import annotations

from civstat.template.book import (
    TEMPLATE_NAME,
    layout_cover,
    layout_instructions,
    layout_return,
    layout_template,
    write_return,
    write_template,
)
from civstat.template.cli import template_command
from civstat.template.drift import (
    CLEAN,
    CN_QUARTER,
    ReturnStyle,
    display_unit,
    layout_extra,
    period_text,
    to_traditional,
)
from civstat.template.grid import Formula, Grid, unit_factor
from civstat.template.layout import TEMPLATE_INPUT_ROWS, layout_sheet
from civstat.template.render import FIXED_CREATED, render_csv, render_xls, render_xlsx

__all__ = [
    "CLEAN",
    "CN_QUARTER",
    "FIXED_CREATED",
    "TEMPLATE_INPUT_ROWS",
    "TEMPLATE_NAME",
    "Formula",
    "Grid",
    "ReturnStyle",
    "display_unit",
    "layout_cover",
    "layout_extra",
    "layout_instructions",
    "layout_return",
    "layout_sheet",
    "layout_template",
    "period_text",
    "render_csv",
    "render_xls",
    "render_xlsx",
    "template_command",
    "to_traditional",
    "unit_factor",
    "write_return",
    "write_template",
]
