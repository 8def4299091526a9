-- 表5's year-to-date flows (programme file disaster.yaml, dbt.flows_model): the sheet repeats
-- the year's earlier events in every return, so the sum over every event row a return lists
-- for its year is its year-to-date disaster figures (int_flows_quarterly differences them
-- between quarters). Every row counts: two rows of the same date and kind (one flood listed
-- per village, or two storms the same day) are parts of the return's figures, and they are
-- repeated as they are in the later returns of the year. Every published return has both
-- flows (0 when it reports no event).
with

disaster_events as (
    select submission_id, affected_persons, relief_funds
    from {{ ref('stg_disaster_events') }}
    where extract(year from event_date) = year
)

select
    s.submission_id, s.division_code, s.period, s.year, s.quarter,
    'disaster_relief' as programme_code, 'all' as category,
    flow.flow_code, cast(flow.ytd_value as double) as ytd_value
from {{ ref('int_submission_quality') }} as s
cross join lateral (
    select 'funds' as flow_code,
        coalesce((select sum(relief_funds) from disaster_events as e where e.submission_id = s.submission_id), 0) as ytd_value
    union all
    select 'affected_persons',
        coalesce((select sum(affected_persons) from disaster_events as e where e.submission_id = s.submission_id), 0)
) as flow
where s.is_published
