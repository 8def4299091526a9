"""The DuckDB warehouse: one writer at a time, readers never blocked, nothing unbuilt published.

DuckDB lets one process write a file. Statisticians keep the warehouse open in the CLI, a
notebook or a BI tool, so the refresh never writes the file they read:

* the writer works on ``<stem>.build.duckdb`` under an exclusive lock file
  (``<stem>.lock``, ``fcntl.flock``) — one writer, whichever process it is. The holder writes
  its pid, command and start time into the lock file; a command that has to wait says so once
  and gives up after ``CIVSTAT_LOCK_TIMEOUT`` seconds (default 600) with :class:`WarehouseBusy`;
* every write marks the working copy (:mod:`civstat.workstate`), and :meth:`Warehouse.publish`
  refuses a copy that was not gated and fully built after its last change;
* publishing copies the finished working file next to the published one and swaps it in with
  ``os.replace`` (atomic on POSIX). A reader holding the old file keeps reading the old inode,
  consistently; the next connection sees the new warehouse whole. A copy left behind by a
  killed publish is removed by the next holder of the lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from civstat import duck, faults, paths, workstate

DEFAULT_LOCK_TIMEOUT = 600.0

# Lock files this process holds (path -> open file): the fd is handed to child writers (dbt)
# so that the lock outlives a killed parent for as long as its child still writes.
_HELD: dict[Path, object] = {}


def lock_timeout() -> float:
    """Seconds a writer waits for the lock (``CIVSTAT_LOCK_TIMEOUT``, default 600)."""
    try:
        return float(os.environ.get("CIVSTAT_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def _say_waiting(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class WarehouseBusy(RuntimeError):
    """Another process holds the writer lock."""


class WarehouseMissing(FileNotFoundError):
    """No published warehouse yet."""


class NotPublishable(RuntimeError):
    """The working copy did not finish a gated build since its last change."""


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
    def dbt_target(self) -> Path:
        """dbt's target folder for the commands run on this warehouse (``data/.civstat.dbt``):
        its own manifest, compiled SQL and docs, so that a build never rewrites the manifest
        another process (Dagster's code server, another warehouse's build) is reading."""
        return self.path.with_name(f".{self.path.stem}.dbt")

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.stem + ".lock")

    # -- writing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, timeout: float | None = None,
             on_wait: Callable[[str], None] | None = _say_waiting) -> Iterator[None]:
        """Hold the single-writer lock; wait up to ``timeout`` seconds (default
        :func:`lock_timeout`), saying once who holds it, then raise :class:`WarehouseBusy`."""
        if self.lock_path in _HELD:  # re-entrant within one process
            yield
            return
        timeout = lock_timeout() if timeout is None else timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+") as fh:
            deadline = time.monotonic() + timeout
            told = False
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    holder = self.lock_holder()
                    if time.monotonic() > deadline:
                        raise WarehouseBusy(
                            f"写锁等待超时({timeout:.0f} 秒),{holder} 仍在写入仓库 / gave up after "
                            f"{timeout:.0f} s waiting for the writer lock held by {holder} "
                            f"({self.lock_path}; CIVSTAT_LOCK_TIMEOUT)"
                        ) from None
                    if not told and on_wait is not None:
                        on_wait(f"等待写锁:{holder} 正在写入仓库 … / waiting for the writer lock "
                                f"held by {holder} …")
                        told = True
                    time.sleep(0.2)
            _HELD[self.lock_path] = fh
            try:
                self._write_holder(fh)
                self._remove_stale_publishing()
                yield
            finally:
                _HELD.pop(self.lock_path, None)
                fcntl.flock(fh, fcntl.LOCK_UN)

    def lock_fd(self) -> int | None:
        """The file descriptor of the lock this process holds (for child writers), if any."""
        fh = _HELD.get(self.lock_path)
        return fh.fileno() if fh is not None else None

    def lock_holder(self) -> str:
        """Who holds the lock, as written by the holder (best effort)."""
        try:
            text = self.lock_path.read_text(encoding="utf-8").strip()
        except OSError:
            text = ""
        return text or "另一进程 / another process"

    @staticmethod
    def _write_holder(fh) -> None:
        command = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv[:3]))
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} ({command}, {dt.datetime.now():%Y-%m-%d %H:%M:%S})")
        fh.flush()

    def _remove_stale_publishing(self) -> None:
        """Copies left by a publish that was killed before its rename (we hold the lock)."""
        for stale in self.path.parent.glob(f".{self.path.stem}.*.publishing.duckdb"):
            stale.unlink(missing_ok=True)

    def prepare_working(self) -> Path:
        """Make sure the working copy exists (seeded from the published file if any)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.working.exists() and self.path.exists():
            shutil.copy2(self.path, self.working)
        return self.working

    @contextlib.contextmanager
    def connect_writer(self, stage: str = "raw") -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the working copy. Callers hold :meth:`lock`.

        ``stage="raw"`` (ingest, reference data) marks the copy changed before anything is
        written; ``stage="gate"`` marks the edit rules as evaluated once the block finished.
        """
        if self.lock_fd() is None:
            raise RuntimeError("connect_writer() without the writer lock")
        self.prepare_working()
        con = duck.connect(str(self.working))
        try:
            if stage == "raw":
                workstate.mark(con, "raw")
            yield con
            if stage == "gate":
                workstate.mark(con, "gate")
            faults.point("writer.before_checkpoint")
            con.execute("CHECKPOINT")
        finally:
            con.close()

    def state(self) -> workstate.WorkingState:
        return workstate.read_file(self.working)

    def publish(self) -> Path:
        """Atomically replace the published warehouse with the working copy — only a copy whose
        last change was gated and fully built (:mod:`civstat.workstate`), only under the lock."""
        if self.lock_fd() is None:
            raise RuntimeError("publish() without the writer lock")
        if not self.working.exists():
            raise WarehouseMissing(f"没有可发布的工作副本 / no working copy at {self.working}")
        reason = self.state().unpublishable_reason()
        if reason is not None:
            raise NotPublishable(f"未发布,已发布的仓库保持不变:{reason} / nothing published "
                                 f"({self.path} unchanged)")
        tmp = self.path.with_name(f".{self.path.stem}.{os.getpid()}.publishing.duckdb")
        try:
            shutil.copy2(self.working, tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
        except OSError:  # a full disk: the half copy would keep it full until the next build
            tmp.unlink(missing_ok=True)
            raise
        faults.point("publish.after_copy")
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
        return duck.connect(str(self.path), read_only=True)

    @contextlib.contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self.connect_reader()
        try:
            yield con
        finally:
            con.close()
