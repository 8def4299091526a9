"""What the working copy has been through since it was last published: the publish gate.

Every step that writes the working copy (``<stem>.build.duckdb``) leaves a mark in
``meta.working_state`` with a sequence number, committed before (raw writes, build start) or
after (gate, build end) its work:

=============  ==========================================  ==========================
stage          written by                                  when
=============  ==========================================  ==========================
``raw``        ingest, reference CSVs                      before writing
``gate``       edit rules → ``quality.violations``         after they were stored
``build_start`` dbt build                                  before dbt starts
``build_ok``   dbt build, checks passed, build recorded    after everything passed
=============  ==========================================  ==========================

The working copy may be published only when ``raw < gate < build_start < build_ok``: the edit
rules saw the current raw layer, and a build that started after them finished and passed. A
build that failed or was killed leaves ``build_start > build_ok``; nothing is published from
such a copy, and the next build is a full one (a half-written incremental model cannot be
trusted). The marks are ordinary committed rows, so they survive ``kill -9``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import duckdb

from civstat import duck

STAGES = ("raw", "gate", "build_start", "build_ok")

DDL = [
    "CREATE SCHEMA IF NOT EXISTS meta",
    """
CREATE TABLE IF NOT EXISTS meta.working_state (
    stage VARCHAR PRIMARY KEY,           -- raw | gate | build_start | build_ok
    seq BIGINT NOT NULL,                 -- order of the marks
    marked_at TIMESTAMP NOT NULL,
    pid INTEGER
)
""",
]

STAGE_ZH = {"raw": "读取原始数据", "gate": "审核", "build_start": "开始构建",
            "build_ok": "构建完成"}


@dataclass(frozen=True)
class WorkingState:
    seq: dict[str, int]                   # stage -> sequence number (0: never)

    @property
    def build_interrupted(self) -> bool:
        """A build started after the last one that finished (it failed or was killed)."""
        return self.seq["build_start"] > self.seq["build_ok"]

    def unpublishable_reason(self) -> str | None:
        """Why this working copy must not be published (None: it may be)."""
        s = self.seq
        if s["build_ok"] == 0:
            return "工作副本从未完整构建 / the working copy was never built"
        if self.build_interrupted:
            return ("上次构建失败或被中断,工作副本不完整 / the last build failed or was interrupted: "
                    "the working copy is incomplete")
        if s["gate"] <= s["raw"]:
            return ("原始数据在审核之后又有变化,需重新审核并构建 / raw data changed after the edit "
                    "rules ran: run the gate and build again")
        if s["build_start"] <= s["gate"] or s["build_ok"] <= s["raw"]:
            return ("审核或原始数据在构建之后又有变化,需重新构建 / the gate or raw data changed "
                    "after the last build: build again")
        return None


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    for stmt in DDL:
        con.execute(stmt)


def mark(con: duckdb.DuckDBPyConnection, stage: str) -> None:
    """Record that ``stage`` happened now (committed at once: autocommit)."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    ensure(con)
    con.execute(
        "INSERT OR REPLACE INTO meta.working_state "
        "SELECT ?, coalesce((SELECT max(seq) FROM meta.working_state), 0) + 1, ?, ?",
        [stage, dt.datetime.now(), os.getpid()],
    )


def read(con: duckdb.DuckDBPyConnection) -> WorkingState:
    seq = dict.fromkeys(STAGES, 0)
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'meta' AND table_name = 'working_state'").fetchone()[0]
    if exists:
        seq.update(dict(con.execute("SELECT stage, seq FROM meta.working_state").fetchall()))
    return WorkingState(seq)


def read_file(path) -> WorkingState:
    """The state of a working copy on disk (all zero when the file does not exist)."""
    if not os.path.exists(path):
        return WorkingState(dict.fromkeys(STAGES, 0))
    con = duck.connect(str(path), read_only=True)
    try:
        return read(con)
    finally:
        con.close()


def mark_file(path, stage: str) -> None:
    con = duck.connect(str(path))
    try:
        mark(con, stage)
        con.execute("CHECKPOINT")
    finally:
        con.close()
