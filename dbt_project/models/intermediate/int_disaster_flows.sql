-- 表5's year-to-date flows (programme file disaster.yaml, dbt.flows_model): the sum over the
-- events of the year as the return stands for them (int_disaster_event_lists: its own list
-- when it repeats the year's earlier events, as the contract asks; with the earlier returns'
-- when it lists the quarter alone). int_flows_quarterly differences them between quarters.
-- Every published return has both flows (0 when it reports no event).
with

lists as (
    select list_submission_id as submission_id, affected_persons, relief_funds
    from {{ ref('int_disaster_event_lists') }}
)

select
    s.submission_id, s.division_code, s.period, s.year, s.quarter,
    'disaster_relief' as programme_code, 'all' as category,
    flow.flow_code, cast(flow.ytd_value as double) as ytd_value
from {{ ref('int_submission_quality') }} as s
cross join lateral (
    select 'funds' as flow_code,
        coalesce((select sum(relief_funds) from lists as e where e.submission_id = s.submission_id), 0) as ytd_value
    union all
    select 'affected_persons',
        coalesce((select sum(affected_persons) from lists as e where e.submission_id = s.submission_id), 0)
) as flow
where s.is_published
