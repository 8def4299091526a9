"""Withdrawing a return (撤回): ``civstat withdraw FILE --reason TEXT``.

A return loaded by mistake — sent for the wrong township or quarter, a test file, a correction
the township takes back — is withdrawn by name (its path in the drop zone, as the ingest lists
it, or its submission id). Deleting its file does not do it: the warehouse keeps what it loaded
(:func:`civstat.ingest.cli.left_drop_zone` says so at every ingest). A withdrawal is a row of
``raw.withdrawals`` (who, when, why), nothing is deleted; :func:`civstat.ingest.store.refresh_current`
never makes a withdrawn return current, so the township's earlier return of that quarter is
current again, or none is and the quarter counts as not sent. The next gate and build publish
that.

The file must have left the drop zone first: a withdrawn file that is (or comes) back there is
taken as sent again — the next ingest restores it (``restored_at``) and says so — so that the
drop zone and the warehouse never disagree in silence.
"""

from __future__ import annotations

import datetime as dt
import getpass
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import click

from civstat import duck, paths
from civstat.raw_schema import OPEN_WITHDRAWALS, create_raw_schema, has_table, open_withdrawals

_SUBMISSION_ID = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True)
class Withdrawn:
    file_path: str
    unit: str                 # the township as its cover named it (else its code)
    period: str
    now_current: str | None   # the township's return of that quarter current now, if any
    was_current: bool = True  # it was the current one (else a return already replaced)

    def line(self) -> str:
        if self.now_current and not self.was_current:
            then = (f"原已被替代,现行报表仍为 {self.now_current} / it had been replaced already; "
                    f"the current return is still {self.now_current}")
        elif self.now_current:
            then = f"现行报表改为 {self.now_current} / the current return is now {self.now_current}"
        else:
            then = ("该季度已无现行报表,按未报送处理 / no current return left for the quarter "
                    "(counted as not sent)")
        return f"{self.file_path}({self.unit} {self.period}):{then}"


class WithdrawRefused(click.ClickException):
    """A withdrawal that cannot be done as asked: one line, exit 2 (nothing is written)."""

    exit_code = 2


def _target(raw: Path, text: str) -> str:
    """A return named on the command line → its path as the warehouse records it (relative to
    the drop zone, ``/``-separated, NFC: a name copied from a Mac is NFD); a member of a CSV
    group (``马店镇__封面.csv``) names the group (its stem); a submission id is lower-cased."""
    text = unicodedata.normalize("NFC", text.strip())
    if _SUBMISSION_ID.fullmatch(text.lower()):
        return text.lower()
    path = Path(text)
    for candidate in (path, Path.cwd() / path):
        try:
            path = Path(candidate.resolve().relative_to(raw))
            break
        except ValueError:
            continue
    if path.suffix.lower() == ".csv" and "__" in path.stem:
        path = path.with_name(path.stem.split("__", 1)[0])
    return path.as_posix()


@dataclass(frozen=True)
class Plan:
    """What :func:`plan` found: the returns to withdraw (submission id, file, sha, township
    code, period, township, current), and one line for each named return already withdrawn."""

    rows: list[tuple]
    already: list[str]


def plan(con, raw: Path, names: list[str], reason: str) -> Plan:
    """Check a withdrawal of ``names`` (paths or submission ids) without writing: every name
    must be a loaded return whose file — under its name or any other — is no longer in the drop
    zone (:class:`WithdrawRefused`, naming the first that is not)."""
    from civstat.ingest.discover import scan
    from civstat.ingest.workbook import file_sha256

    if not reason.strip():
        raise WithdrawRefused("请用 --reason 写明撤回原因(记入仓库备查) / give the reason for the "
                              "withdrawal with --reason (it is kept on record)")
    if not raw.is_dir():  # else every file would seem gone from it
        raise WithdrawRefused(f"投递目录不存在 / no drop zone at {raw} (--raw)")
    if not has_table(con, "submissions"):
        raise WithdrawRefused("仓库中还没有读取过报表 / no return has been loaded yet")
    withdrawn = {sid for (sid,) in con.execute(
        f"SELECT submission_id FROM ({open_withdrawals(con)})").fetchall()}
    units = scan(raw, None).units
    present = {unicodedata.normalize("NFC", unit.rel): unit for unit in units}
    rows, already = [], []
    moved = ("submission_id IN (SELECT submission_id FROM raw.file_moves "  # a name it had
             "WHERE nfc_normalize(from_path) = ?)" if has_table(con, "file_moves") else "?::VARCHAR IS NULL")
    for name in names:
        target = _target(raw, name)
        found = con.execute(
            "SELECT submission_id, file_path, file_sha256, division_code, period, "
            "coalesce(unit_name, division_code), is_current FROM raw.submissions "
            f"WHERE nfc_normalize(file_path) = ? OR submission_id = ? OR {moved} "
            "ORDER BY ingested_at", [target, target, target]).fetchall()
        if not found:
            raise WithdrawRefused(
                f"仓库中没有读取过 {target}(请写投递目录中的路径,如 2025Q2/杨庄镇.xlsx,或提交编号)"
                f" / no return loaded from {target} (give its path in the drop zone, e.g. "
                "2025Q2/杨庄镇.xlsx, or its submission id)")
        for row in found:
            sid, file, _, _, period, unit, _ = row
            if sid in withdrawn:
                already.append(f"{file}({unit} {period})已撤回过 / was withdrawn already")
            elif unicodedata.normalize("NFC", file) in present:  # (named as it was: where it is)
                named = target in (unicodedata.normalize("NFC", file), sid)
                raise _still_there(file if named else target, file)
            elif row not in rows:
                rows.append(row)
    if rows:  # the same bytes under another name are the same return, still there
        shas = {row[2]: row[1] for row in rows}
        for rel, unit in present.items():
            try:
                sha = file_sha256(unit.files)
            except OSError:
                continue
            if sha in shas:
                raise _still_there(shas[sha], rel)
    return Plan(rows, already)


