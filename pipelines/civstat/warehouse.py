"""The DuckDB warehouse: one writer at a time, readers never blocked.

DuckDB lets one process write a file. Statisticians keep the warehouse open in the CLI, a
notebook or a BI tool, so the refresh never writes the file they read:

* the writer works on ``<stem>.build.duckdb`` under an exclusive lock file
  (``<stem>.lock``, ``fcntl.flock``) — one writer, whichever process it is;
* :meth:`Warehouse.publish` copies the finished working file next to the published one and
  swaps it in with ``os.replace`` (atomic on POSIX). A reader holding the old file keeps
  reading the old inode, consistently; the next connection sees the new warehouse whole.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from civstat import paths


class WarehouseBusy(RuntimeError):
    """Another process holds the writer lock."""


class WarehouseMissing(FileNotFoundError):
    """No published warehouse yet."""


@dataclass(frozen=True)
class Warehouse:
    path: Path  # the published file

    @classmethod
    def default(cls) -> Warehouse:
        return cls(paths.warehouse_path())

    @classmethod
    def at(cls, path: str | os.PathLike | None) -> Warehouse:
        return cls(Path(path).resolve()) if path else cls.default()

    @property
    def working(self) -> Path:
        return self.path.with_name(self.path.stem + ".build.duckdb")

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.stem + ".lock")

    # -- writing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, timeout: float = 600.0) -> Iterator[None]:
        """Hold the single-writer lock (blocks up to ``timeout`` seconds)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+") as fh:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise WarehouseBusy(
                            f"仓库正被其他进程写入 / warehouse is being written by another process "
                            f"({self.lock_path})"
                        ) from None
                    time.sleep(0.2)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def prepare_working(self) -> Path:
        """Make sure the working copy exists (seeded from the published file if any)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.working.exists() and self.path.exists():
            shutil.copy2(self.path, self.working)
        return self.working

    @contextlib.contextmanager
    def connect_writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the working copy. Callers hold :meth:`lock`."""
        self.prepare_working()
        con = duckdb.connect(str(self.working))
        try:
            yield con
            con.execute("CHECKPOINT")
        finally:
            con.close()

    def publish(self) -> Path:
        """Atomically replace the published warehouse with the working copy."""
        if not self.working.exists():
            raise WarehouseMissing(f"没有可发布的工作副本 / no working copy at {self.working}")
        tmp = self.path.with_name(f".{self.path.stem}.{os.getpid()}.publishing.duckdb")
        shutil.copy2(self.working, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        return self.path

    # -- reading ---------------------------------------------------------------------------
    def connect_reader(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the published warehouse."""
        if not self.path.exists():
            raise WarehouseMissing(
                f"仓库尚未发布,请先运行 civstat ingest / civstat build "
                f"(no published warehouse at {self.path})"
            )
        return duckdb.connect(str(self.path), read_only=True)

    @contextlib.contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self.connect_reader()
        try:
            yield con
        finally:
            con.close()
