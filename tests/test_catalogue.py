"""The programme catalogue and the dbt files generated from it."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from civstat import paths
from civstat.contract import CONTRACT_DIR, dbtgen, load_contract

FIXTURE = Path(__file__).parent / "fixtures" / "programmes" / "winter_relief.yaml"


def _catalogue_copy(tmp_path: Path, *extra: Path) -> Path:
    root = tmp_path / "contract"
    shutil.copytree(CONTRACT_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for path in extra:
        shutil.copy(path, root / "programmes" / path.name)
    return root


def test_committed_dbt_files_follow_the_catalogue():
    """CI fails when a programme file changed and the generated dbt files were not regenerated."""
    stale = dbtgen.check()
    assert not stale, f"run `python -m civstat.contract.dbtgen`: stale {stale}"


def test_check_names_a_stale_file(tmp_path):
    project = tmp_path / "dbt"
    contract = load_contract(_catalogue_copy(tmp_path))
    dbtgen.sync(project, contract)
    assert dbtgen.check(project, contract) == []
    seed = project / "seeds" / "kpi_definitions.csv"
    seed.write_text(seed.read_text(encoding="utf-8").replace("城市低保覆盖率", "城市低保覆盖"),
                    encoding="utf-8")
    assert dbtgen.check(project, contract) == [Path("seeds/kpi_definitions.csv")]


def test_a_programme_file_brings_its_staging_seeds_and_flows(tmp_path):
    project = tmp_path / "dbt"
    with_winter_relief = load_contract(_catalogue_copy(tmp_path / "a", FIXTURE))
    changed = dbtgen.sync(project, with_winter_relief)
    assert Path("models/staging/generated/stg_winter_relief.sql") in changed
    seed = (project / "seeds/kpi_definitions.csv").read_text(encoding="utf-8")
    kpis = {r["kpi_code"]: r for r in csv.DictReader(seed.splitlines())}
    assert kpis["clothing_per_aided"]["programme"] == "winter_relief"
    # sort order follows the programme files' order: 冬春生活救助 (170) after 其他社会福利 (80)
    assert int(kpis["clothing_per_aided"]["sort_order"]) > int(
        kpis["disability_subsidy_uptake_rate"]["sort_order"])
    flows = next(p for p in dbtgen.catalogue_data(with_winter_relief)["programmes"]
                 if p["code"] == "winter_relief")["flows"]
    assert {(f["column"], f["programme"], f["flow"]) for f in flows} == {
        ("aided_ytd", "winter_relief", "aided"), ("clothing_ytd", "winter_relief", "clothing"),
        ("visits_ytd", "winter_relief", "visits")}
    # the programme goes away: so does its generated staging
    removed = dbtgen.sync(project, load_contract(_catalogue_copy(tmp_path / "b")))
    assert Path("models/staging/generated/stg_winter_relief.sql") in removed
    assert not (project / "models/staging/generated/stg_winter_relief.sql").exists()


def test_two_files_may_not_define_the_same_kpi(tmp_path):
    root = _catalogue_copy(tmp_path, FIXTURE)
    clash = (root / "programmes" / "winter_relief.yaml").read_text(encoding="utf-8").replace(
        "code: clothing_per_aided", "code: tekun_centralized_rate")
    (root / "programmes" / "winter_relief.yaml").write_text(clash, encoding="utf-8")
    with pytest.raises(ValueError, match="KPI 'tekun_centralized_rate' already defined in "
                                         "programmes/tekun.yaml"):
        load_contract(root)


def test_two_files_may_not_claim_the_same_sheet_name(tmp_path):
    """A synonym another programme's sheet already has (here 表10 殡葬's 殡葬改革, written as a
    clerk would, 表17 殡葬改革) would hand one programme's sheet to the other, silently."""
    root = _catalogue_copy(tmp_path, FIXTURE)
    clash = (root / "programmes" / "winter_relief.yaml").read_text(encoding="utf-8").replace(
        "sheet_synonyms: [冬春生活救助,", "sheet_synonyms: [表17 殡葬改革, 冬春生活救助,")
    (root / "programmes" / "winter_relief.yaml").write_text(clash, encoding="utf-8")
    with pytest.raises(ValueError, match="sheet name '殡葬改革' already defined in "
                                         "programmes/funeral.yaml"):
        load_contract(root)


def test_flows_cover_every_year_to_date_column():
    """Every ytd column of every sheet reaches int_flows_long (none forgotten by hand)."""
    contract = load_contract()
    data = dbtgen.catalogue_data(contract)
    for prog, entry in zip(contract.programmes, data["programmes"], strict=True):
        ytd = {c.name for c in prog.sheet.columns if c.kind == "ytd"}
        assert len(entry["flows"]) == len(ytd), prog.code


def test_every_measure_and_kpi_is_defined_once_and_used():
    contract = load_contract()
    measures = {m["code"] for m in contract.measures}
    for k in contract.kpis:
        assert k["numerator"] in measures and k["denominator"] in measures, k["code"]
    assert (paths.DBT_PROJECT_DIR / "macros" / "generated" / "catalogue.sql").exists()
