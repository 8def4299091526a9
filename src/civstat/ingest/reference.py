"""The bureau's reference CSVs (``data/reference/``) → schema ``ref``, row by row.

``load_reference`` is the gate for reference data: a reference row that reaches ``ref.*`` can
never fail the dbt build, and a bad row is refused alone — named in ``ref.rejected_rows`` (file,
row as Excel numbers it with the header as row 1, column, message in Chinese and English), in the
ingest summary and in the quality report (参考数据被拒行).

Policy: **keep the last good row.**

* Before ``ref.<table>`` is replaced, its current rows are read. A refused row whose key can be
  identified — divisions ``division_code``; plan_targets ``(division_code, year, kpi_code)``;
  explanations ``(division_code, period, rule_code)`` — and that had a good row before keeps that
  row, and the refusal says so (沿用上次的有效记录 / kept the last good row). A township's returns
  therefore never drop out of the published figures because its division row was mistyped.
* A first-time bad row (no earlier good row) is refused and not loaded. For a division this means
  the returns naming that code cannot be matched (ingest quarantines them as unknown township)
  until the row is fixed; the refusal says so.
* A missing or unreadable file (encoding, CSV syntax, empty, a required column missing or
  repeated) keeps the whole previous table, named as one refusal (row 0 = the file, row 1 = the
  header). ``divisions.csv`` is required; a missing ``plan_targets.csv`` or explanations file is
  only a refusal when there were rows before. To empty a table, keep the file with its header.
* A division row deleted from ``divisions.csv`` whose code is still used — by a return in
  ``raw.submissions`` or as another division's parent/successor — is kept from the last load and
  named (撤并请填写 valid_to 与 successor_code,不要删除行).
* Versions: a division code may have several rows, one per validity period — how a rename is
  recorded (河口乡 valid to 2012-12-31, then 河口镇 from 2013-01-01, one 12-digit code). Versions
  whose periods overlap are all refused, each naming the others (``validity_overlap``). A
  code's versions go together: when one of them is refused and the code had good rows before,
  those last good rows are kept in place of all the file's rows of that code.
* Duplicates: rows identical after parsing collapse silently into one; rows with the same key
  (a division: code and valid_from) but different content are all refused (each names the
  other rows) and the key keeps its last good row if any. A bad row whose key also has a good
  row in the file is refused alone; the good row loads.
* Header names: a column is named by its English name or by one of its Chinese names in
  ``contract/reference.yaml`` (统计用区划代码, 名称, 启用日期 …), traditional characters alike;
  a header naming no column is refused alone (``unknown_column``: its column is not read), and
  a required column missing names those unknown headers and the names accepted.

Refusal kinds (``ref.rejected_rows.kind``): ``file_missing``, ``file_unreadable``,
``missing_column``, ``duplicate_column``, ``unknown_column``, ``bad_value`` (a cell that cannot be read: codes that
are not exactly 12 digits — scientific notation that lost digits included —, dates, numbers
(a decimal comma ``35,5`` included: only a thousands comma ``1,200`` / ``12,0000`` is read),
years, periods, choices, empty required cells), ``extra_cells``, ``duplicate_conflict``, ``validity_overlap``,
``valid_to_before_from``, ``unknown_parent``, ``parent_not_county``, ``parent_wrong_level``
(a county's parent not a city, a city's not a province, a province with a parent),
``unknown_successor``,
``successor_cycle``, ``division_removed``, ``unknown_kpi`` (not in ``seeds/kpi_definitions.csv``,
by code or by its Chinese name), ``target_not_fraction`` (a ratio KPI's target over 1 written
without a per-cent sign — ``95`` for 95% — which would read as 9500%; ``150%`` stated so is read),
``unknown_rule`` (not in ``quality/rules.yaml``), ``hard_rule_explained`` (hard failures are
corrected and resubmitted, not explained), ``unknown_division``, ``not_township`` (explanations
are for township returns), ``last_good_invalid`` (the kept row no longer fits either: removed).

Accepted as Excel writes it: UTF-8 with or without BOM, GBK/GB18030, UTF-16 (“Unicode text”,
tab-separated); header names with spaces or in another case; dates ``2011-01-01``,
``2011/1/1``, ``2011/01/01``, ``2011.1.1``, ``2011年1月1日`` (a time part is dropped); codes with
stray spaces, full-width digits, a leading apostrophe or written as ``371599101000.0``;
targets as ``30%``; a KPI named by its ``name_zh`` (护理型床位占比); comparisons ``≥``/``≤``;
periods ``2024q4``/``2024年第4季度``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from civstat.ingest import reference_headers as rh
from civstat.ingest import reference_rules as rr
from civstat.ingest.reference_checks import (
    KEPT_EN,
    KEPT_ZH,
    KEYS,
    MAIN_FILE,
    OPTIONAL_COLUMNS,
    ROW_KEYS,
    SPECS,
    Key,
    Pending,
    Problem,
    Rec,
    RefRefusal,
    RuleSeverities,
    Run,
    by_code,
    division_known,
    division_problem,
    fall_back,
    key_of,
    key_text,
    overlaps,
    read_kpis,
    record_of,
    settle,
    versions,
)
from civstat.ingest.reference_rules import CellError

__all__ = ["REF_DDL", "RefRefusal", "RefResult", "create_ref_schema", "load_reference"]

REF_DDL = {
    "divisions": """(division_code VARCHAR, name VARCHAR, short_name VARCHAR, level VARCHAR,
        type VARCHAR, parent_code VARCHAR, valid_from DATE, valid_to DATE, successor_code VARCHAR)""",
    "plan_targets": """(division_code VARCHAR, year INTEGER, kpi_code VARCHAR, target DOUBLE,
        comparison VARCHAR, source VARCHAR)""",
    "explanations": "(division_code VARCHAR, period VARCHAR, rule_code VARCHAR, text VARCHAR)",
    "rejected_rows": """(file VARCHAR, "row" INTEGER, "column" VARCHAR, message_zh VARCHAR,
        message_en VARCHAR, kind VARCHAR, record_key VARCHAR, kept_last_good BOOLEAN,
        loaded_at TIMESTAMP)""",
}
# columns added to ref.rejected_rows after its first version (warehouses that already have it)
REJECTED_ADDED = {"kind": "VARCHAR", "record_key": "VARCHAR", "kept_last_good": "BOOLEAN",
                  "loaded_at": "TIMESTAMP"}


@dataclass
class RefResult:
    """What one load did: rows now in each ``ref.<table>``, how many of them are last good rows
    kept from the previous load, and every refusal."""

    loaded: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    refusals: list[RefRefusal] = field(default_factory=list)

    @property
    def rejected(self) -> list[tuple]:
        """``(file, row, column, message_zh, message_en)`` per refusal."""
        return [r.as_tuple() for r in self.refusals]


# -- schema ------------------------------------------------------------------------------------

def create_ref_schema(con) -> None:
    """Schema ``ref`` with its (empty) tables, if they do not exist yet; adds the newer columns of
    ``ref.rejected_rows`` to a warehouse that has the first version."""
    con.execute("CREATE SCHEMA IF NOT EXISTS ref")
    for table, ddl in REF_DDL.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS ref.{table} {ddl}")
    for column, sql_type in REJECTED_ADDED.items():
        con.execute(f"ALTER TABLE ref.rejected_rows ADD COLUMN IF NOT EXISTS {column} {sql_type}")


def _existing_tables(con) -> set[str]:
    return {f"{s}.{t}" for s, t in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables()").fetchall()}


def _previous(con, table: str, tables: set[str]) -> dict[Key, Rec]:
    """The current rows of ``ref.<table>`` by row key (the first of any duplicates), before
    replacing."""
    if f"ref.{table}" not in tables:
        return {}
    cols = list(SPECS[table])
    out: dict[Key, Rec] = {}
    for row in con.execute(f"SELECT {', '.join(cols)} FROM ref.{table}").fetchall():
        values = dict(zip(cols, row, strict=True))
        out.setdefault(key_of(table, values), Rec(values))
    return out


def _in_use(con, tables: set[str]) -> frozenset[str]:
    if "raw.submissions" not in tables:
        return frozenset()
    return frozenset(r[0] for r in con.execute(
        "SELECT DISTINCT division_code FROM raw.submissions WHERE division_code IS NOT NULL"
    ).fetchall())


# -- reading rows ------------------------------------------------------------------------------

def missing_reference(reference_dir: Path) -> str | None:
    """Why ``reference_dir`` cannot be the reference data (one line, zh / en), or None: a folder
    that is not there, or holds no divisions.csv, would refuse every return as of no known
    township (and a first build would publish an empty warehouse) — a set-up error, not bad
    returns."""
    if not Path(reference_dir).is_dir():
        return f"参考数据目录不存在 / reference folder not found: {reference_dir}"
    if not (Path(reference_dir) / "divisions.csv").is_file():
        return (f"参考数据目录中没有区划表 divisions.csv / no divisions.csv in the reference "
                f"folder: {reference_dir}")
    return None


def _sources(reference_dir: Path) -> dict[str, list[Path]]:
    return {
        "divisions": [reference_dir / "divisions.csv"],
        "plan_targets": [reference_dir / "plan_targets.csv"],
        "explanations": [reference_dir / "explanations.csv",
                         *sorted((reference_dir / "explanations").glob("*.csv"))],
    }


def _label(path: Path, reference_dir: Path) -> str:
    try:
        return path.relative_to(reference_dir).as_posix()
    except ValueError:
        return path.name


def _open(table: str, path: Path, label: str, run: Run) -> rr.CsvFile | tuple[int, Problem]:
    """The decoded file with its header read as the table's columns (English names or the
    names of ``contract/reference.yaml``), or (row, problem) saying why it cannot be used (row 0:
    the file, 1: the header). A header cell naming no column is refused alone (its column is not
    read)."""
    try:
        f = rr.read_csv(path)
    except CellError as exc:
        return 0, ("", exc.zh, exc.en, "file_unreadable")
    columns = list(SPECS[table])
    f.header, unknown = rh.read_header(table, f.header_cells, columns)
    repeated = sorted({c for c in f.header if c and f.header.count(c) > 1} & set(columns))
    if repeated:
        same = "、".join(rr.clean(cell) for cell, c in zip(f.header_cells, f.header, strict=True)
                        if c == repeated[0])
        return 1, (repeated[0], f"表头中列 {rh.shown(table, repeated[0])} 出现了多次({same})",
                   f"column {repeated[0]} appears more than once in the header ({same})",
                   "duplicate_column")
    known = "、".join(rh.shown(table, c) for c in columns)
    missing = [c for c in columns if c not in f.header and c not in OPTIONAL_COLUMNS]
    if missing:
        also = (f";表头中 {'、'.join(unknown)} 不是已知的列名" if unknown else "", 
                f"; header {', '.join(unknown)} names no known column" if unknown else "")
        return 1, (missing[0], f"缺少列 {rh.shown(table, missing[0])}{also[0]}(可用列名:{known})",
                   f"missing column {missing[0]}{also[1]}", "missing_column")
    for name in unknown:
        run.whole.append(RefRefusal(label, 1, name, (
            f"表头 {name} 不是 {MAIN_FILE[table]} 的列名,该列未读取(可用列名:{known};"
            f"同义名见 contract/reference.yaml)"),
            f"header {name} names no column of {MAIN_FILE[table]}: the column is not read "
            f"(see contract/reference.yaml for the names accepted)", "unknown_column"))
    return f


def _parse_row(table: str, label: str, row: int, header: list[str], cells: list[str],
               run: Run) -> tuple[Key | None, dict | None]:
    """(key, values) of a good row; (key or None, None) after refusing a bad one."""
    n_before = len(run.pending)
    raw = {}
    for i, cell in enumerate(cells):
        name = header[i] if i < len(header) else ""
        if name in SPECS[table]:
            raw[name] = cell
        elif not name and rr.clean(cell):
            run.refuse(table, label, row, (f"列{i + 1}", f"本行在表头之外多出内容:{rr.clean(cell)}",
                                           f"cell beyond the header: {rr.clean(cell)}",
                                           "extra_cells"))
    values, errors = {}, []
    for col, parse in SPECS[table].items():
        try:
            values[col] = parse(raw.get(col))
        except CellError as exc:
            errors.append((col, exc))
    if table == "plan_targets" and "kpi_code" in values:
        values["kpi_code"] = run.kpis.code_of(values["kpi_code"])
    key_cols = KEYS[table]
    key = None if any(c in key_cols for c, _ in errors) else tuple(values[c] for c in key_cols)
    # (the record: a division's code, whichever version the row is)
    for col, exc in errors:
        run.refuse(table, label, row, (col, exc.zh, exc.en, "bad_value"), key)
    for p in run.pending[n_before:]:
        p.key = key
    return key, (None if len(run.pending) > n_before else values)


def _collapse(table: str, candidates: dict[Key, list[Rec]], run: Run) -> dict[Key, Rec]:
    """Identical duplicates → one row; conflicting duplicates → all refused; versions of a
    division whose validity periods overlap → all refused."""
    out: dict[Key, Rec] = {}
    for key, recs in candidates.items():
        distinct = {tuple(r.values.items()) for r in recs}
        if len(distinct) == 1:
            out[key] = recs[0]
            continue
        for rec in recs:
            others = "、".join(r.where for r in recs if r is not rec)
            others_en = ", ".join(r.where_en for r in recs if r is not rec)
            diff = next(c for c in SPECS[table] if any(r.values[c] != rec.values[c] for r in recs))
            keys = ", ".join(ROW_KEYS[table])
            run.refuse(table, rec.file or "", rec.row or 0, (
                diff, f"与{others}的 {keys} 相同但内容不同,这几行都不采用",
                f"same {keys} as {others_en} but different content: none of these rows is used",
                "duplicate_conflict"), record_of(table, key))
    return _without_overlaps(out, run) if table == "divisions" else out


def _without_overlaps(rows: dict[Key, Rec], run: Run) -> dict[Key, Rec]:
    """A division code's versions must follow one another (河口乡 to 2012-12-31, 河口镇 from
    2013-01-01); every version whose validity period overlaps another's is refused, naming it."""
    def span(v: dict) -> str:
        return f"{v['valid_from'] or '…'} 至 {v['valid_to'] or '今'}"

    refused: set[Key] = set()
    for recs in by_code(rows).values():
        for rec in recs:
            clash = [r for r in recs if r is not rec and overlaps(r.values, rec.values)]
            if not clash:
                continue
            refused.add(key_of("divisions", rec.values))
            v = rec.values
            run.refuse("divisions", rec.file or "", rec.row or 0, (
                "valid_from",
                (f"区划代码 {v['division_code']} 的有效期({span(v)},{v['name']})与"
                 + "、".join(f"{r.where}({span(r.values)},{r.values['name']})" for r in clash)
                 + " 重叠:同一代码的各行有效期不能重叠(更名请把旧名称的 valid_to 填为新名称 "
                 "valid_from 的前一天),这几行都不采用"),
                (f"the validity of division {v['division_code']} ({span(v)}) overlaps "
                 + ", ".join(r.where_en for r in clash)
                 + " (versions of one code must not overlap: a rename ends the old name the day "
                 "before the new one starts); none of these rows is used"),
                "validity_overlap"), (v["division_code"],))
    return {k: r for k, r in rows.items() if k not in refused}


