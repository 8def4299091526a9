-- Every KPI of seed kpi_definitions for every division at current boundaries — township,
-- county, city, province (each level's numerator and denominator summed from its townships in
-- int_division_measures, never averaged) — per quarter. value = formula(numerator, denominator): ratio (× scale), ratio_minus_one
-- (growth against the denominator measure at the previous year-end), difference, value (a
-- count: the numerator × scale; the denominator is the whole it is part of, kept for audit).
-- townships_expected / townships_included / complete say whether the figure covers every
-- township in force (int_division_coverage), city / province rows how many of their counties
-- are complete (counties_expected / counties_complete / counties_incomplete); a KPI built on a measure accumulated over the
-- year's quarters (seed measure_definitions, kind ytd_quarters) needs every quarter so far.
with

refresh as ({{ periods_to_refresh() }}),

measures as (
    select * from {{ ref('int_division_measures') }}
),

definitions as (
    select
        k.*,
        coalesce(n.kind = 'ytd_quarters', false) or coalesce(d.kind = 'ytd_quarters', false) as needs_year
    from {{ ref('kpi_definitions') }} as k
    left join {{ ref('measure_definitions') }} as n on n.measure_code = k.numerator_measure
    left join {{ ref('measure_definitions') }} as d on d.measure_code = k.denominator_measure
),

coverage as (
    select * from {{ ref('int_division_coverage') }}
),

scope as (
    select distinct m.division_code, m.division_level, m.year, m.quarter, m.period, refresh.fingerprint
    from measures as m
    inner join refresh using (period)
),

grid as (
    select
        scope.*,
        definitions.*,
        case when definitions.denominator_period = 'previous_year_end' then scope.year - 1 else scope.year end as den_year,
        case when definitions.denominator_period = 'previous_year_end' then 4 else scope.quarter end as den_quarter
    from scope
    cross join definitions
),

joined as (
    select
        grid.*,
        num.value as numerator,
        den.value as denominator
    from grid
    left join measures as num
        on num.division_code = grid.division_code
        and num.division_level = grid.division_level
        and num.year = grid.year
        and num.quarter = grid.quarter
        and num.measure_code = grid.numerator_measure
    left join measures as den
        on den.division_code = grid.division_code
        and den.division_level = grid.division_level
        and den.year = grid.den_year
        and den.quarter = grid.den_quarter
        and den.measure_code = grid.denominator_measure
)

select
    cast(j.division_code as varchar) as division_code,
    cast(d.division_name as varchar) as division_name,
    cast(j.division_level as varchar) as division_level,
    cast(j.year as integer) as year,
    cast(j.quarter as integer) as quarter,
    cast(j.period as varchar) as period,
    cast(j.kpi_code as varchar) as kpi_code,
    cast(j.name_zh as varchar) as kpi_name_zh,
    cast(
        case j.formula
            when 'ratio' then j.numerator / nullif(j.denominator, 0) * j.scale
            when 'ratio_minus_one' then j.numerator / nullif(j.denominator, 0) - 1
            when 'difference' then j.numerator - j.denominator
            when 'value' then j.numerator * j.scale
        end as double
    ) as value,
    cast(j.numerator as double) as numerator,
    cast(j.denominator as double) as denominator,
    cast(j.unit as varchar) as unit,
    cast(c.townships_expected as integer) as townships_expected,
    cast(case when j.needs_year then c.townships_included_year else c.townships_included end as integer) as townships_included,
    cast(
        (case when j.needs_year then c.townships_included_year else c.townships_included end)
        >= c.townships_expected as boolean
    ) as complete,
    cast(case when j.needs_year then c.townships_missing_year else c.townships_missing end as {{ civstat_array_type('varchar') }}) as townships_missing,
    cast(c.counties_expected as integer) as counties_expected,
    cast(case when j.needs_year then c.counties_complete_year else c.counties_complete end as integer) as counties_complete,
    cast(case when j.needs_year then c.counties_incomplete_year else c.counties_incomplete end as {{ civstat_array_type('varchar') }}) as counties_incomplete,
    cast(j.fingerprint as varchar) as build_fingerprint
from joined as j
left join {{ ref('int_divisions_resolved') }} as d using (division_code)
left join coverage as c
    on c.division_code = j.division_code
    and c.division_level = j.division_level
    and c.period = j.period
