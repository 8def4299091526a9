{{ config(meta={"dagster": {"ref": {"name": "fct_measures"}}}) }}
-- A city's (and a province's) additive measure is the sum of its counties' (cities'), and it
-- covers as many townships as they do together: the levels agree with each other, not only
-- with the townships.
with

additive as (
    select measure_code from {{ ref('measure_definitions') }} where aggregation = 'sum'
),

measures as (
    select m.*, d.city_code, d.province_code
    from {{ ref('fct_measures') }} as m
    inner join {{ ref('dim_division') }} as d using (division_code)
    where m.measure_code in (select measure_code from additive)
),

children as (
    select city_code as division_code, 'city' as division_level, period, measure_code,
        sum(value) as value, sum(townships_included) as townships_included
    from measures
    where division_level = 'county' and city_code is not null
    group by 1, 2, 3, 4
    union all
    select province_code, 'province', period, measure_code,
        sum(value), sum(townships_included)
    from measures
    where division_level = 'city' and province_code is not null
    group by 1, 2, 3, 4
)

select c.*, p.value as level_value, p.townships_included as level_townships
from children as c
full outer join (
    select * from measures where division_level in ('city', 'province')
) as p
    on p.division_code = c.division_code
    and p.division_level = c.division_level
    and p.period = c.period
    and p.measure_code = c.measure_code
where p.division_code is null
    or c.division_code is null
    or abs(coalesce(p.value, 0) - coalesce(c.value, 0)) > 1e-6 * greatest(1, abs(coalesce(c.value, 0)))
    or p.townships_included <> c.townships_included
