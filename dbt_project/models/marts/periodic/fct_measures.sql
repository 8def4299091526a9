-- Every measure of the programme catalogue (the KPIs' building blocks: 人数, 资金, 床位 …) per
-- township (current boundaries) and county, per quarter, with the townships it covers: the
-- figures the summary states besides the KPIs, and what a statistician queries for a total.
with

refresh as ({{ periods_to_refresh() }}),

measures as (
    select m.*
    from {{ ref('int_division_measures') }} as m
    inner join refresh using (period)
)

select
    cast(m.division_code as varchar) as division_code,
    cast(coalesce(named.division_name, d.division_name) as varchar) as division_name,
    cast(m.division_level as varchar) as division_level,
    cast(m.year as integer) as year,
    cast(m.quarter as integer) as quarter,
    cast(m.period as varchar) as period,
    cast(m.measure_code as varchar) as measure_code,
    cast(md.name_zh as varchar) as measure_name_zh,
    cast(m.value as double) as value,
    cast(md.unit as varchar) as unit,
    cast(m.townships as integer) as townships_included,
    cast(c.townships_expected as integer) as townships_expected,
    cast(m.townships >= c.townships_expected as boolean) as complete,
    cast(m.build_fingerprint as varchar) as build_fingerprint
from measures as m
left join {{ ref('measure_definitions') }} as md using (measure_code)
left join {{ ref('int_divisions_resolved') }} as d using (division_code)
{{ division_name_in_force('m.division_code', 'm.year', 'm.quarter') }}
left join {{ ref('int_division_coverage') }} as c
    on c.division_code = m.division_code
    and c.division_level = m.division_level
    and c.period = m.period
