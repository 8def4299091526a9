{#- Loops over the measures of the programme catalogue (`measures:` of each programme file and of
    return.yaml; recipes documented in src/civstat/contract/README.md). -#}
{%- set catalogue = civstat_catalogue() -%}
-- The additive building blocks of the KPIs (seed measure_definitions), one row per published
-- township return and measure, in canonical units.
with

published as (
    select * from {{ ref('int_submission_quality') }} where is_published
),

computed as (
    {%- for m in catalogue['measures'] %}
    {%- set filters = [] %}
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
all_measures as (
    select c.*
    from computed as c
    where c.value is not null
    {%- for m in catalogue['measures'] if m.get('requires') %}
        and (c.measure_code <> '{{ m['code'] }}' or exists (
            select 1 from computed as r
            where r.submission_id = c.submission_id and r.measure_code = '{{ m['requires'] }}'
                and r.value is not null))
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
    m.value
from all_measures as m
inner join published as p using (submission_id)
