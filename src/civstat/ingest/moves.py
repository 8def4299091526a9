"""A loaded return's file moved or renamed by the bureau inside its quarter's folder (into a
subfolder such as ``2025Q1/已审/``, or under another name): the same bytes, its old name gone.

It is the same return, not a second copy of it: it keeps its submission, figures and findings,
and is not refused as a duplicate. Its ``file_path`` in ``raw.submissions`` and the
``source_file`` of every row read from it (each sheet's raw table, ``raw.findings``) follow the
file, so that the warehouse, the gate's messages and the summary's trace name the file where it
lies; ``raw.file_moves`` keeps where it was (nothing is forgotten). The next ``civstat build``
gates and publishes the new names.

Not a move: a file whose old name still holds the same bytes (a copy: refused as a duplicate), a
file moved into another quarter's folder (read as that quarter's, where its cover decides), the
bytes of a withdrawn return (put back under its own name, it is restored:
:func:`civstat.ingest.withdraw.restore`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from civstat.contract import load_contract


@dataclass(frozen=True)
class Move:
    submission_id: str
    old: str
    new: str
    sha: str

    def line(self, unit: str, period: str) -> str:
        return (f"{self.old} → {self.new}({unit} {period}):同一文件移动或改名,按原报表保留,"
                f"不重复读取 / the same file moved or renamed: kept as the return it was, not "
                "read again")


def moved_from(sha: str, folder: str, present: dict[str, str], loaded: dict[str, tuple],
               withdrawn: set[str]) -> tuple[str, str] | None:
    """(submission id, old path) when a file of the drop zone with these bytes (``sha``), in
    ``folder``, is a loaded return moved there: its old path no longer holds its bytes, it was
    loaded from the same quarter's folder, and it is not withdrawn. ``loaded``: sha → (path,
    folder, submission id) of the loaded returns; ``present``: the drop zone's path → sha."""
    known = loaded.get(sha)
    if known is None:
        return None
    old, old_folder, sid = known
    if present.get(old) == sha or old_folder != folder or old in withdrawn:
        return None
    return sid, old


def record_moves(con, moves: list[Move], now: dt.datetime) -> list[str]:
    """The moved returns' paths updated everywhere a row names its file, the old one kept in
    ``raw.file_moves``; one line each (for the ingest's output)."""
    if not moves:
        return []
    tables = ["submissions", "findings", *(s.table for s in load_contract().sheets)]
    for move in moves:
        for table in tables:
            column = "file_path" if table == "submissions" else "source_file"
            con.execute(f"UPDATE raw.{table} SET {column} = ? WHERE submission_id = ?",
                        [move.new, move.submission_id])
    con.executemany("INSERT INTO raw.file_moves VALUES (?, ?, ?, ?, ?)",
                    [[m.submission_id, m.old, m.new, m.sha, now] for m in moves])
    names = dict(con.execute(
        "SELECT submission_id, coalesce(unit_name, division_code) || ' ' || period "
        "FROM raw.submissions WHERE list_contains(?, submission_id)",
        [[m.submission_id for m in moves]]).fetchall())
    return [m.line(*names[m.submission_id].rsplit(" ", 1)) for m in moves]