def _read_table(table: str, paths: list[Path], reference_dir: Path, previous: dict[Key, Rec],
                run: Run) -> dict[Key, Rec]:
    """The table's rows: good file rows, and the last good rows of keys refused in the files."""
    existing = [p for p in paths if p.exists()]
    if not existing:
        if table == "divisions" or previous:
            run.whole.append(_whole(table, MAIN_FILE[table], 0, ("", "找不到文件", "file not found",
                                                                 "file_missing"), len(previous)))
        return dict(previous)
    files = [(label, _open(table, p, label, run))
             for p in existing for label in [_label(p, reference_dir)]]
    unusable = [(label, f) for label, f in files if isinstance(f, tuple)]
    for label, (row, problem) in unusable:
        run.whole.append(_whole(table, label, row, problem, len(previous)))
    if unusable:
        return dict(previous)
    candidates: dict[Key, list[Rec]] = {}
    seen: set[Key] = set()
    for label, f in files:
        for row, cells in f.records:
            record, values = _parse_row(table, label, row, f.header, cells, run)
            if record is not None:
                seen.add(record)
            if values is not None:
                candidates.setdefault(key_of(table, values), []).append(Rec(values, label, row))
    rows = _collapse(table, candidates, run)
    refused = {p.key for p in run.pending if p.table == table}
    # fall_back changes nothing for a record that kept a file row and had none refused: skip
    # those (every record, normally), else each call scans every row (quadratic in the table)
    kept = {record_of(table, k) for k, r in rows.items() if r.file is not None}
    for record in sorted((r for r in seen if r in refused or r not in kept), key=str):
        fall_back(table, rows, previous, record, refused=record in refused)
    return rows


