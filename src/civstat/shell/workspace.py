"""The personal workspace: a user's own DuckDB file, the published warehouse attached read-only.

``civstat sql`` never opens the published file for writing and never writes into it: it opens
``data/workspace/<user>.duckdb`` (``CIVSTAT_WORKSPACE`` to move it) and ATTACHes the published
warehouse read-only under the catalog name its views were built with (the file's stem,
``civstat``). The search path lists the workspace first, then every schema of the warehouse, so
``SELECT * FROM kpi_annual``, ``main.kpi_annual`` and ``raw.submissions`` resolve as they did
when the warehouse was opened directly, while ``CREATE TABLE mine AS …`` lands in the
workspace and survives every refresh.

A refresh replaces the published file with ``os.replace``; the attached old file stays readable
(Linux keeps the inode while it is open) and never blocks the swap. Before each statement the
session notices the new file (another inode) and attaches it again.
"""

from __future__ import annotations

import getpass
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from civstat import paths
from civstat.buildplan import catalog_name
from civstat.warehouse import Warehouse

WORKSPACE_CATALOG = "workspace"


def user_name() -> str:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "user"
    return re.sub(r"[^\w.-]", "_", name) or "user"


def default_workspace() -> Path:
    """``$CIVSTAT_WORKSPACE`` or ``data/workspace/<user>.duckdb``."""
    env = os.environ.get("CIVSTAT_WORKSPACE")
    if env:
        return Path(env).resolve()
    return (paths.DATA_DIR / "workspace" / f"{user_name()}.duckdb").resolve()


def history_path(workspace: Path | None) -> Path:
    """Command history beside the workspace file (``<user>.history``)."""
    base = workspace or default_workspace()
    return base.with_suffix(".history")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Session:
    """One connection: the workspace (default catalog) + the published warehouse (read-only)."""

    con: duckdb.DuckDBPyConnection
    warehouse: Warehouse
    alias: str
    workspace: Path | None  # None: in memory, nothing kept
    note: str = ""  # said once when the session opened (e.g. workspace busy)
    _stamp: tuple[int, int] | None = field(default=None, repr=False)

    # -- the published warehouse -------------------------------------------------------------
    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.warehouse.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def attach(self) -> None:
        self.con.execute(f"ATTACH {_literal(str(self.warehouse.path))} AS {_quote(self.alias)} "
                         "(READ_ONLY)")
        self._stamp = self._file_stamp()
        self.set_search_path()

    def set_search_path(self) -> None:
        schemas = [s for (s,) in self.con.execute(
            "SELECT schema_name FROM duckdb_schemas() WHERE database_name = ? "
            "AND NOT internal AND schema_name <> 'main' ORDER BY schema_name",
            [self.alias]).fetchall()]
        entries = [f"{WORKSPACE_CATALOG}.main", f"{self.alias}.main"]
        entries += [f"{self.alias}.{s}" for s in schemas]
        own = [s for (s,) in self.con.execute(
            "SELECT schema_name FROM duckdb_schemas() WHERE database_name = ? "
            "AND NOT internal AND schema_name <> 'main' ORDER BY schema_name",
            [WORKSPACE_CATALOG]).fetchall()]
        entries += [f"{WORKSPACE_CATALOG}.{s}" for s in own if s not in schemas]
        path = ",".join(f"{_quote(e.split('.')[0])}.{_quote(e.split('.', 1)[1])}" for e in entries)
        self.con.execute(f"SET search_path = {_literal(path)}")

    def reattach_if_replaced(self) -> bool:
        """Attach the published file again if a refresh replaced it; True when it did."""
        stamp = self._file_stamp()
        if stamp is None or stamp == self._stamp:
            return False
        try:
            self.con.execute(f"DETACH {_quote(self.alias)}")
            self.attach()
        except duckdb.Error:
            return False  # e.g. inside an open transaction: keep the old file for now
        return True

    def close(self) -> None:
        self.con.close()


def open_session(warehouse: Warehouse, workspace: Path | None = None, *,
                 keep: bool = True) -> Session:
    """The workspace (``keep=False``: in memory) with the published warehouse attached.

    Raises :class:`civstat.warehouse.WarehouseMissing` when nothing is published yet. A workspace
    another session holds open is not shared: this session works in memory and says so.
    """
    if not warehouse.path.exists():
        warehouse.connect_reader()  # raises WarehouseMissing with the usual message
    alias = catalog_name(warehouse.path)
    con = duckdb.connect(":memory:")
    note = ""
    path: Path | None = None
    if keep:
        path = workspace or default_workspace()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con.execute(f"ATTACH {_literal(str(path))} AS {WORKSPACE_CATALOG}")
        except duckdb.Error:
            note = (f"工作区 {path} 正被另一会话使用,本次会话建的表不会保存 / the workspace is "
                    "open in another session: tables created now are not kept")
            path = None
    if path is None:
        con.execute(f"ATTACH ':memory:' AS {WORKSPACE_CATALOG}")
    con.execute(f"USE {WORKSPACE_CATALOG}")
    session = Session(con, warehouse, alias, path, note)
    session.attach()
    return session
