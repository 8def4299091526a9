{{ config(meta={"dagster": {"ref": {"name": "kpi_quarterly"}}}) }}
-- County, city and province numerators and denominators are sums over their townships (never
-- averages of rates), for every KPI whose measures aggregate by sum; and every rate is
-- recomputed from that level's own numerator and denominator.
with additive as (
    select k.kpi_code
    from {{ ref('kpi_definitions') }} as k
    inner join {{ ref('measure_definitions') }} as n on n.measure_code = k.numerator_measure
    inner join {{ ref('measure_definitions') }} as d on d.measure_code = k.denominator_measure
    where n.aggregation = 'sum' and d.aggregation = 'sum' and k.denominator_period = 'same'
),

township_rows as (
    select d.county_code, d.city_code, d.province_code, q.period, q.kpi_code, q.numerator, q.denominator
    from {{ ref('kpi_quarterly') }} as q
    inner join {{ ref('dim_division') }} as d using (division_code)
    where q.division_level = 'township' and q.kpi_code in (select kpi_code from additive)
),

townships as (
    {%- for level in ['county', 'city', 'province'] %}
    select {{ level }}_code as division_code, '{{ level }}' as division_level, period, kpi_code,
        sum(numerator) as numerator, sum(denominator) as denominator
    from township_rows
    where {{ level }}_code is not null
    group by 1, 2, 3, 4
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

sums as (
    select t.*, c.numerator as level_numerator, c.denominator as level_denominator
    from townships as t
    inner join {{ ref('kpi_quarterly') }} as c
        on c.division_code = t.division_code
        and c.division_level = t.division_level
        and c.period = t.period
        and c.kpi_code = t.kpi_code
    where abs(coalesce(c.numerator, 0) - coalesce(t.numerator, 0)) > 1e-6
        or abs(coalesce(c.denominator, 0) - coalesce(t.denominator, 0)) > 1e-6
),

rates as (
    select q.division_code, q.division_level, q.period, q.kpi_code, q.numerator, q.denominator,
        q.value as level_numerator, k.scale as level_denominator
    from {{ ref('kpi_quarterly') }} as q
    inner join {{ ref('kpi_definitions') }} as k using (kpi_code)
    where k.formula = 'ratio' and q.division_level <> 'township'
        and q.denominator <> 0
        and abs(q.value - q.numerator / q.denominator * k.scale) > 1e-9 * greatest(1, abs(q.value))
)

select * from sums
union all
select * from rates