def _whole(table: str, file: str, row: int, problem: Problem, n_previous: int) -> RefRefusal:
    """A refusal of a whole file (the previous table is kept)."""
    column, zh, en, kind = problem
    if n_previous:
        zh, en = (f"{zh};沿用上次的整张 {table} 表({n_previous} 行)",
                  f"{en}; kept the whole last good {table} table ({n_previous} rows)")
    elif table == "divisions":
        zh, en = (f"{zh};区划表为空,所有乡镇报表都无法匹配", f"{en}; no divisions: no return can be matched")
    return RefRefusal(file, row, column, zh, en, kind, None, bool(n_previous))


# -- messages ----------------------------------------------------------------------------------

def _fallout(table: str, key: Key) -> tuple[str, str]:
    """What a refusal means when the key has no row at all."""
    if table == "divisions":
        return ("使用该区划代码的报表在本行更正前无法匹配(将作为未知乡镇隔离)",
                (f"returns naming {key[0]} cannot be matched until the row is fixed "
                "(they are quarantined as unknown township)"))
    if table == "plan_targets":
        return "该目标未载入", "the target is not loaded"
    return "该说明未载入", "the explanation is not loaded"


def _finish(p: Pending, rows: dict[Key, Rec]) -> RefRefusal:
    final = [rows[k] for k in versions(p.table, rows, p.key)] if p.key is not None else []
    kept = bool(final) and all(r.file is None for r in final)
    if kept:
        zh, en = f"{p.zh};{KEPT_ZH}", f"{p.en}; {KEPT_EN}"
    elif p.key is None:
        zh, en = p.zh, p.en
    elif final:
        used = [r for r in final if r.file is not None]
        zh, en = (f"{p.zh};本行不采用,采用{'、'.join(r.where for r in used)}",
                  f"{p.en}; this row is not used, {', '.join(r.where_en for r in used)} is")
    else:
        fz, fe = _fallout(p.table, p.key)
        zh, en = f"{p.zh};{fz}", f"{p.en}; {fe}"
    return RefRefusal(p.file, p.row, p.column, zh, en, p.kind, key_text(p.key), kept)


