"""The dbt files that follow from the programme catalogue: generated, committed, checked.

dbt cannot read our YAML, so the catalogue reaches it as files written here:

``seeds/programmes.csv``, ``seeds/measure_definitions.csv``, ``seeds/kpi_definitions.csv``
    ``dim_programme``, the measures and the KPI definitions (the KPI engine is generic).
``macros/generated/catalogue.sql``
    the macro ``civstat_catalogue()``: every programme's table, categories, year-to-date flows and
    measure recipes, which ``int_flows_long`` and ``int_township_measures`` loop over.
``models/staging/_raw_sources.yml``
    the ``raw`` source: one table per programme sheet, columns described from the contract.
``models/staging/generated/stg_<table>.{sql,yml}``
    staging for a programme whose file does not say ``dbt: {staging: custom}``.

``sync()`` rewrites what changed (dbt's partial parsing sees untouched files as untouched) and
removes generated staging of programmes that no longer exist; ``run_dbt`` calls it before every
dbt command, so a programme file dropped into ``contract/programmes/`` is built by the next run.
``python -m civstat.contract.dbtgen --check`` (and a test) fails when the committed files are
stale.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from civstat import paths
from civstat.contract import Contract, Programme, load_contract, staged_name

GENERATED_STAGING = Path("models/staging/generated")
HEADER_SQL = "-- generated from the programme catalogue (src/civstat/contract/) by civstat.contract.dbtgen; do not edit\n"
HEADER_YML = "# generated from the programme catalogue (src/civstat/contract/) by civstat.contract.dbtgen; do not edit\n"

PROGRAMME_FIELDS = ["programme_code", "name_zh", "name_en", "domain", "source_table", "part_of",
                    "has_categories", "has_recipients", "has_funds", "sort_order"]
MEASURE_FIELDS = ["measure_code", "name_zh", "name_en", "unit", "kind", "aggregation",
                  "weight_measure", "programme", "source"]
KPI_FIELDS = ["kpi_code", "name_zh", "name_en", "unit", "formula", "numerator_measure",
              "denominator_measure", "denominator_period", "scale", "sort_order", "programme",
              "description_zh"]


def _csv(fields: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in fields})
    return buf.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def programmes_csv(contract: Contract) -> str:
    rows = []
    for prog in contract.programmes:
        for line in prog.spending_lines:
            rows.append({
                "programme_code": line["code"], "name_zh": line["name_zh"],
                "name_en": line["name_en"], "domain": line.get("domain", prog.domain),
                "source_table": prog.sheet.table, "part_of": line.get("part_of"),
                "has_categories": bool(line.get("has_categories", False)),
                "has_recipients": bool(line.get("has_recipients", False)),
                "has_funds": bool(line.get("has_funds", False)),
                "sort_order": prog.order,
            })
    return _csv(PROGRAMME_FIELDS, rows)


def measure_source(m: dict) -> str:
    """A one-line description of where a measure comes from (the seed's ``source``)."""
    src = m["from"]
    where = f" ({src['category']})" if src.get("category") else ""
    if "cover" in src:
        return f"raw.submissions.{src['cover']}"
    if "flow" in src:
        return f"flow {src['flow']}{where} (int_flows_long)"
    relation = f"stg_{src['table']}" if "table" in src else src["model"]
    return f"{relation}: {src['value']}{where}"


def measures_csv(contract: Contract) -> str:
    owners = [("cover", m) for m in contract.cover_measures]
    owners += [(p.code, m) for p in contract.programmes for m in p.measures]
    rows = [{
        "measure_code": m["code"], "name_zh": m["name_zh"], "name_en": m["name_en"],
        "unit": m["unit"], "kind": m["kind"], "aggregation": m.get("aggregation", "sum"),
        "weight_measure": m.get("weight"), "programme": owner, "source": measure_source(m),
    } for owner, m in owners]
    return _csv(MEASURE_FIELDS, rows)


def kpis_csv(contract: Contract) -> str:
    rows = []
    for prog in contract.programmes:
        for i, k in enumerate(prog.kpis):
            rows.append({
                "kpi_code": k["code"], "name_zh": k["name_zh"], "name_en": k["name_en"],
                "unit": k["unit"], "formula": k["formula"], "numerator_measure": k["numerator"],
                "denominator_measure": k["denominator"],
                "denominator_period": k.get("denominator_period", "same"),
                "scale": k.get("scale", 1), "sort_order": prog.order * 10 + i,
                "programme": prog.code, "description_zh": k.get("description_zh", ""),
            })
    return _csv(KPI_FIELDS, rows)


def _staging_model(prog: Programme) -> str:
    return f"stg_{prog.sheet.table}"


def catalogue_data(contract: Contract) -> dict:
    """What the dbt models loop over (``civstat_catalogue()``)."""
    programmes = []
    for prog in contract.programmes:
        sheet = prog.sheet
        flows = []
        for col in sheet.columns:
            if col.kind != "ytd":
                continue
            line, flow = prog.flow_of(col.name)
            flows.append({"column": staged_name(col), "programme": line, "flow": flow})
        programmes.append({
            "code": prog.code, "domain": prog.domain, "table": sheet.table,
            "staging_model": _staging_model(prog), "row_kind": sheet.row_kind,
            "categories": [c.code for c in sheet.categories],
            "columns": [{"name": c.name, "staged": staged_name(c),
                         **({"period_magnitude": c.period_magnitude} if c.period_magnitude else {})}
                        for c in sheet.columns],
            "flows": flows, "flows_model": prog.dbt.get("flows_model"),
        })
    measures = []
    for owner, m in [("cover", m) for m in contract.cover_measures] + [
            (p.code, m) for p in contract.programmes for m in p.measures]:
        src = dict(m["from"])
        if "table" in src:
            src["model"] = f"stg_{src.pop('table')}"
        if "flow" in src:
            src["line"], src["flow"] = src.pop("flow").split(".", 1)
        measures.append({"code": m["code"], "programme": owner, **src})
    return {"programmes": programmes, "measures": measures}


def catalogue_macro(contract: Contract) -> str:
    data = json.dumps(catalogue_data(contract), ensure_ascii=False, indent=1, sort_keys=True)
    return (
        "{#- generated from the programme catalogue (src/civstat/contract/) by "
        "civstat.contract.dbtgen; do not edit -#}\n"
        "{% macro civstat_catalogue() %}\n"
        "{%- set data -%}{% raw %}\n" + data + "\n{% endraw %}{%- endset -%}\n"
        "{{ return(fromjson(data)) }}\n"
        "{% endmacro %}\n"
    )


def _describe(col) -> str:
    unit = f"({col.unit})" if col.unit else ""
    kind = {"stock": ",期末数", "ytd": ",1月至本期累计"}.get(col.kind, "")
    return f"{col.header}{unit}{kind}"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def raw_sources_yml(contract: Contract) -> str:
    lines = [HEADER_YML, "version: 2", "", "sources:", "  - name: raw", "    schema: raw",
             "    description: " + _q("原始层:季报逐行读取,保留来源文件/工作表/行号 / raw layer, "
                                     "one row per source row with lineage"),
             "    tables:",
             "      - name: submissions",
             "        description: " + _q("报表提交清单(每个收到的工作簿一行,含被替代的) / "
                                         "manifest of every workbook received, current or superseded"),
             "        config:", "          meta:", "            dagster:",
             '              asset_key: ["raw", "submissions"]',
             "      - name: withdrawals",
             "        description: " + _q("撤回的报表(civstat withdraw:撤回人、时间、原因;restored_at 非空为已恢复) / "
                                         "returns the bureau withdrew (who, when, why; restored_at: "
                                         "dropped again)"),
             "        config:", "          meta:", "            dagster:",
             '              asset_key: ["raw", "withdrawals"]']
    for prog in contract.programmes:
        sheet = prog.sheet
        lines += [f"      - name: {sheet.table}",
                  f"        description: {_q(sheet.sheet + ' / programme ' + prog.code)}",
                  "        config:", "          meta:", "            dagster:",
                  f'              asset_key: ["raw", "{sheet.table}"]',
                  f"              group: {prog.domain}",
                  "        columns:"]
        for col in ((sheet.label,) if sheet.label else ()) + sheet.columns:
            lines += [f"          - name: {col.name}", f"            description: {_q(_describe(col))}"]
    return "\n".join(lines) + "\n"


def staging_sql(prog: Programme) -> str:
    return (HEADER_SQL + f"-- {prog.sheet.sheet}: detail rows of current and superseded returns "
            "(合计 rows dropped), year-to-date columns named *_ytd.\n"
            f"{{{{ stage_programme_sheet('{prog.code}') }}}}\n")


def staging_yml(prog: Programme) -> str:
    sheet = prog.sheet
    lines = [HEADER_YML, "version: 2", "models:", f"  - name: {_staging_model(prog)}",
             f"    description: {_q(sheet.sheet + '(明细行,不含合计) / ' + prog.code + ' detail rows')}",
             "    columns:",
             "      - name: submission_id",
             "        description: '{{ doc(\"col_submission_id\") }}'",
             "        data_tests: [not_null]"]
    for col in sheet.columns:
        lines += [f"      - name: {staged_name(col)}", f"        description: {_q(_describe(col))}"]
    return "\n".join(lines) + "\n"


def _kpi_value(kpi: dict, num: float | None, den: float | None) -> float | None:
    """A KPI's formula on one numerator and denominator (the expectation of a generated test);
    ``value`` is a count: the numerator (× scale), whatever its denominator (kept for audit)."""
    if kpi["formula"] == "value":
        return None if num is None else num * float(kpi.get("scale", 1))
    if num is None or den is None:
        return None
    if kpi["formula"] == "difference":
        return num - den
    if den == 0:
        return None
    ratio = num / den
    return ratio - 1 if kpi["formula"] == "ratio_minus_one" else ratio * float(kpi.get("scale", 1))


def kpi_examples_yml(contract: Contract) -> str:
    """One dbt unit test of ``kpi_quarterly`` per programme whose KPIs carry an ``example``
    (numerator, denominator, value — worked out by hand by whoever wrote the KPI): the real
    seeds, the example's measures for one township, every KPI of the catalogue expected (the
    example's value for its KPI; a formula of the measures given, or NULL, for the others)."""
    all_kpis = contract.kpis
    tests = []
    for prog in contract.programmes:
        examples = [k for k in prog.kpis if k.get("example")]
        if not examples:
            continue
        current: dict[str, float] = {}
        previous: dict[str, float] = {}
        for k in examples:
            ex = k["example"]
            current[k["numerator"]] = float(ex["numerator"])
            target = previous if k.get("denominator_period") == "previous_year_end" else current
            target[k["denominator"]] = float(ex["denominator"])
        expected = []
        for k in all_kpis:
            den_source = previous if k.get("denominator_period") == "previous_year_end" else current
            value = _kpi_value(k, current.get(k["numerator"]), den_source.get(k["denominator"]))
            if k in examples:
                stated = k["example"]["value"]
                if stated is None and value is None:
                    expected.append((k["code"], None))
                    continue
                if value is None or stated is None or abs(value - float(stated)) > 1e-9 * max(1.0, abs(value)):
                    raise ValueError(f"programmes/{prog.code}.yaml: KPI {k['code']} example value "
                                     f"{stated} is not its formula's {value}")
                value = float(stated)
            expected.append((k["code"], value))
        rows = [f"(2023, 4, '{code}', {value!r})" for code, value in current.items()]
        rows += [f"(2022, 4, '{code}', {value!r})" for code, value in previous.items()]
        values_sql = ",\n  ".join(rows)
        tests.append("\n".join([
            f"  - name: kpi_examples_{prog.code}",
            "    description: " + _q(f"{prog.sheet.sheet} 的指标按目录中的示例(分子、分母、结果)计算"
                                   f" / the KPI examples of programmes/{prog.code}.yaml"),
            "    model: kpi_quarterly",
            "    overrides:",
            "      macros:",
            "        is_incremental: false",
            "    given:",
            "      - input: ref('kpi_definitions')",
            "      - input: ref('measure_definitions')",
            "      - input: ref('int_period_fingerprints')",
            "        rows:",
            "          - {period: 2023Q4, year: 2023, quarter: 4, fingerprint: f}",
            "      - input: ref('int_divisions_resolved')",
            "        rows:",
            "          - {division_code: X, division_name: 测试镇}",
            "      - input: ref('int_division_names')",
            "        rows:",
            ("          - {division_code: X, division_name: 测试镇, valid_from: '1900-01-01', "
             "valid_to: '9999-12-31'}"),
            "      - input: ref('int_division_coverage')",
            "        rows:",
            ("          - {division_code: X, division_level: township, period: 2023Q4, "
             "townships_expected: 1, townships_included: 1, townships_included_year: 1}"),
            "      - input: ref('int_township_measures')",
            "        rows: []",
            "      - input: ref('division_moves')",
            "        rows: []",
            "      - input: ref('int_division_measures')",
            "        format: sql",
            "        rows: |",
            "          select 'X' as division_code, 'township' as division_level, year, quarter,",
            "                 year || 'Q' || quarter as period, measure_code, value::double as value,",
            "                 1::bigint as townships",
            "          from (values",
            "            " + values_sql.replace("\n", "\n          "),
            "          ) as t(year, quarter, measure_code, value)",
            "    expect:",
            "      rows:",
            *[f"        - {{kpi_code: {code}, value: {'null' if v is None else repr(v)}}}"
              for code, v in expected],
        ]))
    if not tests:
        return HEADER_YML + "version: 2\n"
    return "\n".join([HEADER_YML, "version: 2", "unit_tests:", *tests]) + "\n"


def render(contract: Contract) -> dict[Path, str]:
    """Every generated file, relative to the dbt project."""
    files = {
        Path("seeds/programmes.csv"): programmes_csv(contract),
        Path("seeds/measure_definitions.csv"): measures_csv(contract),
        Path("seeds/kpi_definitions.csv"): kpis_csv(contract),
        Path("macros/generated/catalogue.sql"): catalogue_macro(contract),
        Path("models/staging/_raw_sources.yml"): raw_sources_yml(contract),
        Path("models/marts/periodic/_kpi_examples.yml"): kpi_examples_yml(contract),
    }
    for prog in contract.programmes:
        if prog.dbt.get("staging", "generated") == "custom":
            continue
        files[GENERATED_STAGING / f"{_staging_model(prog)}.sql"] = staging_sql(prog)
        files[GENERATED_STAGING / f"{_staging_model(prog)}.yml"] = staging_yml(prog)
    return files


def _stale(project_dir: Path, files: dict[Path, str]) -> tuple[list[Path], list[Path]]:
    changed = [rel for rel, text in files.items()
               if not (project_dir / rel).exists()
               or (project_dir / rel).read_text(encoding="utf-8") != text]
    gen_dir = project_dir / GENERATED_STAGING
    extra = [p.relative_to(project_dir) for p in sorted(gen_dir.glob("*"))
             if p.is_file() and p.relative_to(project_dir) not in files] if gen_dir.is_dir() else []
    return changed, extra


def sync(project_dir: Path | None = None, contract: Contract | None = None) -> list[Path]:
    """Write the generated files that differ; remove generated staging no programme claims."""
    project_dir = project_dir or paths.DBT_PROJECT_DIR
    files = render(contract or load_contract())
    changed, extra = _stale(project_dir, files)
    for rel in changed:
        target = project_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(files[rel], encoding="utf-8")
        tmp.replace(target)
    for rel in extra:
        (project_dir / rel).unlink()
    return changed + extra


def check(project_dir: Path | None = None, contract: Contract | None = None) -> list[Path]:
    """Generated files that are missing, differ from the catalogue, or belong to no programme."""
    project_dir = project_dir or paths.DBT_PROJECT_DIR
    changed, extra = _stale(project_dir, render(contract or load_contract()))
    return changed + extra


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m civstat.contract.dbtgen [--check]``"""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--check"]:
        stale = check()
        for rel in stale:
            print(f"过期的生成文件(请运行 python -m civstat.contract.dbtgen): dbt_project/{rel}",
                  file=sys.stderr)
        return 1 if stale else 0
    for rel in sync():
        print(f"dbt_project/{rel}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
