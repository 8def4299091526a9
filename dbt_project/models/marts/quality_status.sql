select
    cast(q.division_code as varchar) as division_code,
    cast(coalesce(named.division_name, d.division_name) as varchar) as division_name,
    cast(q.current_division_code as varchar) as current_division_code,
    cast(q.period as varchar) as period,
    cast(q.year as integer) as year,
    cast(q.quarter as integer) as quarter,
    cast(q.submission_id as varchar) as submission_id,
    cast(q.file_path as varchar) as file_path,
    cast(case when q.is_published then 'published' else 'blocked' end as varchar) as status,
    cast(q.hard_violations as bigint) as hard_violations,
    cast(q.soft_violations as bigint) as soft_violations,
    cast(q.hard_rules as varchar) as hard_rules,
    cast(q.soft_rules as varchar) as soft_rules
from {{ ref('int_submission_quality') }} as q
left join {{ ref('int_divisions_resolved') }} as d using (division_code)
{{ division_name_in_force('q.division_code', 'q.year', 'q.quarter') }}
