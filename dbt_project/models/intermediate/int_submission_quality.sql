-- The current submission of each (township, period) with its quality verdict:
-- any hard violation blocks it from the marts; soft ones publish and are listed.
with

current_submissions as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by division_code, period
                order by submitted_at desc nulls last, ingested_at desc nulls last, submission_id desc
            ) as nth
        from {{ ref('stg_submissions') }}
        where is_current
    ) as numbered
    where nth = 1
),

-- each rule's violations per township and period
rules as (
    select division_code, period, severity, rule_code, count(*) as violations
    from {{ ref('int_quality_latest') }}
    group by division_code, period, severity, rule_code
),

violations as (
    select
        division_code,
        period,
        {%- for severity in ['hard', 'soft'] %}
        cast(sum(violations) filter (where severity = '{{ severity }}') as bigint) as {{ severity }}_violations,
        nullif({{ dbt.listagg("case when severity = '" ~ severity ~ "' then rule_code end", "','", "order by rule_code") }}, '')
            as {{ severity }}_rules{{ ',' if not loop.last }}
        {%- endfor %}
    from rules
    group by division_code, period
)

select
    s.submission_id,
    s.division_code,
    d.current_division_code,
    d.county_code,
    d.city_code,
    d.province_code,
    s.period,
    s.year,
    s.quarter,
    s.unit_name,
    s.file_path,
    s.submitted_at,
    -- when its rows were written (a return read again by a newer reader: then)
    s.ingested_at,
    s.pop_total,
    s.pop_urban,
    s.pop_rural,
    s.pop_60plus,
    coalesce(v.hard_violations, 0) as hard_violations,
    coalesce(v.soft_violations, 0) as soft_violations,
    v.hard_rules,
    v.soft_rules,
    coalesce(v.hard_violations, 0) = 0 as is_published
from current_submissions as s
left join {{ ref('int_divisions_resolved') }} as d using (division_code)
left join violations as v using (division_code, period)