def _still_there(file: str, where: str) -> WithdrawRefused:
    at = "" if where == file else f"(以 {where} 的名字)"
    at_en = "" if where == file else f" (as {where})"
    return WithdrawRefused(
        f"{file} 仍在投递目录中{at}:请先把文件移出投递目录再撤回,否则下次读取会把它当作重新报送"
        f" / {file} is still in the drop zone{at_en}: move it out first, or the next ingest takes "
        "it as sent again")


def withdraw(con, planned: Plan, reason: str, who: str | None = None) -> list[Withdrawn]:
    """Record the withdrawals :func:`plan` checked and make the returns current that are now;
    what is current for each township and quarter afterwards."""
    from civstat.ingest.store import refresh_current

    create_raw_schema(con)
    now, who = dt.datetime.now(), who if who is not None else _user()
    con.execute("BEGIN TRANSACTION")
    try:
        con.executemany(
            "INSERT INTO raw.withdrawals (submission_id, file_path, file_sha256, division_code, "
            "period, reason, withdrawn_by, withdrawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [[sid, file, sha, code, period, reason.strip(), who, now]
             for sid, file, sha, code, period, _, _ in planned.rows])
        refresh_current(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    out = []
    for _, file, _, code, period, unit, was_current in planned.rows:
        current = con.execute("SELECT file_path FROM raw.submissions WHERE is_current "
                              "AND division_code = ? AND period = ?", [code, period]).fetchall()
        out.append(Withdrawn(file, unit, period, current[0][0] if current else None, was_current))
    return out


def restore(con, present: set[tuple[str, str]]) -> list[str]:
    """The withdrawn returns whose very file (path and bytes, of ``present``) is in the drop
    zone again: restored (``restored_at``), with one line each; the caller refreshes which
    returns are current."""
    back = [(sid, file, unit, period) for sid, file, sha, unit, period in con.execute(
        "SELECT w.submission_id, w.file_path, w.file_sha256, coalesce(s.unit_name, s.division_code), "
        f"s.period FROM ({OPEN_WITHDRAWALS}) w JOIN raw.submissions s USING (submission_id) "
        "ORDER BY w.file_path").fetchall() if (file, sha) in present]
    if back:
        con.executemany("UPDATE raw.withdrawals SET restored_at = ? "
                        "WHERE submission_id = ? AND restored_at IS NULL",
                        [[dt.datetime.now(), sid] for sid, *_ in back])
    return [f"{file}({unit} {period}):撤回后又放回投递目录,按重新报送恢复 / back in the drop "
            "zone after its withdrawal: restored as sent again" for _, file, unit, period in back]


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


@click.command("withdraw")
@click.argument("files", nargs=-1, required=True)
@click.option("--reason", required=True, help="撤回原因(记入仓库备查) / why (kept on record)")
@click.option("--raw", "raw_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="投递目录 / drop zone (default data/raw)")
@click.option("--warehouse", "warehouse_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="已发布仓库 / published warehouse (default $CIVSTAT_WAREHOUSE)")
def withdraw_command(files, reason, raw_dir, warehouse_path) -> None:
    """撤回已读取的报表(先把文件移出投递目录)/ withdraw loaded returns (move their files out
    of the drop zone first).

    FILES: 投递目录中的路径(2025Q2/杨庄镇.xlsx)或提交编号 / paths in the drop zone or
    submission ids. 该乡镇该季度此前的报表恢复为现行,没有则按未报送处理;运行 civstat build
    重新审核并发布 / the township's earlier return of the quarter is current again, else
    none is; `civstat build` gates and publishes it.

    退出码 / exit: 0 已撤回 / withdrawn; 2 用法错误、文件未读取过或仍在投递目录 / usage
    error, a file never loaded or still in the drop zone.
    """
    from rich.console import Console
    from rich.markup import escape

    from civstat.warehouse import Warehouse, WarehouseBusy

    console = Console(highlight=False, soft_wrap=True)
    raw = (raw_dir or paths.raw_dir()).resolve()
    wh = Warehouse.at(warehouse_path)
    if not wh.working.exists() and not wh.path.exists():
        raise WithdrawRefused(f"仓库尚无读取过的报表 / no warehouse at {wh.path}: nothing was loaded")
    try:
        with wh.lock():
            with duck.connect(str(wh.prepare_working()), read_only=True) as con:
                planned = plan(con, raw, list(files), reason)
            done = []
            if planned.rows:  # the working copy changes (and needs the gate) only now
                with wh.connect_writer() as con:
                    done = withdraw(con, planned, reason)
    except WarehouseBusy as exc:
        console.print(f"[red]错误 / error: {escape(str(exc))}[/]")
        sys.exit(2)
    for line in planned.already:
        console.print(f"[dim]{escape(line)}[/]")
    for item in done:
        console.print(f"已撤回 / withdrawn: {escape(item.line())}")
    if done:
        console.print("已记入工作副本,运行 civstat build 重新审核并发布 / recorded in the working "
                      "copy; `civstat build` gates and publishes it")
