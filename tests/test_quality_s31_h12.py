"""Edit rule H12 tells a township whose return was sent but refused at ingest (quarantined) from
one that sent none.

Before: both read 缺报:<乡镇> 本季度没有报表 — 白庙乡 below sent 三季度报表.xlsx, refused for its
missing 期末保障人数 column, and was told it sent nothing. Returns written cell by cell
(tests/handmade.py), ingested into a DuckDB file on disk; the messages expected are put together
here from the file's name, its sheet and the column it lacks."""

from __future__ import annotations

from handmade import (
    BAIMIAO,
    CHENGGUAN,
    MADIAN,
    PERIOD,
    canonical_sheets,
    cover_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)

from civstat.quality import evaluate
from civstat.quality.inputs import fingerprints

DIBAO = "表1 最低生活保障"
REFUSED = "三季度报表.xlsx"  # names no township: its cover (白庙乡) tells whose it is


def _without(column: str) -> dict:
    sheets = canonical_sheets()
    col = sheets[DIBAO][0].index(column)
    sheets[DIBAO] = [row[:col] + row[col + 1:] for row in sheets[DIBAO]]
    return sheets


def test_sent_but_refused_is_not_said_not_sent(tmp_path):
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店镇.xlsx", cover_rows(), canonical_sheets())  # loads
    write_xlsx(folder / REFUSED, cover_rows(unit="白庙乡", code=BAIMIAO), _without("期末保障人数"))
    con, result = run_ingest(tmp_path)  # 城关街道 sends nothing
    assert [i.file for i in result.loaded] == [f"{PERIOD}/马店镇.xlsx"]
    found = {v.division_code: v for v in evaluate(con, rules=["H12"]).violations}
    assert set(found) == {BAIMIAO, CHENGGUAN}  # 马店镇 sent one, loaded
    file = f"{PERIOD}/{REFUSED}"
    refused = found[BAIMIAO]
    assert refused.message_zh == (
        f"白庙乡{PERIOD}:已报送但被拒收:白庙乡 本季度报送的报表未通过读取,不能计入,请更正后重新报送:"
        f"{file}({DIBAO} [期末保障人数]:缺少必填列 期末保障人数)")
    assert "缺报" not in refused.message_zh and refused.source_file == file
    assert refused.message_en.startswith(f"白庙乡 {PERIOD}: sent but refused: ")
    assert file in refused.message_en
    unsent = found[CHENGGUAN]
    assert unsent.message_zh == f"城关街道{PERIOD}:缺报:城关街道 本季度没有报表"
    assert unsent.source_file is None
    assert not any(v.division_code == MADIAN for v in found.values())


def test_a_refusal_resolved_is_no_longer_named(tmp_path):
    """白庙乡's refused file taken out of the drop zone (withdrawn): 白庙乡 sent nothing now."""
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店镇.xlsx", cover_rows(), canonical_sheets())
    write_xlsx(folder / REFUSED, cover_rows(unit="白庙乡", code=BAIMIAO), _without("期末保障人数"))
    con, _ = run_ingest(tmp_path)
    before = fingerprints(con)[PERIOD]
    con.close()
    (folder / REFUSED).unlink()
    con, _ = run_ingest(tmp_path)
    (v,) = [v for v in evaluate(con, rules=["H12"]).violations if v.division_code == BAIMIAO]
    assert v.message_zh == f"白庙乡{PERIOD}:缺报:白庙乡 本季度没有报表"
    # the quarter's verdict depends on its open refusals: the gate evaluates it again
    assert fingerprints(con)[PERIOD] != before
