-- Violations of the latest quality-gate run per (period, rule): a re-run that finds nothing
-- clears the earlier findings of that rule for that period.
with

runs as (
    select r.run_id, r.rule_code, p.period, r.evaluated_at
    from {{ ref('stg_quality_rule_runs') }} as r
    cross join unnest(r.periods) as p (period)
    union all
    select run_id, rule_code, period, evaluated_at
    from {{ ref('stg_quality_violations') }}
),

latest as (
    select period, rule_code, run_id
    from (
        select
            period, rule_code, run_id,
            row_number() over (partition by period, rule_code order by evaluated_at desc nulls last) as nth
        from runs
    ) as numbered
    where nth = 1
)

select violations.*
from {{ ref('stg_quality_violations') }} as violations
inner join latest
    on violations.period = latest.period
    and violations.rule_code = latest.rule_code
    and violations.run_id = latest.run_id
