"""Everything the report reads from the published warehouse, in one place.

Only this module knows mart and column names. Township facts are summed here (in SQL) for the
county view; rates are never recomputed — they come from ``kpi_annual`` / ``kpi_quarterly``,
whose numerator and denominator the report quotes as the underlying counts."""

from __future__ import annotations

import duckdb
import polars as pl

from civstat.report import levels
from civstat.report.levels import Scope  # the report imports it from here
from civstat.report.returns import ReturnQueries


class MartReader(levels.LevelQueries, ReturnQueries):
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self._tables: dict[tuple[str, str | None], bool] = {}  # _has, asked once per reader
        self._names: dict[str, str] | None = None  # division_names, read once per reader

    def _q(self, sql: str, params: list | None = None) -> pl.DataFrame:
        return self.con.sql(sql, params=params or None).pl()

    def _has(self, table: str, column: str | None = None) -> bool:
        """Whether the warehouse has the table (``schema.name``), and that column of it."""
        if (table, column) not in self._tables:
            self._tables[table, column] = self._ask_has(table, column)
        return self._tables[table, column]

    def _ask_has(self, table: str, column: str | None) -> bool:
        schema, _, name = table.rpartition(".")
        return bool(
            self.con.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = ? "
                "AND (? = '' OR table_schema = ?) AND (? IS NULL OR column_name = ?)",
                [name, schema, schema, column, column],
            ).fetchall()[0][0]
        )

    # -- divisions (scope, township_labels: levels.LevelQueries) ----------------------------
    def county_of(self, township_code: str) -> str | None:
        rows = self.con.execute(
            "SELECT county_code FROM dim_division WHERE division_code = ?", [township_code]
        ).fetchall()
        return rows[0][0] if rows else None

    def division_names(self, codes: list[str]) -> dict[str, str]:
        """Names of any divisions, current or merged away (a township missing from a 2024 figure
        may be one that has since been merged). Read once per reader: a province's summary asks
        for its townships' names ~100,000 times (one query each took 210 of its 235 s)."""
        if self._names is None:
            self._names = dict(self.con.execute(
                "SELECT division_code, division_name FROM dim_division").fetchall())
            self._names.update(self.names_in_force())  # as called at the report's period end
        return {c: self._names[c] for c in codes if c in self._names}

    def township_names(self, scope: Scope) -> dict[str, str]:
        """Names of the scope's townships and of the divisions it compares (its counties); above
        the county a township is named with its county."""
        df = self._q(
            "SELECT division_code, division_name FROM dim_division "
            "WHERE list_contains(?, division_code) ORDER BY division_code",
            [list(dict.fromkeys([*scope.township_codes, *scope.units]))],
        )
        names = dict(df.iter_rows())
        names.update(self.division_names(list(names)))  # the names in force then
        if scope.above_county:  # township names repeat across counties: 甲县乙镇
            names.update(self.township_labels(list(scope.township_codes)))
        return names

    # -- KPIs -------------------------------------------------------------------------------
    # how many townships a figure should and does cover, and who is left out (codes)
    _COVERAGE = "townships_expected, townships_included, complete, townships_missing"

    def kpis(self, year: int, quarter: int, division_codes: list[str]) -> pl.DataFrame:
        """KPI rows for the period (year to date at ``quarter``); ``kpi_annual`` at Q4. Their
        coverage, and ``townships_reporting``: of those included, the townships that gave the
        KPI's terms (NULL from a warehouse built before it was counted)."""
        table = "kpi_annual" if quarter == 4 else "kpi_quarterly"
        reporting = ("townships_reporting" if self._has(table, "townships_reporting")
                     else "NULL::INTEGER AS townships_reporting")
        if quarter == 4:
            sql = (
                "SELECT division_code, division_name, division_level, year, 4 AS quarter, kpi_code, "
                f"kpi_name_zh, value, numerator, denominator, unit, {self._COVERAGE}, {reporting} "
                "FROM kpi_annual WHERE year = ? AND list_contains(?, division_code)"
            )
            return self._q(sql, [year, division_codes])
        sql = (
            "SELECT division_code, division_name, division_level, year, quarter, kpi_code, "
            f"kpi_name_zh, value, numerator, denominator, unit, {self._COVERAGE}, {reporting} "
            "FROM kpi_quarterly WHERE year = ? AND quarter = ? AND list_contains(?, division_code)"
        )
        return self._q(sql, [year, quarter, division_codes])

    def denominator_short(self, year: int, quarter: int, codes: list[str]) -> pl.DataFrame:
        """The townships of ``codes`` whose KPI of the period has a numerator and no denominator
        (kpi_quarterly: no value where a township gave the numerator without the denominator,
        城镇人口 left blank on its cover): division_code, kpi_code. A KPI whose denominator is of
        another period (a growth over the previous year-end) is left to its coverage."""
        table = "kpi_annual" if quarter == 4 else "kpi_quarterly"
        same = ("AND kpi_code IN (SELECT kpi_code FROM dim_kpi WHERE denominator_period = 'same') "
                if self._has("dim_kpi", "denominator_period") else "")
        when = "" if quarter == 4 else "AND quarter = ? "
        return self._q(
            f"SELECT division_code, kpi_code FROM {table} WHERE division_level = 'township' "
            f"AND year = ? {when}AND list_contains(?, division_code) AND value IS NULL "
            f"AND numerator IS NOT NULL AND denominator IS NULL {same}"
            "ORDER BY kpi_code, division_code",
            [year, codes] if quarter == 4 else [year, quarter, codes],
        )

    def kpi_definitions(self) -> dict[str, dict]:
        """Names and units as the warehouse defines them (seed kpi_definitions → dim_kpi)."""
        df = self._q(
            "SELECT kpi_code, kpi_name_zh, unit, sort_order FROM dim_kpi ORDER BY sort_order"
        )
        return {r["kpi_code"]: r for r in df.iter_rows(named=True)}

    # -- measures (the catalogue's building blocks of the KPIs, per division and period) --------
    _MEASURES = "fct_measures"

    def measure_givers(self, year: int, quarter: int, townships: list[str],
                       measures: list[str] | None) -> set[str]:
        """The townships (current codes) whose published figures of the period give every one of
        ``measures`` (fct_measures, value not NULL: a blank column gives none); ``None``: those
        with any published figure of the period (a return)."""
        if not self._has(self._MEASURES) or measures == []:
            return set()
        sql = (f"SELECT division_code FROM {self._MEASURES} WHERE year = ? AND quarter = ? "
               "AND division_level = 'township' AND list_contains(?, division_code) "
               "AND value IS NOT NULL")
        params = [year, quarter, townships]
        if measures is not None:
            sql += " AND list_contains(?, measure_code)"
            params.append(measures)
        sql += " GROUP BY division_code"
        if measures is not None:
            sql += " HAVING count(DISTINCT measure_code) = ?"
            params.append(len(measures))
        return set(self._q(sql, params)["division_code"].to_list())

    def measures(self, year: int, quarter: int, division_codes: list[str]) -> pl.DataFrame:
        """Every measure of the divisions for the period (year to date at ``quarter``): the
        townships at current boundaries and the county as their sum (weighted means for
        standards), as the mart ``fct_measures`` holds them."""
        if not self._has(self._MEASURES):
            return pl.DataFrame(
                schema={
                    "division_code": pl.String,
                    "measure_code": pl.String,
                    "value": pl.Float64,
                    "townships": pl.Int64,
                    "townships_expected": pl.Int64,
                    "complete": pl.Boolean,
                }
            )
        # completeness: NULL on a mart without it (then nothing is said short)
        whole = ("townships_expected, complete" if self._has(self._MEASURES, "complete")
                 else "NULL::BIGINT AS townships_expected, NULL::BOOLEAN AS complete")
        return self._q(
            "SELECT division_code, measure_code, value, townships_included AS townships, "
            f"{whole} FROM {self._MEASURES} WHERE year = ? AND quarter = ? "
            "AND list_contains(?, division_code)",
            [year, quarter, division_codes],
        )

    def measure_series(
        self, years: list[int], division_code: str, codes: list[str]
    ) -> pl.DataFrame:
        """Measures of one division per quarter of ``years`` (trend charts)."""
        if not self._has(self._MEASURES):
            return pl.DataFrame(
                schema={"period": pl.String, "measure_code": pl.String, "value": pl.Float64}
            )
        return self._q(
            f"SELECT period, measure_code, value FROM {self._MEASURES} "
            "WHERE list_contains(?, year) AND division_code = ? AND list_contains(?, measure_code) "
            "ORDER BY year, quarter",
            [years, division_code, codes],
        )

    # -- facts (township rows at current boundaries, summed over the scope) ---------------------
    _IN_SCOPE = "list_contains(?, current_division_code)"

    def recipients(self, year: int, quarter: int, codes: list[str]) -> pl.DataFrame:
        """低保/特困 stocks and YTD flows by programme × category, summed over ``codes``."""
        return self._q(
            "SELECT programme_code AS programme, category, sum(households) AS households, "
            "sum(persons) AS persons, sum(new_households_ytd) AS new_households, "
            "sum(new_persons_ytd) AS new_persons, sum(exited_households_ytd) AS exited_households, "
            "sum(exited_persons_ytd) AS exited_persons, sum(centralized_persons) AS centralized, "
            "sum(dispersed_persons) AS dispersed "
            f"FROM fct_recipients WHERE year = ? AND quarter = ? AND {self._IN_SCOPE} "
            "GROUP BY ALL",
            [year, quarter, codes],
        )

    def standards(self, year: int, quarter: int, division_code: str) -> pl.DataFrame:
        """低保标准 per category of the division at the end of the period and at the previous
        year-end (what the growth KPI compares), in the unit its townships used
        (``dibao_standards``: ``standard``, ``standard_unit``, the township range)."""
        if not self._has("dibao_standards"):
            return pl.DataFrame()
        return self._q(
            "SELECT year, category, standard, standard_unit, standard_period, standard_monthly, "
            "standard_min, standard_max, units_reported FROM dibao_standards "
            "WHERE division_code = ? AND ((year = ? AND quarter = ?) OR (year = ? AND quarter = 4))",
            [division_code, year, quarter, year - 1],
        )

    def funds(self, year: int, quarter: int, codes: list[str]) -> pl.DataFrame:
        """YTD funds by programme × category (元)."""
        return self._q(
            "SELECT programme_code AS programme, category, sum(funds_ytd) AS funds_ytd FROM fct_funds "
            f"WHERE year = ? AND quarter = ? AND {self._IN_SCOPE} GROUP BY ALL",
            [year, quarter, codes],
        )

    def fund_townships(self, year: int, quarter: int, codes: list[str]) -> dict[str, set[str]]:
        """Spending line → the townships (current codes) whose returns state its funds: a line
        reported in an optional column (实物折款) may lack some of those that report its whole."""
        df = self._q(
            "SELECT DISTINCT programme_code, current_division_code FROM fct_funds "
            f"WHERE year = ? AND quarter = ? AND {self._IN_SCOPE} AND funds_ytd IS NOT NULL",
            [year, quarter, codes],
        )
        out: dict[str, set[str]] = {}
        for line, code in df.iter_rows():
            out.setdefault(line, set()).add(code)
        return out

    def sheet_townships(
        self, year: int, quarter: int, codes: list[str], table: str
    ) -> pl.DataFrame | None:
        """The current returns of the year up to ``quarter`` that hold rows of the sheet
        ``raw.<table>`` (quarter, township at current boundaries, published or blocked): who
        reported an optional sheet. None when the warehouse keeps no raw layer to tell."""
        if not (self._has(f"raw.{table}") and self._has("quality_status", "submission_id")):
            return None
        return self._q(
            "SELECT DISTINCT q.quarter, coalesce(q.current_division_code, q.division_code) "
            "AS division_code, q.status FROM quality_status AS q "
            "WHERE q.year = ? AND q.quarter <= ? "
            "AND list_contains(?, coalesce(q.current_division_code, q.division_code)) "
            f"AND q.submission_id IN (SELECT submission_id FROM raw.{table})",
            [year, quarter, codes],
        )

    def cases(self, year: int, quarter: int, codes: list[str]) -> dict:
        """临时救助/医疗救助 case counts (YTD)."""
        return self._q(
            "SELECT sum(temp_household_times_ytd) AS temp_household_times, "
            "sum(temp_person_times_ytd) AS temp_person_times, "
            "sum(med_insured_persons_ytd) AS med_insured_persons, "
            "sum(med_direct_times_ytd) AS med_direct_times, count(*) AS n FROM fct_assistance_cases "
            f"WHERE year = ? AND quarter = ? AND {self._IN_SCOPE}",
            [year, quarter, codes],
        ).row(0, named=True)

    def recipients_series(self, years: list[int], codes: list[str]) -> pl.DataFrame:
        return self._q(
            "SELECT year, quarter, programme_code AS programme, category, sum(persons) AS persons "
            f"FROM fct_recipients WHERE list_contains(?, year) AND {self._IN_SCOPE} GROUP BY ALL "
            "ORDER BY year, quarter",
            [years, codes],
        )

    def disaster_events(self, year: int, quarter: int, codes: list[str]) -> pl.DataFrame:
        """Events that happened in the year up to the end of ``quarter``."""
        return self._q(
            f"SELECT * FROM fct_disaster_losses WHERE year = ? AND quarter <= ? AND {self._IN_SCOPE} "
            "ORDER BY event_date, current_division_code",
            [year, quarter, codes],
        )

    def eldercare(self, year: int, quarter: int, codes: list[str]) -> pl.DataFrame:
        """One row per institution at the end of the period."""
        return self._q(
            f"SELECT * FROM fct_eldercare_beds WHERE year = ? AND quarter = ? AND {self._IN_SCOPE}",
            [year, quarter, codes],
        )

    def veterans(self, year: int, quarter: int, codes: list[str]) -> dict:
        return self._q(
            "SELECT sum(entitled_persons) AS entitled_persons, sum(pension_funds_ytd) AS pension_funds, "
            "sum(conscript_families) AS conscript_families, "
            "sum(conscript_family_funds_ytd) AS conscript_funds, "
            "sum(veterans_received_ytd) AS received, sum(veterans_placed_ytd) AS placed, "
            "sum(veterans_self_employed_ytd) AS self_employed, sum(veterans_trained_ytd) AS trained, "
            "sum(veteran_grants_ytd) AS grants, sum(veterans_pending) AS pending, "
            "count(veterans_pending) AS n_pending, count(*) AS n FROM fct_veteran_placement "
            f"WHERE year = ? AND quarter = ? AND {self._IN_SCOPE}",
            [year, quarter, codes],
        ).row(0, named=True)

    def welfare(self, year: int, quarter: int, codes: list[str]) -> dict:
        return self._q(
            "SELECT sum(high_age_persons) AS high_age_persons, sum(high_age_funds_ytd) AS high_age_funds, "
            "sum(hardship_disabled_receiving) AS hardship_receiving, "
            "sum(severe_disabled_receiving) AS severe_receiving, "
            "sum(disability_funds_ytd) AS disability_funds, count(*) AS n FROM fct_welfare_subsidies "
            f"WHERE year = ? AND quarter = ? AND {self._IN_SCOPE}",
            [year, quarter, codes],
        ).row(0, named=True)

    # -- targets and quality ----------------------------------------------------------------
    def plan_completion(self, year: int, division_code: str) -> pl.DataFrame:
        return self._q(
            "SELECT * FROM kpi_plan_completion WHERE year = ? AND division_code = ? "
            "ORDER BY kpi_code",
            [year, division_code],
        )

    def quality_status(self, year: int, quarter: int, codes: list[str]) -> pl.DataFrame:
        """Current returns of the period, published or blocked (with the hard rules that failed)."""
        return self._q(
            "SELECT coalesce(current_division_code, division_code) AS division_code, division_name, "
            "status, hard_rules FROM quality_status WHERE year = ? AND quarter = ? "
            "AND list_contains(?, coalesce(current_division_code, division_code))",
            [year, quarter, codes],
        )

    def hard_violations(self, year: int, quarter: int, codes: list[str]) -> pl.DataFrame:
        """The hard findings that blocked a return of the year (latest quality run)."""
        if not self._has("quality.violations"):
            return pl.DataFrame()
        return self._q(
            "SELECT DISTINCT v.period, v.division_code, v.division_name, v.rule_code, v.message_zh "
            "FROM quality.violations AS v JOIN quality_status AS s "
            "ON s.division_code = v.division_code AND s.period = v.period AND s.status = 'blocked' "
            "WHERE v.severity = 'hard' AND v.year = ? AND v.quarter <= ? "
            "AND list_contains(?, coalesce(s.current_division_code, s.division_code)) "
            "AND v.evaluated_at = (SELECT max(w.evaluated_at) FROM quality.violations AS w "
            "WHERE w.division_code = v.division_code AND w.period = v.period) "
            "ORDER BY v.period, v.division_code, v.rule_code",
            [year, quarter, codes],
        )

    def finding_rows(self, year: int, quarter: int, severity: str) -> pl.DataFrame:
        """Per finding of the latest quality run (period, township, rule, message): the return's
        file, sheet and Excel rows it was found in (quality.violations)."""
        if not self._has("quality.violations"):
            return pl.DataFrame()
        return self._q(
            "SELECT v.period, v.division_code, v.rule_code, v.message_zh, "
            "min(v.source_file) AS source_file, min(v.sheet) AS sheet, "
            "list(DISTINCT v.source_row ORDER BY v.source_row) "
            "FILTER (WHERE v.source_row IS NOT NULL) AS source_rows "
            "FROM quality.violations AS v WHERE v.severity = ? AND v.year = ? AND v.quarter <= ? "
            "AND v.evaluated_at = (SELECT max(w.evaluated_at) FROM quality.violations AS w "
            "WHERE w.division_code = v.division_code AND w.period = v.period) GROUP BY ALL",
            [severity, year, quarter],
        )

    def soft_warnings(self, year: int, quarter: int, codes: list[str]) -> pl.DataFrame:
        return self._q(
            "SELECT period, division_code, division_name, rule_code, message_zh, explanation "
            "FROM quality_warnings WHERE year = ? AND quarter <= ? AND list_contains(?, division_code) "
            "ORDER BY period, division_code, rule_code",
            [year, quarter, codes],
        )

    def coverage(self, years: list[int], division_code: str) -> pl.DataFrame:
        """Per period: the townships a sum over the scope's township facts covers (period_coverage)."""
        return self._q(
            f"SELECT year, quarter, period, {self._COVERAGE} FROM period_coverage "
            "WHERE list_contains(?, year) AND division_code = ? ORDER BY year, quarter",
            [years, division_code],
        )

    def return_status(self, year: int, codes: list[str]) -> pl.DataFrame:
        """Every current return of the year from these townships (as reported), with its status."""
        return self._q(
            "SELECT division_code, quarter, status FROM quality_status "
            "WHERE year = ? AND list_contains(?, division_code)",
            [year, codes],
        )

    def periods_present(self, year: int, codes: list[str]) -> list[int]:
        df = self._q(
            f"SELECT DISTINCT quarter FROM fct_recipients WHERE year = ? AND {self._IN_SCOPE} "
            "ORDER BY quarter",
            [year, codes],
        )
        return df["quarter"].to_list()

    def cutoff(self, year: int, quarter: int):
        """The newest current return received for the year up to ``quarter`` (raw.submissions):
        a datetime, or None."""
        if not self._has("raw.submissions"):
            return None
        rows = self.con.execute(
            "SELECT max(submitted_at) FROM raw.submissions WHERE is_current AND year = ? "
            "AND quarter <= ?",
            [year, quarter],
        ).fetchall()
        return rows[0][0] if rows and rows[0][0] else None

    # -- lineage (the traces of the HTML page: how each figure was made) ------------------------
    def kpi_formulas(self) -> dict[str, dict]:
        """KPI code → formula kind, numerator/denominator measures and the 中文 description
        (seed kpi_definitions → dim_kpi)."""
        cols = ["formula", "numerator_measure", "denominator_measure", "denominator_period"]
        cols = [c if self._has("dim_kpi", c) else f"NULL::VARCHAR AS {c}" for c in cols]
        desc = "description_zh" if self._has("dim_kpi", "description_zh") else "NULL::VARCHAR"
        df = self._q(f"SELECT kpi_code, {', '.join(cols)}, {desc} AS description_zh FROM dim_kpi")
        return {r["kpi_code"]: r for r in df.iter_rows(named=True)}

    def measure_names(self) -> dict[str, dict]:
        """Measure code → name_zh, unit, kind (seed measure_definitions)."""
        if not self._has("seeds.measure_definitions"):
            return {}
        df = self._q("SELECT measure_code, name_zh, unit, kind FROM seeds.measure_definitions")
        return {r["measure_code"]: r for r in df.iter_rows(named=True)}

    def current_returns(self, year: int, quarters: list[int], codes: list[str]) -> pl.DataFrame:
        """The published current returns of the townships (current codes) in those quarters:
        submission_id, township, quarter, file (raw.submissions.file_path)."""
        if not (self._has("raw.submissions") and self._has("quality_status", "submission_id")):
            return pl.DataFrame(
                schema={
                    "submission_id": pl.String,
                    "division_code": pl.String,
                    "quarter": pl.Int32,
                    "file_path": pl.String,
                }
            )
        return self._q(
            "SELECT q.submission_id, coalesce(q.current_division_code, q.division_code) "
            "AS division_code, q.quarter, s.file_path FROM quality_status AS q "
            "JOIN raw.submissions AS s USING (submission_id) WHERE q.status = 'published' "
            "AND q.year = ? AND list_contains(?, q.quarter) "
            "AND list_contains(?, coalesce(q.current_division_code, q.division_code))",
            [year, quarters, codes],
        )

    def sheet_rows(self, table: str, submissions: list[str]) -> pl.DataFrame:
        """The rows of ``raw.<table>`` read from these returns: submission, sheet as received,
        Excel row and the row's category (None for sheets without one)."""
        if not submissions or not self._has(f"raw.{table}"):
            return pl.DataFrame(
                schema={
                    "submission_id": pl.String,
                    "source_sheet": pl.String,
                    "source_row": pl.Int32,
                    "category": pl.String,
                }
            )
        category = "category" if self._has(f"raw.{table}", "category") else "NULL::VARCHAR"
        return self._q(
            f"SELECT submission_id, source_sheet, source_row, {category} AS category "
            f"FROM raw.{table} WHERE list_contains(?, submission_id) "
            "ORDER BY submission_id, source_row",
            [submissions],
        )

    def fact_townships(
        self,
        mart: str,
        column: str,
        year: int,
        quarter: int,
        codes: list[str],
        where: dict,
        upto: bool = False,
    ) -> pl.DataFrame:
        """Per township (current code): the sum of ``mart.column`` for the period (``upto``:
        the quarters of the year up to it, as events are) and the returns it comes from (the
        mart's lineage column ``submission_id``)."""
        conds = "".join(f" AND {k} = ?" for k in where)
        subs = (
            "list(DISTINCT submission_id ORDER BY submission_id)"
            if self._has(mart, "submission_id")
            else "[]::VARCHAR[]"
        )
        return self._q(
            f"SELECT current_division_code AS division_code, "
            f"{'count(*)' if column == '*' else f'sum({column})'} AS value, "
            f"{subs} AS submissions "
            f"FROM {mart} WHERE year = ? AND quarter {'<=' if upto else '='} ? "
            f"AND {self._IN_SCOPE}{conds} "
            "GROUP BY ALL ORDER BY division_code",
            [year, quarter, codes, *where.values()],
        )

    def event_rows(self, event_ids: list[str]) -> pl.DataFrame:
        """event_id → the rows of the return its figures come from (fct_disaster_losses keeps
        the latest published return listing the event, and sums its rows of the event's date
        and kind): file, sheet as received, Excel rows."""
        if not event_ids or not self._has("raw.disaster_events"):
            return pl.DataFrame(
                schema={n: pl.String for n in ("event_id", "file_path", "source_sheet")}
                | {"source_rows": pl.List(pl.Int32)}
            )
        return self._q(
            "SELECT f.event_id, s.file_path, r.source_sheet, "
            "list(r.source_row ORDER BY r.source_row) AS source_rows "
            "FROM fct_disaster_losses AS f JOIN raw.disaster_events AS r "
            "ON r.submission_id = f.submission_id AND CAST(r.event_date AS DATE) = f.event_date "
            "AND r.hazard_type = f.hazard_type AND NOT r.is_total "
            "JOIN raw.submissions AS s ON s.submission_id = f.submission_id "
            "WHERE list_contains(?, f.event_id) GROUP BY ALL",
            [event_ids],
        )

    def submission_files(self, submissions: list[str]) -> dict[str, str]:
        """submission_id → the file it was read from (raw.submissions.file_path)."""
        if not submissions or not self._has("raw.submissions"):
            return {}
        df = self._q(
            "SELECT submission_id, file_path FROM raw.submissions "
            "WHERE list_contains(?, submission_id)",
            [submissions],
        )
        return dict(df.iter_rows())
