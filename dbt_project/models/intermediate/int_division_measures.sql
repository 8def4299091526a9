-- Measures per division and period at current boundaries: townships restated (a merged
-- township's returns count for its successor) and every level above them — county, city,
-- province (macro division_level_rows) — as the sum of its townships.
-- Additive measures are summed; non-additive ones (保障标准) are weighted means, weights
-- named in the seed measure_definitions (低保人数 for the standards).
{% set periods = refresh_period_list() %}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='period',
          on_schema_change='fail', pre_hook="{{ delete_refreshed_periods() }}") }}
with

refresh as ({{ periods_to_refresh() }}),

measures as (
    select * from {{ ref('int_township_measures') }}
    where {{ in_refresh(periods) }}
),

definitions as (
    select measure_code, aggregation, weight_measure from {{ ref('measure_definitions') }}
),

weighted as (
    select
        m.current_division_code,
        m.county_code,
        m.city_code,
        m.province_code,
        m.year,
        m.quarter,
        m.period,
        m.measure_code,
        m.value,
        coalesce(d.aggregation, 'sum') as aggregation,
        w.value as weight
    from measures as m
    left join definitions as d using (measure_code)
    left join measures as w
        on d.aggregation = 'weighted_mean'
        and w.submission_id = m.submission_id
        and w.measure_code = d.weight_measure
),

levels as (
    {{ division_level_rows('weighted', ['year', 'quarter', 'period', 'measure_code', 'value', 'aggregation', 'weight']) }}
)

select
    division_code,
    division_level,
    year,
    quarter,
    period,
    measure_code,
    case
        when {{ dbt.any_value('aggregation') }} = 'weighted_mean' then coalesce(
            sum(value * weight) / nullif(sum(weight) filter (where weight is not null), 0),
            avg(value)
        )
        else sum(value)
    end as value,
    count(*) as townships,
    {{ dbt.any_value('fingerprint') }} as build_fingerprint
from levels
inner join refresh using (period)
where division_code is not null
group by division_code, division_level, year, quarter, period, measure_code
