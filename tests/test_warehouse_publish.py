"""The single-writer lock and the atomic publish of civstat.warehouse."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

from civstat.warehouse import Warehouse, WarehouseBusy, WarehouseMissing


def _write(wh: Warehouse, value: int) -> None:
    with wh.lock(), wh.connect_writer() as con:
        con.execute("CREATE OR REPLACE TABLE t AS SELECT ? AS v", [value])
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
