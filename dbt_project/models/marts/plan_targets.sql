-- The bureau's annual plan targets (data/reference/plan_targets.csv → ref.plan_targets).
select
    cast(t.division_code as varchar) as division_code,
    cast(d.division_name as varchar) as division_name,
    cast(d.division_level as varchar) as division_level,
    cast(t.year as integer) as year,
    cast(t.kpi_code as varchar) as kpi_code,
    cast(k.name_zh as varchar) as kpi_name_zh,
    cast(t.target as double) as target,
    cast(t.comparison as varchar) as comparison,
    cast(t.target_source as varchar) as source
from {{ ref('stg_plan_targets') }} as t
left join {{ ref('int_divisions_resolved') }} as d using (division_code)
left join {{ ref('kpi_definitions') }} as k using (kpi_code)
