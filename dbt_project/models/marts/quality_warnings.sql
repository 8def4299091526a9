-- Soft findings of the latest quality run on current returns, with the 说明 where given.
select
    cast(v.division_code as varchar) as division_code,
    cast(coalesce(d.division_name, v.division_name) as varchar) as division_name,
    cast(v.period as varchar) as period,
    cast(v.year as integer) as year,
    cast(v.quarter as integer) as quarter,
    cast(v.rule_code as varchar) as rule_code,
    cast(v.table_name as varchar) as table_name,
    cast(v.column_name as varchar) as column_name,
    cast(v.value as varchar) as offending_value,
    cast(v.expected as varchar) as expected,
    cast(v.message_zh as varchar) as message_zh,
    cast(v.message_en as varchar) as message_en,
    cast(coalesce(nullif(v.explanation, ''), e.explanation) as varchar) as explanation,
    cast(coalesce(nullif(v.explanation, ''), e.explanation) is not null as boolean) as is_explained
from {{ ref('int_quality_latest') }} as v
inner join {{ ref('int_submission_quality') }} as s using (division_code, period)
left join {{ ref('int_divisions_resolved') }} as d using (division_code)
left join {{ ref('stg_explanations') }} as e using (division_code, period, rule_code)
where v.severity = 'soft'
