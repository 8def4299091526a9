"""DDL of the raw layer (schema ``raw``), derived from the contract.

Every sheet family becomes one table ``raw.<table>`` with the lineage columns first, then the
row label (category / is_total) where the sheet has one, then the contract's columns in their
canonical units. ``raw.submissions`` is the manifest (one row per workbook received, current or
superseded) and ``raw.quarantine`` keeps every refused file with the reason, the township it
could be told from (and when it was resolved); ``raw.findings`` what the reader noticed on a loaded return without refusing it.
"""

from __future__ import annotations

from civstat.contract import Sheet, load_contract

LINEAGE_COLUMNS: list[tuple[str, str, str]] = [
    ("submission_id", "VARCHAR NOT NULL", "报表提交编号(文件SHA-256前16位) / submission id"),
    ("division_code", "VARCHAR NOT NULL", "统计用区划代码(12位,按封面或名称匹配) / division code"),
    ("period", "VARCHAR NOT NULL", "报告期,如2024Q4 / reporting period"),
    ("year", "INTEGER NOT NULL", "年份 / year"),
    ("quarter", "INTEGER NOT NULL", "季度(1-4,1月至本季度末累计) / quarter"),
    ("source_file", "VARCHAR NOT NULL", "源文件路径(相对data/raw) / source file"),
    ("source_sheet", "VARCHAR NOT NULL", "源工作表名 / source sheet"),
    ("source_row", "INTEGER NOT NULL", "源行号(Excel行号,从1起) / source row number"),
    ("file_sha256", "VARCHAR NOT NULL", "源文件SHA-256 / file SHA-256"),
    ("submitted_at", "TIMESTAMP NOT NULL", "提交时间(填报日期,否则文件修改时间) / submission time"),
]

SUBMISSIONS_DDL = """
CREATE TABLE IF NOT EXISTS raw.submissions (
    submission_id VARCHAR PRIMARY KEY,
    file_path VARCHAR NOT NULL,          -- relative to the raw drop zone; CSV groups: the stem
    file_sha256 VARCHAR NOT NULL,
    file_format VARCHAR NOT NULL,        -- xlsx | xls | csv
    folder_period VARCHAR,               -- the drop-zone folder (2024Q4)
    period VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    division_code VARCHAR NOT NULL,      -- resolved 12-digit code
    division_code_reported VARCHAR,      -- as written on the cover (9 or 12 digits), may be empty
    unit_name VARCHAR,                   -- 填报单位 as written
    pop_total BIGINT,
    pop_urban BIGINT,
    pop_rural BIGINT,
    pop_60plus BIGINT,
    filled_by VARCHAR,
    reviewed_by VARCHAR,
    phone VARCHAR,
    fill_date DATE,
    file_mtime TIMESTAMP,
    submitted_at TIMESTAMP NOT NULL,
    ingested_at TIMESTAMP NOT NULL,
    sheets_found VARCHAR[],
    is_current BOOLEAN NOT NULL,
    superseded_by VARCHAR
)
"""

QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS raw.quarantine (
    file_path VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    folder_period VARCHAR,
    sheet VARCHAR,
    "row" INTEGER,
    "column" VARCHAR,
    reason_code VARCHAR NOT NULL,
    message_zh VARCHAR NOT NULL,
    message_en VARCHAR NOT NULL,
    quarantined_at TIMESTAMP NOT NULL,
    quarantine_copy VARCHAR,
    PRIMARY KEY (file_path, file_sha256)
)
"""

# Returns the bureau withdrew (civstat withdraw): a withdrawn submission is never current, so the
# township's earlier return of that quarter is current again, or none is (缺报). One row per
# withdrawal, kept as history: a withdrawn file dropped into the drop zone again is restored
# (restored_at), and may be withdrawn again.
WITHDRAWALS_DDL = """
CREATE TABLE IF NOT EXISTS raw.withdrawals (
    submission_id VARCHAR NOT NULL,
    file_path VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    division_code VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,             -- 撤回原因, as the statistician wrote it
    withdrawn_by VARCHAR,                -- the operating-system user who ran the command
    withdrawn_at TIMESTAMP NOT NULL,
    restored_at TIMESTAMP,               -- when the same file came back into the drop zone
    PRIMARY KEY (submission_id, withdrawn_at)
)
"""
# Loaded returns whose file the bureau moved or renamed inside its quarter's folder (the same
# bytes, the old name gone: civstat.ingest.moves): file_path and every row's source_file follow the
# file; where it was is kept here.
MOVES_DDL = """
CREATE TABLE IF NOT EXISTS raw.file_moves (
    submission_id VARCHAR NOT NULL,
    from_path VARCHAR NOT NULL,          -- relative to the drop zone, as loaded (or last moved)
    to_path VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    moved_at TIMESTAMP NOT NULL
)
"""
# raw.submissions' columns of the cover, as the cover read them: column → cover field
COVER_FIELDS = {"division_code_reported": "division_code",
                **{f: f for f in ("unit_name", "pop_total", "pop_urban", "pop_rural", "pop_60plus",
                                  "filled_by", "reviewed_by", "phone", "fill_date")}}

# The reader a loaded return was read by (civstat.ingest.inputs.reader_fingerprint; NULL: read
# before versions were recorded). An ingest counts the returns an older reader read; ``civstat
# ingest --reread`` reads them again (civstat.ingest.reread).
SUBMISSIONS_MIGRATIONS = [
    "ALTER TABLE raw.submissions ADD COLUMN IF NOT EXISTS reader_version VARCHAR",
    ("COMMENT ON COLUMN raw.submissions.reader_version IS '读取这份报表的读取程序版本(读取程序代码的"
     "SHA-256;为空:记录版本之前读取)/ the reader version that read the return'"),
]
# Loaded returns read again by a newer reader (civstat ingest --reread): one row per reread, kept
# as history. outcome: unchanged (same cover, rows and findings) | changed (the submission's rows
# were replaced: ``changes`` cells, rows or findings differ; ``detail`` lists them, one a line) |
# refused (the newer reader refuses the file: its rows left the raw layer, it is quarantined).
REREADS_DDL = """
CREATE TABLE IF NOT EXISTS raw.rereads (
    submission_id VARCHAR NOT NULL,
    file_path VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    division_code VARCHAR NOT NULL,      -- as read before
    period VARCHAR NOT NULL,             -- as read before
    reader_before VARCHAR,               -- NULL: read before versions were recorded
    reader_after VARCHAR NOT NULL,
    ingested_before TIMESTAMP NOT NULL,  -- when the rows it replaced were written
    outcome VARCHAR NOT NULL,            -- unchanged | changed | refused
    changes INTEGER NOT NULL,            -- cells, rows, cover fields and findings that differ
    detail VARCHAR,                      -- the differences (or the refusal), one a line
    reread_at TIMESTAMP NOT NULL
)
"""
# The withdrawals in force (not restored): what the ingest, edit rule H12 (the gate's view
# q_withdrawn) and the summary's footnotes read
_WITHDRAWAL_COLUMNS = ("submission_id", "file_path", "file_sha256", "division_code", "period",
                       "reason", "withdrawn_by", "withdrawn_at")
OPEN_WITHDRAWALS = (f"SELECT {', '.join(_WITHDRAWAL_COLUMNS)} FROM raw.withdrawals "
                    "WHERE restored_at IS NULL")

# Added later: ALTER … IF NOT EXISTS migrates warehouses created before. A refusal is resolved
# when its file loads (``loaded``), changes (``replaced``) or leaves the drop zone (``withdrawn``);
# the row stays as history.
# The township a refused return belongs to, as far as the ingest could tell it (its cover when the
# reader got that far, else its file's name: civstat.ingest.identity.Divisions.tell), so that the
# report and edit rule H12 say "sent but refused" of that township rather than "not sent".
QUARANTINE_DIVISION_COLUMNS: list[tuple[str, str, str]] = [
    ("division_code", "VARCHAR",
     ("统计用区划代码(12位,封面能确定时按封面,否则按文件名中的乡镇名;都不能确定时为空) / "
      "division code: the cover's, else the township the file's name names; NULL when neither tells")),
    ("division_source", "VARCHAR",
     "区划代码的来源:cover(封面)、file_name(文件名) / how division_code was told: cover | file_name"),
]
# The refusals still open, with the township the ingest told: what edit rule H12 (the gate's view
# q_refused; its inputs' fingerprint) and the summary's footnotes (report.returns) read as "sent
# but refused"
_OPEN_REFUSAL_COLUMNS = ("file_path", "file_sha256", "folder_period", "division_code",
                         "division_source", "reason_code", "message_zh", "message_en")
OPEN_REFUSALS = (f"SELECT {', '.join(_OPEN_REFUSAL_COLUMNS)} FROM raw.quarantine "
                 "WHERE resolved_at IS NULL AND division_code IS NOT NULL")


def has_table(con, table: str) -> bool:
    """Whether ``raw.<table>`` exists (a warehouse written before it was added has none)."""
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' "
        "AND table_name = ?", [table]).fetchall()[0][0])


def _has_column(con, table: str, column: str) -> bool:
    # fetchall: a result left unfinished (fetchone) blocks the caller's next con.sql on DuckDB 2
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'raw' "
        "AND table_name = ? AND column_name = ?", [table, column]).fetchall()[0][0])


def _no_rows(columns: tuple[str, ...]) -> str:
    return "SELECT " + ", ".join(f"NULL::VARCHAR AS {c}" for c in columns) + " WHERE false"


def open_refusals(con) -> str:
    """:data:`OPEN_REFUSALS`, or no rows (the same columns) on a warehouse written before
    raw.quarantine recorded a refusal's township, or without raw.quarantine."""
    if _has_column(con, "quarantine", "division_code"):
        return OPEN_REFUSALS
    return _no_rows(_OPEN_REFUSAL_COLUMNS)


