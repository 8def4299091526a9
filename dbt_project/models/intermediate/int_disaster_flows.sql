-- 表5's year-to-date flows (programme file disaster.yaml, dbt.flows_model): the sheet repeats
-- the year's earlier events in every return, so a return's own events of its year
-- (de-duplicated on date and kind) are its year-to-date disaster figures. Every published
-- return has both flows (0 when it reports no event).
with

disaster_events as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by submission_id, event_date, hazard_type order by source_row desc nulls last
            ) as nth
        from {{ ref('stg_disaster_events') }}
        where extract(year from event_date) = year
    ) as numbered
    where nth = 1
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
