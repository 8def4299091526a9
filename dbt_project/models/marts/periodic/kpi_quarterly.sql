-- Every KPI of seed kpi_definitions for every division at current boundaries — township,
-- county, city, province (each level's numerator and denominator summed from its townships in
-- int_division_measures, never averaged) — per quarter. value = formula(numerator, denominator): ratio (× scale), ratio_minus_one
-- (growth against the denominator measure at the previous year-end), difference, value (a
-- count: the numerator × scale; the denominator is the whole it is part of, kept for audit).
-- townships_expected / townships_included / complete say whether the figure covers every
-- township in force (int_division_coverage), city / province rows how many of their counties
-- are complete (counties_expected / counties_complete / counties_incomplete); a KPI built on a measure accumulated over the
-- year's quarters (seed measure_definitions, kind ytd_quarters) needs every quarter so far.
-- A KPI against the previous year-end (a growth) is complete only when both year-ends are:
-- townships_missing lists the townships missing from either, townships_included those in
-- both, and its value is NULL while either year-end's sum lacks a township (a growth over a
-- base short of a township would count that township as growth, a sum short of one over a
-- whole base as a fall; numerator and denominator stay for audit). A previous year with no
-- data at all leaves the value NULL. A growth of a weighted mean (保障标准) is NULL for a division
-- a township moved into since the previous year-end (division_moves).
-- townships_reporting counts the townships whose published returns gave the KPI's terms: below
-- townships_included where some left out the optional sheet or column it is built on (the
-- contract: such a township has no figures for that programme; the report says so). A KPI over a
-- denominator of its own period has no value where a township gave its numerator without its
-- denominator (城镇人口 left blank: its 低保 persons over no population would raise the rate).
with

refresh as ({{ periods_to_refresh() }}),

measures as (
    select * from {{ ref('int_division_measures') }}
),

definitions as (
    select
        k.*,
        coalesce(n.kind = 'ytd_quarters', false) or coalesce(d.kind = 'ytd_quarters', false) as needs_year,
        k.denominator_period = 'previous_year_end' as needs_base,
        coalesce(n.aggregation = 'weighted_mean', false) as weighted_numerator
    from {{ ref('kpi_definitions') }} as k
    left join {{ ref('measure_definitions') }} as n on n.measure_code = k.numerator_measure
    left join {{ ref('measure_definitions') }} as d on d.measure_code = k.denominator_measure
),

coverage as (
    select * from {{ ref('int_division_coverage') }}
),

-- the coverage a KPI takes: this quarter's, every quarter's of the year (needs_year), or this
-- quarter's and the previous year-end's (needs_base; the *_vs_base columns)
kpi_coverage as (
    select
        c.division_code,
        c.division_level,
        c.period,
        f.needs_year,
        f.needs_base,
        c.townships_expected,
        c.counties_expected,
        c.base_complete,
        case
            when f.needs_base then c.townships_included_vs_base
            when f.needs_year then c.townships_included_year
            else c.townships_included
        end as townships_included_kpi,
        case
            when f.needs_base then c.townships_missing_vs_base
            when f.needs_year then c.townships_missing_year
            else c.townships_missing
        end as townships_missing_kpi,
        case
            when f.needs_base then c.counties_complete_vs_base
            when f.needs_year then c.counties_complete_year
            else c.counties_complete
        end as counties_complete_kpi,
        case
            when f.needs_base then c.counties_incomplete_vs_base
            when f.needs_year then c.counties_incomplete_year
            else c.counties_incomplete
        end as counties_incomplete_kpi
    from coverage as c
    cross join (select distinct needs_year, needs_base from definitions) as f
),

scope as (
    select distinct m.division_code, m.division_level, m.year, m.quarter, m.period, refresh.fingerprint
    from measures as m
    inner join refresh using (period)
),

-- divisions a township moved into between the previous year-end and the period (division_moves):
-- at current boundaries their base holds it at its former county's standard, so a weighted
-- standard's growth would count the move as a raise (a division it left is without it in both)
moved_since_base as (
    select distinct scope.division_code, scope.division_level, scope.period
    from scope
    inner join {{ ref('division_moves') }} as m
        on m.division_level = scope.division_level
        and m.to_code = scope.division_code
        and m.moved_on > {{ civstat_month_end('scope.year - 1', '12') }}
        and m.moved_on <= {{ civstat_month_end('scope.year', 'scope.quarter * 3') }}
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

-- the townships whose published returns gave each KPI's terms: its numerator in the period and,
-- from the same township at current boundaries, its denominator in the denominator's period (the
-- previous year-end for a growth); counted by the code they reported under, as coverage counts
-- them (before a merger the absorbed township and its successor are two)
township_terms as (
    select distinct division_code, current_division_code, county_code, city_code, province_code,
        year, quarter, measure_code
    from {{ ref('int_township_measures') }}
),