def unresolved_refusals(con) -> str:
    """Every refused file still quarantined, whether or not the ingest could tell whose
    (file_path, folder_period, message_zh, message_en): what ``civstat check`` names on a
    quarter whose every return was refused, and what a report finding nothing published says
    was sent; no rows on a warehouse without raw.quarantine (or one older than folder_period)."""
    if _has_column(con, "quarantine", "folder_period"):
        return (f"SELECT {', '.join(_UNRESOLVED_COLUMNS)} FROM raw.quarantine "
                "WHERE resolved_at IS NULL")
    return _no_rows(_UNRESOLVED_COLUMNS)


_UNRESOLVED_COLUMNS = ("file_path", "folder_period", "message_zh", "message_en")


def open_withdrawals(con) -> str:
    """:data:`OPEN_WITHDRAWALS`, or no rows (the same columns) on a warehouse written before
    returns could be withdrawn."""
    if _has_column(con, "withdrawals", "submission_id"):
        return OPEN_WITHDRAWALS
    return _no_rows(_WITHDRAWAL_COLUMNS)


QUARANTINE_MIGRATIONS = [
    "ALTER TABLE raw.quarantine ADD COLUMN IF NOT EXISTS resolved_at TIMESTAMP",
    "ALTER TABLE raw.quarantine ADD COLUMN IF NOT EXISTS resolution VARCHAR",
    *(stmt for name, ddl, comment in QUARANTINE_DIVISION_COLUMNS for stmt in (
        f"ALTER TABLE raw.quarantine ADD COLUMN IF NOT EXISTS {name} {ddl}",
        "COMMENT ON COLUMN raw.quarantine.{} IS '{}'".format(name, comment.replace("'", "''")))),
]

# What the reader noticed on a loaded return without refusing it (an optional cover field it
# could not read, a unit it had to infer): one row per finding, written in the same transaction
# as the return and kept with its submission_id (a superseded return keeps its findings).
FINDINGS_COLUMNS: list[tuple[str, str]] = [
    ("submission_id", "VARCHAR NOT NULL"),
    ("seq", "INTEGER NOT NULL"),            # order in which the reader found them
    ("division_code", "VARCHAR NOT NULL"),
    ("period", "VARCHAR NOT NULL"),
    ("source_file", "VARCHAR NOT NULL"),
    ("code", "VARCHAR NOT NULL"),           # cover_unreadable | cover_missing | … (reader's code)
    ("sheet", "VARCHAR"),
    ("row", "INTEGER"),                     # Excel row, from 1
    ("column", "VARCHAR"),                  # the field or column header
    ("message_zh", "VARCHAR NOT NULL"),
    ("message_en", "VARCHAR NOT NULL"),
    ("found_at", "TIMESTAMP NOT NULL"),
]

