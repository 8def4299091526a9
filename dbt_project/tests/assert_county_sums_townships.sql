{{ config(meta={"dagster": {"ref": {"name": "kpi_quarterly"}}}) }}
-- County numerators and denominators are sums over townships (never averages of rates),
-- for every KPI whose measures aggregate by sum.
with additive as (
    select k.kpi_code
    from {{ ref('kpi_definitions') }} as k
    inner join {{ ref('measure_definitions') }} as n on n.measure_code = k.numerator_measure
    inner join {{ ref('measure_definitions') }} as d on d.measure_code = k.denominator_measure
    where n.aggregation = 'sum' and d.aggregation = 'sum' and k.denominator_period = 'same'
),

townships as (
    select d.county_code, q.period, q.kpi_code,
        sum(q.numerator) as numerator, sum(q.denominator) as denominator
    from {{ ref('kpi_quarterly') }} as q
    inner join {{ ref('dim_division') }} as d using (division_code)
    where q.division_level = 'township' and q.kpi_code in (select kpi_code from additive)
    group by all
)

select t.*, c.numerator as county_numerator, c.denominator as county_denominator
from townships as t
inner join {{ ref('kpi_quarterly') }} as c
    on c.division_code = t.county_code and c.period = t.period and c.kpi_code = t.kpi_code
where abs(coalesce(c.numerator, 0) - coalesce(t.numerator, 0)) > 1e-6
    or abs(coalesce(c.denominator, 0) - coalesce(t.denominator, 0)) > 1e-6