term_givers as (
    select n.division_code as township_code, n.current_division_code, n.county_code,
        n.city_code, n.province_code, g.period, g.kpi_code
    from (select distinct period, year, quarter, kpi_code, numerator_measure, denominator_measure,
              den_year, den_quarter from grid) as g
    inner join township_terms as n
        on n.year = g.year
        and n.quarter = g.quarter
        and n.measure_code = g.numerator_measure
    left join township_terms as d
        on d.current_division_code = n.current_division_code
        and d.year = g.den_year
        and d.quarter = g.den_quarter
        and d.measure_code = g.denominator_measure
    where g.denominator_measure is null or d.measure_code is not null
),

giver_levels as (
    {{ division_level_rows('term_givers', ['period', 'kpi_code', 'township_code']) }}
),

reporting as (
    select division_code, division_level, period, kpi_code,
        count(distinct township_code) as townships_reporting
    from giver_levels
    group by division_code, division_level, period, kpi_code
),

-- the townships that gave a KPI's numerator, of a KPI over a denominator of the same period: one
-- of them that did not give the denominator (户籍人口 left blank on its cover) would count its
-- persons over no population of its own, and the rate would be too high: no value then
numerator_terms as (
    select n.division_code as township_code, n.current_division_code, n.county_code,
        n.city_code, n.province_code, g.period, g.kpi_code
    from (select distinct period, year, quarter, kpi_code, numerator_measure from grid
          where denominator_measure is not null and den_year = year and den_quarter = quarter) as g
    inner join township_terms as n
        on n.year = g.year
        and n.quarter = g.quarter
        and n.measure_code = g.numerator_measure
),

numerator_levels as (
    {{ division_level_rows('numerator_terms', ['period', 'kpi_code', 'township_code']) }}
),

numerator_givers as (
    select division_code, division_level, period, kpi_code,
        count(distinct township_code) as townships_numerator
    from numerator_levels
    group by division_code, division_level, period, kpi_code
),

joined as (
    select
        grid.*,
        num.value as numerator,
        den.value as denominator,
        moved.period is not null as moved_since_base
    from grid
    left join moved_since_base as moved
        on moved.division_code = grid.division_code
        and moved.division_level = grid.division_level
        and moved.period = grid.period
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
    cast(coalesce(named.division_name, d.division_name) as varchar) as division_name,
    cast(j.division_level as varchar) as division_level,
    cast(j.year as integer) as year,
    cast(j.quarter as integer) as quarter,
    cast(j.period as varchar) as period,
    cast(j.kpi_code as varchar) as kpi_code,
    cast(j.name_zh as varchar) as kpi_name_zh,
    cast(
        case
            when ng.townships_numerator > coalesce(r.townships_reporting, 0) then null
            when j.needs_base and not (c.base_complete
                                       and c.townships_included_kpi >= c.townships_expected) then null
            when j.needs_base and j.weighted_numerator and j.moved_since_base then null
            when j.formula = 'ratio' then j.numerator / nullif(j.denominator, 0) * j.scale
            when j.formula = 'ratio_minus_one' then j.numerator / nullif(j.denominator, 0) - 1
            when j.formula = 'difference' then j.numerator - j.denominator
            when j.formula = 'value' then j.numerator * j.scale
        end as double
    ) as value,
    cast(j.numerator as double) as numerator,
    cast(j.denominator as double) as denominator,
    cast(j.unit as varchar) as unit,
    cast(c.townships_expected as integer) as townships_expected,
    cast(c.townships_included_kpi as integer) as townships_included,
    cast(coalesce(r.townships_reporting, 0) as integer) as townships_reporting,
    cast(c.townships_included_kpi >= c.townships_expected and (not j.needs_base or c.base_complete) as boolean) as complete,
    cast(c.townships_missing_kpi as {{ civstat_array_type('varchar') }}) as townships_missing,
    cast(c.counties_expected as integer) as counties_expected,
    cast(c.counties_complete_kpi as integer) as counties_complete,
    cast(c.counties_incomplete_kpi as {{ civstat_array_type('varchar') }}) as counties_incomplete,
    cast(j.fingerprint as varchar) as build_fingerprint
from joined as j
left join {{ ref('int_divisions_resolved') }} as d using (division_code)
{{ division_name_in_force('j.division_code', 'j.year', 'j.quarter') }}
left join reporting as r
    on r.division_code = j.division_code
    and r.division_level = j.division_level
    and r.period = j.period
    and r.kpi_code = j.kpi_code
left join numerator_givers as ng
    on ng.division_code = j.division_code
    and ng.division_level = j.division_level
    and ng.period = j.period
    and ng.kpi_code = j.kpi_code
left join kpi_coverage as c
    on c.division_code = j.division_code
    and c.division_level = j.division_level
    and c.period = j.period
    and c.needs_year = j.needs_year
    and c.needs_base = j.needs_base
