-- Annual KPIs = the year-end quarter of kpi_quarterly: stocks at 31 December, flows and
-- person-months for the full year (YTD at Q4). A year appears once its Q4 is published.
-- Coverage is that of the Q4 figure (for KPIs accumulated over the year's quarters: every
-- quarter of the year; for a growth over the previous year-end: that year-end's too, its value
-- NULL while that year-end lacks a township — kpi_quarterly).
select
    division_code,
    division_name,
    division_level,
    year,
    cast(year as varchar) as period,
    kpi_code,
    kpi_name_zh,
    value,
    numerator,
    denominator,
    unit,
    townships_expected,
    townships_included,
    townships_reporting,
    complete,
    townships_missing,
    counties_expected,
    counties_complete,
    counties_incomplete
from {{ ref('kpi_quarterly') }}
where quarter = 4
