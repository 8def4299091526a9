-- The coverage of every aggregate over townships for a division and period: the county rows
-- say how many townships a county sum of the township facts (fct_*) or of the year-to-date
-- figures includes, and which are left out (blocked by the quality gate, or not reported).
-- kpi_quarterly / kpi_annual carry the same columns per KPI.
select
    cast(c.division_code as varchar) as division_code,
    cast(coalesce(named.division_name, d.division_name) as varchar) as division_name,
    cast(c.division_level as varchar) as division_level,
    cast(c.year as integer) as year,
    cast(c.quarter as integer) as quarter,
    cast(c.period as varchar) as period,
    cast(c.townships_expected as integer) as townships_expected,
    cast(c.townships_included as integer) as townships_included,
    cast(c.townships_included >= c.townships_expected as boolean) as complete,
    cast(c.townships_missing as {{ civstat_array_type('varchar') }}) as townships_missing,
    cast(c.townships_included_year as integer) as townships_included_year,
    cast(c.townships_missing_year as {{ civstat_array_type('varchar') }}) as townships_missing_year,
    cast(c.counties_expected as integer) as counties_expected,
    cast(c.counties_complete as integer) as counties_complete,
    cast(c.counties_incomplete as {{ civstat_array_type('varchar') }}) as counties_incomplete
from {{ ref('int_division_coverage') }} as c
left join {{ ref('int_divisions_resolved') }} as d using (division_code)
{{ division_name_in_force('c.division_code', 'c.year', 'c.quarter') }}
