"""Whose returns a report names for a period, and how it says they are missing: the divisions
in force then (period_coverage: a 街道 set up later has no row before it exists), the names they
had then (dim_division_names: a township renamed keeps its code, and a 2011 report names 河口乡
what a 2014 one names 河口镇) and the townships whose return was sent but refused at the door
(raw.quarantine, not yet resolved) or sent and withdrawn by the bureau (raw.withdrawals) — not
to be told 未报送 when the clerk did send it."""

from __future__ import annotations

import datetime as dt

from civstat.raw_schema import OPEN_REFUSALS, OPEN_WITHDRAWALS, unresolved_refusals


class ReturnQueries:
    """Mixed into the report's :class:`~civstat.report.data.MartReader` (``_q``, ``_has``)."""

    as_of: dt.date | None = None  # the day whose names the report uses (its period's end)

    def name_divisions_as_of(self, day: dt.date) -> None:
        """Name divisions as they were called on ``day`` from now on (the report's period end)."""
        if day != self.as_of:
            self.as_of = day
            self._names = None

    def names_in_force(self) -> dict[str, str]:
        """code → the name in force on :attr:`as_of`, for the codes renamed then (versions of
        dim_division_names); empty without a day or without that mart."""
        if self.as_of is None or not self._has("dim_division_names"):
            return {}
        return dict(self.con.execute(
            "SELECT division_code, division_name FROM dim_division_names "
            "WHERE ? BETWEEN valid_from AND valid_to", [self.as_of]).fetchall())

    def in_force(self, period: str, codes: list[str]) -> set[str] | None:
        """Those of ``codes`` (townships or counties) in force in the period — with a
        period_coverage row; None when the warehouse has no period_coverage."""
        if not self._has("period_coverage"):
            return None
        df = self._q(
            "SELECT DISTINCT division_code FROM period_coverage "
            "WHERE period = ? AND list_contains(?, division_code)",
            [period, codes],
        )
        return set(df["division_code"].to_list())

    def refused_files(self, year: int, quarter: int | None = None) -> int:
        """How many files of the year's quarter folders (of ``quarter``'s alone) stay refused at
        ingest (raw.quarantine, not yet resolved) — whoever sent them, told or not: what a
        report finding nothing published for the period says was sent."""
        return self.con.execute(
            f"SELECT count(*) FROM ({unresolved_refusals(self.con)}) WHERE folder_period LIKE ?",
            [f"{year}Q{quarter if quarter else '_'}"]).fetchone()[0]

    def refused_returns(self, year: int, codes: list[str]) -> set[tuple[str, int]]:
        """(township, quarter) of the year whose return stays refused at ingest: a file of that
        quarter's folder still quarantined that the ingest attributed to that township of
        ``codes`` (``raw.quarantine.division_code``: its cover's, else the township its file's
        name names; none when neither told)."""
        if not self._has("raw.quarantine", "division_code"):
            return set()
        rows = self._q(
            f"SELECT DISTINCT division_code, folder_period FROM ({OPEN_REFUSALS}) "
            "WHERE folder_period LIKE ? AND list_contains(?, division_code)",
            [f"{year}Q_", codes],
        )
        return {(code, int(folder[-1])) for code, folder in rows.iter_rows()}

    def withdrawn_returns(self, year: int, codes: list[str]) -> set[tuple[str, int]]:
        """(township, quarter) of the year, of ``codes``, left with no current return because
        the bureau withdrew what was loaded (``civstat withdraw``)."""
        if not self._has("raw.withdrawals"):
            return set()
        rows = self._q(
            f"SELECT DISTINCT w.division_code, w.period FROM ({OPEN_WITHDRAWALS}) w "
            "WHERE w.period LIKE ? AND list_contains(?, w.division_code) AND NOT EXISTS ("
            "SELECT 1 FROM raw.submissions s WHERE s.is_current "
            "AND s.division_code = w.division_code AND s.period = w.period)",
            [f"{year}Q_", codes],
        )
        return {(code, int(period[-1])) for code, period in rows.iter_rows()}

    def sheet_returns(self, year: int, quarter: int, codes: list[str],
                      table: str) -> tuple[dict[str, str], set[str]] | None:
        """The quarter's current returns of townships now ``codes`` (at current boundaries: a
        township merged since counts under its successor): township as it reported → its
        current code, and those whose return holds rows of the sheet ``raw.<table>``. None
        when the warehouse keeps no raw layer to tell."""
        if not (self._has(f"raw.{table}") and self._has("quality_status", "submission_id")):
            return None
        rows = self._q(
            "SELECT q.division_code, coalesce(q.current_division_code, q.division_code) AS now, "
            f"q.submission_id IN (SELECT submission_id FROM raw.{table}) AS has_sheet "
            "FROM quality_status AS q WHERE q.year = ? AND q.quarter = ? "
            "AND list_contains(?, coalesce(q.current_division_code, q.division_code))",
            [year, quarter, codes],
        )
        return ({code: now for code, now, _ in rows.iter_rows()},
                {code for code, _, has in rows.iter_rows() if has})
