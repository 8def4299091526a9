-- Each plan target against the year's actual KPI value (完成 / 未完成 with the gap).
-- achieved is NULL when the actual cannot be computed; '=' allows a 1e-9 tolerance.
select
    t.division_code,
    t.division_name,
    t.year,
    t.kpi_code,
    t.kpi_name_zh,
    k.unit,
    t.target,
    t.comparison,
    a.value as actual,
    cast(
        case
            when a.value is null then null
            when t.comparison = '>=' then a.value >= t.target
            when t.comparison = '<=' then a.value <= t.target
            when t.comparison = '=' then abs(a.value - t.target) <= 1e-9
        end as boolean
    ) as achieved,
    a.value - t.target as gap,
    t.source
from {{ ref('plan_targets') }} as t
left join {{ ref('dim_kpi') }} as k
    on k.kpi_code = t.kpi_code
left join {{ ref('kpi_annual') }} as a
    on a.division_code = t.division_code
    and a.year = t.year
    and a.kpi_code = t.kpi_code
