-- One row per disaster event. Returns repeat the year's earlier events (YTD); an event is
-- identified by (township, date, kind) and its figures come from the latest published
-- return that lists it. Several rows of one return under the same date and kind (a flood
-- listed per village, or two storms the same day) are summed: no row's figures are dropped
-- (listed_rows says how many rows the return gave).
with events as (
    select
        e.submission_id, e.division_code, e.period, e.year, e.quarter, e.event_date, e.hazard_type,
        sum(e.affected_persons) as affected_persons,
        sum(e.evacuated_persons) as evacuated_persons,
        sum(e.crop_area_mu) as crop_area_mu,
        sum(e.crop_failed_mu) as crop_failed_mu,
        sum(e.collapsed_households) as collapsed_households,
        sum(e.collapsed_rooms) as collapsed_rooms,
        sum(e.severely_damaged_rooms) as severely_damaged_rooms,
        sum(e.generally_damaged_rooms) as generally_damaged_rooms,
        sum(e.direct_loss) as direct_loss,
        sum(e.relief_funds) as relief_funds,
        min(e.source_row) as source_row,
        count(*) as listed_rows,
        s.current_division_code, s.county_code
    from {{ ref('stg_disaster_events') }} as e
    inner join {{ ref('int_submission_quality') }} as s using (submission_id)
    where s.is_published
    group by
        e.submission_id, e.division_code, e.period, e.year, e.quarter, e.event_date, e.hazard_type,
        s.current_division_code, s.county_code
),

latest_lists as (  -- each township's latest list of the year's events
    select division_code, year, event_date, hazard_type
    from (
        select *, max(list_quarter) over (partition by division_code, year) as last_quarter
        from {{ ref('int_disaster_event_lists') }}
    ) as lists
    where list_quarter = last_quarter
),

{%- set event = 'partition by division_code, event_date, hazard_type' %}
ranked as (
    select
        *,
        min(period) over ({{ event }}) as first_reported_period,
        -- the number of distinct returns listing the event (count(distinct) is no window
        -- function outside DuckDB): ranks up + ranks down − 1
        dense_rank() over ({{ event }} order by submission_id)
            + dense_rank() over ({{ event }} order by submission_id desc) - 1 as times_reported,
        row_number() over ({{ event }} order by year desc, quarter desc, source_row) as nth
    from events
)

select
    cast({{ dbt.hash("division_code || '|' || cast(event_date as varchar) || '|' || hazard_type") }} as varchar) as event_id,
    cast(division_code as varchar) as division_code,
    cast(current_division_code as varchar) as current_division_code,
    cast(county_code as varchar) as county_code,
    cast(event_date as date) as event_date,
    cast(extract(year from event_date) as integer) as year,
    cast(extract(quarter from event_date) as integer) as quarter,
    cast({{ civstat_period_key('extract(year from event_date)', 'extract(quarter from event_date)') }} as varchar) as period,
    cast(hazard_type as varchar) as hazard_type,
    cast(affected_persons as bigint) as affected_persons,
    cast(evacuated_persons as bigint) as evacuated_persons,
    cast(crop_area_mu as double) as crop_area_mu,
    cast(crop_failed_mu as double) as crop_failed_mu,
    cast(collapsed_households as bigint) as collapsed_households,
    cast(collapsed_rooms as bigint) as collapsed_rooms,
    cast(severely_damaged_rooms as bigint) as severely_damaged_rooms,
    cast(generally_damaged_rooms as bigint) as generally_damaged_rooms,
    cast(direct_loss as double) as direct_loss,
    cast(relief_funds as double) as relief_funds,
    cast(first_reported_period as varchar) as first_reported_period,
    cast(period as varchar) as latest_reported_period,
    cast(times_reported as bigint) as times_reported,
    cast(listed_rows as bigint) as listed_rows,
    cast(submission_id as varchar) as submission_id
from ranked
where nth = 1
    and (
        extract(year from event_date) <> year
        or exists (
            select 1 from latest_lists as l
            where l.division_code = ranked.division_code and l.year = ranked.year
                and l.event_date = ranked.event_date
                and l.hazard_type is not distinct from ranked.hazard_type
        )
    )
