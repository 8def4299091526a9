-- The current submission of each (township, period) with its quality verdict:
-- any hard violation blocks it from the marts; soft ones publish and are listed.
with

current_submissions as (
    select *
    from {{ ref('stg_submissions') }}
    where is_current
    qualify row_number() over (
        partition by division_code, period
        order by submitted_at desc, ingested_at desc, submission_id desc
    ) = 1
),

violations as (
    select
        division_code,
        period,
        count(*) filter (where severity = 'hard') as hard_violations,
        count(*) filter (where severity = 'soft') as soft_violations,
        string_agg(distinct rule_code, ',' order by rule_code) filter (where severity = 'hard') as hard_rules,
        string_agg(distinct rule_code, ',' order by rule_code) filter (where severity = 'soft') as soft_rules
    from {{ ref('int_quality_latest') }}
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