# -- load --------------------------------------------------------------------------------------

def _write(con, table: str, rows: Iterable[Rec]) -> int:
    import polars as pl

    columns = list(SPECS[table])
    data = [[r.values[c] for c in columns] for r in rows]
    con.execute(f"CREATE OR REPLACE TABLE ref.{table} {REF_DDL[table]}")
    if data:
        types = dict(con.execute(f"SELECT column_name, data_type FROM duckdb_columns() "
                                 f"WHERE schema_name = 'ref' AND table_name = '{table}'").fetchall())
        pl_types = {"VARCHAR": pl.Utf8, "DATE": pl.Date, "INTEGER": pl.Int32, "DOUBLE": pl.Float64}
        frame = pl.DataFrame(data, schema={c: pl_types[types[c]] for c in columns}, orient="row")
        con.register("incoming_ref", frame)
        con.execute(f"INSERT INTO ref.{table} BY NAME SELECT * FROM incoming_ref")
        con.unregister("incoming_ref")
    return len(data)


def _sorted(rows: dict[Key, Rec]) -> list[Rec]:
    return [rows[k] for k in sorted(rows, key=lambda k: tuple(str(v) for v in k))]


def load_reference(reference_dir: Path, con) -> RefResult:
    """Replace ref.* with the CSVs' good rows (and the last good rows of refused keys); every
    refusal goes to ``ref.rejected_rows``. Tables exist (empty) even without CSVs."""
    reference_dir = Path(reference_dir)
    tables = _existing_tables(con)
    run = Run(kpis=read_kpis(), rules=RuleSeverities(), in_use=_in_use(con, tables))
    final: dict[str, dict[Key, Rec]] = {}
    for table, paths in _sources(reference_dir).items():
        previous = _previous(con, table, tables)
        rows = _read_table(table, paths, reference_dir, previous, run)
        if table == "divisions":
            final[table] = settle(table, rows, previous, by_code, division_problem, run)
        else:
            divisions = by_code(final["divisions"])
            final[table] = settle(table, rows, previous, lambda _r, d=divisions: d,
                                  division_known(table), run)
    result = RefResult()
    result.refusals = run.whole + [_finish(p, final[p.table]) for p in run.pending]
    create_ref_schema(con)
    try:
        con.execute("BEGIN TRANSACTION")
        own = True
    except duckdb.TransactionException:  # the caller's transaction
        own = False
    try:
        _replace(con, final, result)
    except BaseException:
        if own:
            con.execute("ROLLBACK")
        raise
    if own:
        con.execute("COMMIT")
    return result


def _replace(con, final: dict[str, dict[Key, Rec]], result: RefResult) -> None:
    for table, rows in final.items():
        result.loaded[table] = _write(con, table, _sorted(rows))
        result.kept[table] = sum(r.file is None for r in rows.values())
    con.execute(f"CREATE OR REPLACE TABLE ref.rejected_rows {REF_DDL['rejected_rows']}")
    if result.refusals:
        now = dt.datetime.now().replace(microsecond=0)
        con.executemany("INSERT INTO ref.rejected_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [[*r.as_tuple(), r.kind, r.record_key, r.kept_last_good, now]
                         for r in result.refusals])
