-- Violations of the latest quality-gate run per (period, rule): a re-run that finds nothing
-- clears the earlier findings of that rule for that period.
with

runs as (
    select run_id, rule_code, unnest(periods) as period, evaluated_at
    from {{ ref('stg_quality_rule_runs') }}
    union all
    select run_id, rule_code, period, evaluated_at
    from {{ ref('stg_quality_violations') }}
),

latest as (
    select period, rule_code, arg_max(run_id, evaluated_at) as run_id
    from runs
    group by period, rule_code
)

select violations.*
from {{ ref('stg_quality_violations') }} as violations
inner join latest
    on violations.period = latest.period
    and violations.rule_code = latest.rule_code
    and violations.run_id = latest.run_id
