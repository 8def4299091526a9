"""The single-writer lock, the publish gate and the atomic publish of civstat.warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import duckdb
import pytest

from civstat import workstate
from civstat.warehouse import NotPublishable, Warehouse, WarehouseBusy, WarehouseMissing


def _stage(wh: Warehouse, value: int) -> None:
    """A raw write, as ingest does it."""
    with wh.lock(), wh.connect_writer() as con:
        con.execute("CREATE OR REPLACE TABLE t AS SELECT ? AS v", [value])


def _built(wh: Warehouse, *stages: str) -> None:
    for stage in stages or ("gate", "build_start", "build_ok"):
        workstate.mark_file(wh.working, stage)


def _write(wh: Warehouse, value: int) -> None:
    _stage(wh, value)
    _built(wh)
    with wh.lock():
        wh.publish()


def test_publish_swaps_in_a_complete_file(tmp_path):
    wh = Warehouse(tmp_path / "civstat.duckdb")
    _write(wh, 1)
    with wh.reader() as con:
        assert con.execute("SELECT v FROM t").fetchone() == (1,)
    _write(wh, 2)
    with wh.reader() as con:
        assert con.execute("SELECT v FROM t").fetchone() == (2,)
    assert not list(tmp_path.glob("*.publishing.duckdb"))


def test_reader_in_another_process_keeps_its_view_and_does_not_block(tmp_path):
    wh = Warehouse(tmp_path / "civstat.duckdb")
    _write(wh, 1)
    script = textwrap.dedent(
        f"""
        import duckdb, sys
        con = duckdb.connect({str(wh.path)!r}, read_only=True)
        print(con.execute("SELECT v FROM t").fetchone()[0], flush=True)
        sys.stdin.readline()          # hold the connection open until told
        print(con.execute("SELECT v FROM t").fetchone()[0], flush=True)
        """
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout.readline().strip() == "1"
        _write(wh, 2)  # would raise if the open reader blocked the writer
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1"  # consistent old view, never half a refresh
    finally:
        reader.communicate(timeout=30)
    with wh.reader() as con:
        assert con.execute("SELECT v FROM t").fetchone() == (2,)


def test_second_writer_waits_for_the_lock(tmp_path):
    wh = Warehouse(tmp_path / "civstat.duckdb")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys
                from pathlib import Path
                from civstat.warehouse import Warehouse
                with Warehouse(Path({str(wh.path)!r})).lock():
                    print("locked", flush=True)
                    sys.stdin.readline()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseBusy), wh.lock(timeout=0.5):
            pass
    finally:
        holder.communicate("\n", timeout=30)
    with wh.lock(timeout=5):
        pass


def test_reader_on_missing_warehouse_says_what_to_do(tmp_path):
    with pytest.raises(WarehouseMissing, match="civstat ingest"):
        Warehouse(tmp_path / "none.duckdb").connect_reader()


def test_working_copy_starts_from_published(tmp_path):
    wh = Warehouse(tmp_path / "civstat.duckdb")
    _write(wh, 7)
    wh.working.unlink()
    with wh.lock(), wh.connect_writer() as con:
        assert con.execute("SELECT v FROM t").fetchone() == (7,)
    duckdb.connect(str(wh.path), read_only=True).close()


@pytest.mark.parametrize("stages", [
    (),                                    # raw data staged, never gated nor built
    ("gate",),                             # gated, not built
    ("gate", "build_start"),               # build failed or was killed
    ("build_start", "build_ok"),           # built without the gate
    ("gate", "build_start", "build_ok", "build_start"),  # a later build did not finish
])
def test_publish_refuses_a_copy_that_did_not_finish_a_gated_build(tmp_path, stages):
    wh = Warehouse(tmp_path / "civstat.duckdb")
    _write(wh, 1)
    before = wh.path.read_bytes()
    _stage(wh, 2)
    for stage in stages:
        workstate.mark_file(wh.working, stage)
    with wh.lock(), pytest.raises(NotPublishable, match="未发布"):
        wh.publish()
    assert wh.path.read_bytes() == before
    assert workstate.read_file(wh.working).build_interrupted == (stages[-1:] == ("build_start",))


def test_publish_needs_the_lock(tmp_path):
    wh = Warehouse(tmp_path / "civstat.duckdb")
    _stage(wh, 1)
    _built(wh)
    with pytest.raises(RuntimeError, match="lock"):
        wh.publish()


def test_a_waiting_writer_says_once_who_holds_the_lock(tmp_path):
    wh = Warehouse(tmp_path / "civstat.duckdb")
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from pathlib import Path
            from civstat.warehouse import Warehouse
            with Warehouse(Path({str(wh.path)!r})).lock():
                print("locked", flush=True)
                sys.stdin.readline()
            """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    said: list[str] = []
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseBusy, match=f"pid {holder.pid}"), \
                wh.lock(timeout=1.0, on_wait=said.append):
            pass
    finally:
        holder.communicate("\n", timeout=30)
    assert len(said) == 1 and "等待写锁" in said[0] and f"pid {holder.pid}" in said[0]


def test_a_publish_killed_before_its_rename_leaves_nothing_behind(tmp_path):
    wh = Warehouse(tmp_path / "civstat.duckdb")
    _write(wh, 1)
    before = wh.path.read_bytes()
    _stage(wh, 2)
    _built(wh)
    script = textwrap.dedent(f"""
        from pathlib import Path
        from civstat.warehouse import Warehouse
        wh = Warehouse(Path({str(wh.path)!r}))
        with wh.lock():
            wh.publish()
        """)
    proc = subprocess.run([sys.executable, "-c", script], check=False, env={**os.environ,
                          "CIVSTAT_FAULT": "publish.after_copy"}, timeout=60)
    assert proc.returncode == -9
    assert wh.path.read_bytes() == before
    assert list(tmp_path.glob(".*.publishing.duckdb"))  # the killed publish's copy
    with wh.lock():  # the next holder of the lock cleans it and publishes
        wh.publish()
    assert not list(tmp_path.glob(".*.publishing.duckdb"))
    with wh.reader() as con:
        assert con.execute("SELECT v FROM t").fetchone() == (2,)


@pytest.mark.parametrize("name", ["civstat.duckdb", "县局.v2.duckdb", "warehouse", "wh.", ".hidden",
                                  ".hidden.duckdb"])
def test_dbt_writes_the_working_copy_civstat_names(tmp_path, name):
    """dbt's profile derives the working copy from CIVSTAT_WAREHOUSE as Warehouse.working does
    (before: a name ending in '.' gave dbt ``wh.build.duckdb`` and civstat ``wh..build.duckdb``:
    dbt built a file civstat never gated nor published)."""
    import jinja2
    import yaml

    from civstat import paths

    profile = yaml.safe_load((paths.DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    template = profile["civstat"]["outputs"]["dev"]["path"]
    published = tmp_path / name
    env = jinja2.Environment()
    rendered = env.from_string(template).render(
        env_var=lambda key, default=None: str(published) if key == "CIVSTAT_WAREHOUSE" else default)
    assert rendered == str(Warehouse(published).working)
