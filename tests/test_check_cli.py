"""``civstat check`` as a county's CI runs it: a subprocess on a warehouse file written by the test.
Exit 0 on a clean county, 1 on a hard failure, 2 on usage or set-up errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_quality_support import T2, build_clean, mutate, sid


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    return build_clean(tmp_path_factory.mktemp("check") / "civstat.duckdb")


def civstat(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DO_NOT_TRACK": "1", "GX_ANALYTICS_ENABLED": "false",
           "CIVSTAT_OUTPUT_DIR": str(cwd / "output")}
    return subprocess.run([sys.executable, "-m", "civstat.cli", "check", *args], cwd=cwd, env=env,
                          check=False, capture_output=True, text=True, timeout=300)


def test_clean_warehouse_exits_0(clean, tmp_path):
    proc = civstat("--warehouse", str(clean), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "H4" in proc.stdout and "S11" in proc.stdout and "无硬性错误" in proc.stdout
    reports = list((tmp_path / "output" / "quality").glob("quality_report_*.html"))
    assert len(reports) == 1
    assert "未发现硬性审核错误" in reports[0].read_text(encoding="utf-8")


def test_hard_failure_exits_1_and_names_the_cell(clean, tmp_path):
    broken = mutate(clean, tmp_path / "broken.duckdb", [
        (f"UPDATE raw.tekun SET dispersed = dispersed - 2, persons = persons WHERE submission_id = "
        f"'{sid(T2, '2024Q2')}' AND category IN ('rural', 'total')")])
    out = tmp_path / "report"
    proc = civstat("--warehouse", str(broken), "--quarter", "2024Q2", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "城北街道 2024Q2" in proc.stdout
    html = (out / "quality_report_2024Q2.html").read_text(encoding="utf-8")
    assert "城北街道" in html and "表2 特困人员救助供养" in html and "分散供养人数" in html
    # the CI gate reads the published file without locking it: a writer can still open it
    con = duckdb.connect(str(broken))
    con.close()


def test_soft_only_exits_0(clean, tmp_path):
    broken = mutate(clean, tmp_path / "soft.duckdb", [
        f"DELETE FROM raw.welfare WHERE submission_id = '{sid(T2, '2024Q2')}'"])
    proc = civstat("--warehouse", str(broken), "--year", "2024", "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "待说明 1" in proc.stdout


@pytest.mark.parametrize("args", [
    ["--quarter", "2024Q5"],
    ["--quarter", "2024Q4", "--year", "2024"],
    ["--quarter", "2030Q1"],  # no returns for that quarter
])
def test_usage_errors_exit_2(clean, tmp_path, args):
    proc = civstat("--warehouse", str(clean), *args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr


def test_missing_warehouse_exits_2_in_chinese(tmp_path):
    proc = civstat("--warehouse", str(tmp_path / "nope.duckdb"), cwd=tmp_path)
    assert proc.returncode == 2
    assert "仓库尚未发布" in proc.stderr


def test_warehouse_without_raw_layer_exits_2(tmp_path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    proc = civstat("--warehouse", str(path), cwd=tmp_path)
    assert proc.returncode == 2
    assert "civstat ingest" in proc.stderr


def test_quarantined_files_are_named_in_the_report(clean, tmp_path):
    """A refused file's township-quarter is missing from every figure: the gate's report says
    which file, where and why; a file whose refusal was resolved is not listed."""
    rows = [("2024Q2/坏文件.xlsx", None, None, None, "unreadable",
             "2024Q2/坏文件.xlsx:无法打开工作簿", "cannot open workbook", None),
            ("2024Q2/旧文件.xlsx", "封面", 3, "填报单位", "unknown_township",
             "2024Q2/旧文件.xlsx 封面 第3行 [填报单位]:未知乡镇", "unknown township", "loaded")]
    inserts = [
        "INSERT INTO raw.quarantine BY NAME SELECT "
        f"'{f}' AS file_path, 'x{i}' AS file_sha256, '2024Q2' AS folder_period, "
        f"{repr(s) if s else 'NULL'} AS sheet, {r or 'NULL'} AS \"row\", "
        f"{repr(c) if c else 'NULL'} AS \"column\", '{code}' AS reason_code, '{zh}' AS message_zh, "
        f"'{en}' AS message_en, now() AS quarantined_at, "
        f"{'now()' if res else 'NULL'} AS resolved_at, {repr(res) if res else 'NULL'} AS resolution"
        for i, (f, s, r, c, code, zh, en, res) in enumerate(rows)]
    warehouse = mutate(clean, tmp_path / "q.duckdb", inserts)
    out = tmp_path / "report"
    proc = civstat("--warehouse", str(warehouse), "--out", str(out), cwd=tmp_path)
    assert "1 个报表文件被拒收" in proc.stdout, proc.stdout + proc.stderr
    html = next(out.glob("quality_report_*.html")).read_text(encoding="utf-8")
    assert "被拒收的报表文件" in html and "2024Q2/坏文件.xlsx" in html
    assert "旧文件.xlsx" not in html