FINDINGS_DDL = ("CREATE TABLE IF NOT EXISTS raw.findings (\n    "
                + ",\n    ".join(f'"{n}" {t}' for n, t in FINDINGS_COLUMNS)
                + ",\n    PRIMARY KEY (submission_id, seq)\n)")


# Results of the edit rules (written by the quality gate, read by dbt's `quality_status`).
QUALITY_DDL = [
    "CREATE SCHEMA IF NOT EXISTS quality",
    """
CREATE TABLE IF NOT EXISTS quality.violations (
    run_id VARCHAR NOT NULL,
    rule_code VARCHAR NOT NULL,          -- H1..H12, S1..S11
    severity VARCHAR NOT NULL,           -- hard | soft
    division_code VARCHAR NOT NULL,
    division_name VARCHAR,
    period VARCHAR NOT NULL,             -- 2024Q4
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    table_name VARCHAR,                  -- raw table (dibao, tekun, ...)
    sheet VARCHAR,                       -- sheet name as received
    source_file VARCHAR,
    source_row INTEGER,
    column_name VARCHAR,
    value VARCHAR,                       -- offending value(s), as text
    expected VARCHAR,                    -- the relation that should hold
    message_zh VARCHAR NOT NULL,
    message_en VARCHAR NOT NULL,
    explanation VARCHAR,                 -- 说明 recorded for a soft warning, if any
    evaluated_at TIMESTAMP NOT NULL
)
""",
    """
CREATE TABLE IF NOT EXISTS quality.rule_runs (
    run_id VARCHAR NOT NULL,
    rule_code VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    engine VARCHAR NOT NULL,             -- great_expectations | sql
    periods VARCHAR[],
    rows_checked BIGINT,
    violations BIGINT NOT NULL,
    success BOOLEAN NOT NULL,
    evaluated_at TIMESTAMP NOT NULL
)
""",
]


LINEAGE_DDL = {(n, t) for n, t, _ in LINEAGE_COLUMNS}


def sheet_columns(sheet: Sheet) -> list[tuple[str, str]]:
    """(name, duckdb type) of a sheet's raw table, lineage first."""
    cols = [(n, t) for n, t, _ in LINEAGE_COLUMNS]
    if sheet.row_kind == "category":
        cols += [("category", "VARCHAR NOT NULL"), ("is_total", "BOOLEAN NOT NULL")]
    elif sheet.row_kind in ("event", "entity"):
        cols += [("is_total", "BOOLEAN NOT NULL")]
    for col in sheet.columns:
        cols.append((col.name, col.duckdb_type))
        if col.period_units:
            cols.append((f"{col.name}_period", "VARCHAR"))  # month | year
            # how the period was decided: header | cell | convention | magnitude
            cols.append((f"{col.name}_unit_source", "VARCHAR"))
    return cols


def sheet_ddl(sheet: Sheet) -> str:
    body = ",\n    ".join(f'"{n}" {t}' for n, t in sheet_columns(sheet))
    return f"CREATE TABLE IF NOT EXISTS raw.{sheet.table} (\n    {body}\n)"


def sheet_migrations(sheet: Sheet) -> list[str]:
    """Columns the contract gained since a warehouse was created (an optional column added to
    a sheet): added, nullable, to an existing raw table; rows read before have NULL there."""
    return [f'ALTER TABLE raw.{sheet.table} ADD COLUMN IF NOT EXISTS "{n}" '
            f'{t.replace(" NOT NULL", "")}'
            for n, t in sheet_columns(sheet) if (n, t) not in LINEAGE_DDL]


def all_ddl() -> list[str]:
    contract = load_contract()
    return [
        "CREATE SCHEMA IF NOT EXISTS raw",
        SUBMISSIONS_DDL,
        *SUBMISSIONS_MIGRATIONS,
        QUARANTINE_DDL,
        *QUARANTINE_MIGRATIONS,
        FINDINGS_DDL,
        WITHDRAWALS_DDL,
        MOVES_DDL,
        REREADS_DDL,
        *(sheet_ddl(s) for s in contract.sheets),
        *(stmt for s in contract.sheets for stmt in sheet_migrations(s)),
        *QUALITY_DDL,
    ]


def create_raw_schema(con) -> None:
    """Create the raw schema and tables on a DuckDB connection (idempotent)."""
    for stmt in all_ddl():
        con.execute(stmt)
