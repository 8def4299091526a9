{#- Loops over the measures of the programme catalogue (`measures:` of each programme file and of
    return.yaml; recipes documented in src/civstat/contract/README.md). -#}
{%- set catalogue = civstat_catalogue() -%}
-- The additive building blocks of the KPIs (seed measure_definitions), one row per published
-- township return and measure, in canonical units.
-- Incremental by period: a table that int_division_measures reads (twice: values and weights),
-- where a view's union of every measure was planned again at each read.
{% set periods = refresh_period_list() %}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='period',
          on_schema_change='fail', pre_hook="{{ delete_refreshed_periods() }}") }}
with

refresh as ({{ periods_to_refresh() }}),

published as (
    select * from {{ ref('int_submission_quality') }}
    where is_published and {{ in_refresh(periods) }}
),

computed as (
    {%- for m in catalogue['measures'] %}
    {%- set filters = [in_refresh(periods)] %}
    {%- if m.get('category') %}{% do filters.append("category = '" ~ m['category'] ~ "'") %}{% endif %}
    {%- if m.get('where') %}{% do filters.append("(" ~ m['where'] ~ ")") %}{% endif %}
    {%- if m.get('cover') %}
    select submission_id, '{{ m['code'] }}' as measure_code, cast({{ m['cover'] }} as double) as value
    from published
    {%- elif m.get('line') %}
    {%- do filters.append("programme_code = '" ~ m['line'] ~ "' and flow_code = '" ~ m['flow'] ~ "'") %}
    select submission_id, '{{ m['code'] }}' as measure_code, sum(ytd_value) as value
    from {{ ref('int_flows_long') }}
    where {{ filters | join(' and ') }}
    group by submission_id
    {%- else %}
    select submission_id, '{{ m['code'] }}' as measure_code, sum(cast({{ m['value'] }} as double)) as value
    from {{ ref(m['model']) }}
    {%- if filters %}
    where {{ filters | join(' and ') }}
    {%- endif %}
    group by submission_id
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- A measure with `requires` (e.g. 月人均补助's 累计资金 requires 累计保障人月: a township whose
-- person-months are unknown — a blocked or missing earlier quarter of the year — is left out of
-- both, so that numerator and denominator always cover the same townships).
-- (A window over the return's measures, not a second read of `computed`: each read of that
-- union is planned anew.)
{%- set requiring = catalogue['measures'] | selectattr('requires') | list %}
known as (
    select
        c.submission_id,
        c.measure_code,
        c.value
        {%- for m in requiring %},
        max(case when c.measure_code = '{{ m['requires'] }}' then 1 else 0 end)
            over (partition by c.submission_id) as has_{{ loop.index }}
        {%- endfor %}
    from computed as c
    where c.value is not null
),

all_measures as (
    select submission_id, measure_code, value
    from known
    where true
    {%- for m in requiring %}
        and (measure_code <> '{{ m['code'] }}' or has_{{ loop.index }} = 1)
    {%- endfor %}
)

select
    p.submission_id,
    p.division_code,
    p.current_division_code,
    p.county_code,
    p.city_code,
    p.province_code,
    p.period,
    p.year,
    p.quarter,
    m.measure_code,
    m.value,
    cast(refresh.fingerprint as varchar) as build_fingerprint
from all_measures as m
inner join published as p using (submission_id)
inner join refresh on refresh.period = p.period
