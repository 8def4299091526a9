-- Every KPI of seed kpi_definitions for every township (current boundaries) and county,
-- per quarter. value = formula(numerator, denominator): ratio (× scale), ratio_minus_one
-- (growth against the denominator measure at the previous year-end), difference.
with

refresh as ({{ periods_to_refresh() }}),

measures as (
    select * from {{ ref('int_division_measures') }}
),

definitions as (
    select * from {{ ref('kpi_definitions') }}
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
        end as double
    ) as value,
    cast(j.numerator as double) as numerator,
    cast(j.denominator as double) as denominator,
    cast(j.unit as varchar) as unit,
    cast(j.fingerprint as varchar) as build_fingerprint
from joined as j
left join {{ ref('int_divisions_resolved') }} as d using (division_code)
