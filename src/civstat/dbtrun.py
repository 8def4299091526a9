"""Running dbt: the project's executable, environment and profile, one subprocess per command.

dbt's profile (``dbt_project/profiles.yml``) derives the working copy ``<stem>.build.duckdb``
from ``CIVSTAT_WAREHOUSE``, the same variable :class:`civstat.warehouse.Warehouse` reads, so
every entry point sets that variable to the published path and dbt writes beside it.
Each warehouse has its own dbt target folder (:attr:`Warehouse.dbt_target`); the project's
``target/manifest.json``, which Dagster loads, is written only by :func:`prepare_manifest`.
dbt runs in a subprocess that inherits the writer lock (so the lock is held for as long as dbt
writes, even if its parent is killed) and is killed with its parent (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import ctypes
import fcntl
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from civstat import duck, paths
from civstat.warehouse import Warehouse

DBT_TARGET_DIR = paths.DBT_PROJECT_DIR / "target"
MANIFEST_PATH = DBT_TARGET_DIR / "manifest.json"


class DbtFailed(RuntimeError):
    """dbt exited with a non-zero status."""


def _die_with_parent() -> None:
    """In the dbt child: receive SIGTERM when the parent dies (no orphan writer)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


# the pid of the process that starts dbt through civstat-dbt (:func:`exec_dbt`)
PARENT_ENV = "CIVSTAT_DBT_PARENT"


def exec_dbt() -> None:
    """``civstat-dbt``: dbt that dies with the process that started it.

    Dagster's ``DbtCliResource`` starts dbt itself, with neither a ``preexec_fn`` nor the
    writer lock: a run killed with SIGKILL left dbt building on, unlocked. This entry point is
    its ``dbt_executable`` (:func:`dagster_dbt_executable`): it asks the kernel for SIGTERM when
    its parent dies (``PR_SET_PDEATHSIG`` holds across exec) and becomes dbt. A parent that
    died before that (named in :data:`PARENT_ENV`) ends it at once."""
    _die_with_parent()
    parent = os.environ.get(PARENT_ENV, "")
    if parent.isdigit() and os.getppid() != int(parent):
        sys.exit(128 + signal.SIGTERM)
    dbt = dbt_executable()
    os.execv(dbt, [dbt, *sys.argv[1:]])


def dagster_dbt_executable() -> str:
    """``civstat-dbt`` beside dbt (installed with civstat), else dbt itself."""
    dbt = Path(dbt_executable())
    wrapper = dbt.with_name("civstat-dbt")
    return str(wrapper) if wrapper.exists() else str(dbt)


def dbt_executable() -> str:
    """The dbt entry point of the running environment."""
    bases = [Path(sys.executable).parent, Path(sys.prefix) / "bin"]
    # A launcher (dg) may run us with another interpreter on a borrowed sys.path: then the
    # entry point sits in the bin/ of the environment that holds the dbt package itself.
    spec = importlib.util.find_spec("dbt")
    if spec is not None and spec.submodule_search_locations:
        site = Path(next(iter(spec.submodule_search_locations)))
        bases += [parent / "bin" for parent in site.parents]
    for base in bases:
        if (base / "dbt").exists():
            return str(base / "dbt")
    return shutil.which("dbt") or "dbt"


def dbt_env(warehouse: Warehouse | None = None) -> dict[str, str]:
    """Environment for a dbt process: the published path in CIVSTAT_WAREHOUSE, no tracking."""
    env = dict(os.environ)
    if warehouse is not None:
        env["CIVSTAT_WAREHOUSE"] = str(Path(warehouse.path).resolve())
    env[duck.MEMORY_ENV] = duck.memory_limit()  # profiles.yml caps dbt's DuckDB with it
    env.setdefault("DO_NOT_TRACK", "1")
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def run_dbt(
    args: Sequence[str],
    warehouse: Warehouse | None = None,
    *,
    capture: bool = False,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """Run ``dbt <args>`` on the project (profiles in the project directory).

    The files dbt reads from the programme catalogue are brought up to date first
    (:mod:`civstat.contract.dbtgen`), so a programme file added since is part of the run.
    """
    from civstat.contract import dbtgen

    dbtgen.sync()
    cmd = [dbt_executable(), *args, "--project-dir", str(paths.DBT_PROJECT_DIR),
           "--profiles-dir", str(paths.DBT_PROJECT_DIR)]
    if warehouse is not None and "--target-path" not in args:
        cmd += ["--target-path", str(warehouse.dbt_target)]
    lock_fd = warehouse.lock_fd() if warehouse is not None else None
    proc = subprocess.run(
        cmd,
        cwd=paths.DBT_PROJECT_DIR,
        env=dbt_env(warehouse),
        text=True,
        capture_output=capture,
        check=False,
        pass_fds=(lock_fd,) if lock_fd is not None else (),
        preexec_fn=_die_with_parent,
    )
    if check and proc.returncode != 0:
        tail = (proc.stdout or "")[-4000:] if capture else ""
        raise DbtFailed(
            f"dbt {' '.join(args)} 失败(退出码 {proc.returncode}) / failed (exit {proc.returncode})"
            + (f"\n{tail}" if tail else "")
        )
    return proc


def prepare_manifest(warehouse: Warehouse | None = None) -> Path:
    """``dbt parse`` once, so ``target/manifest.json`` exists before Dagster imports it. The
    manifest is parsed aside and renamed into place: a process loading it reads the old one or
    the new one whole, never a half-written file."""
    DBT_TARGET_DIR.mkdir(parents=True, exist_ok=True)
    with open(DBT_TARGET_DIR / ".prepare.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test workers / processes parse one at a time
        aside = DBT_TARGET_DIR / ".prepare"
        run_dbt(["parse", "--quiet", "--target-path", str(aside)],
                warehouse or Warehouse.default(), capture=True)
        os.replace(aside / "manifest.json", MANIFEST_PATH)
    return MANIFEST_PATH




def main(argv: Sequence[str] | None = None) -> int:
    """``python -m civstat.dbtrun prepare`` — parse the dbt project (write the manifest)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["prepare"]:
        print(prepare_manifest())
        return 0
    print("usage: python -m civstat.dbtrun prepare", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
