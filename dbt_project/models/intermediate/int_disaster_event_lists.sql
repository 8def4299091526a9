-- 表5: the year's events as each published return stands for them. The contract has every
-- return repeat the year's earlier events (YTD), and most clerks do; many list only the
-- quarter's own events. A return is told to repeat when it is its year's first quarter or it
-- lists an event (township, date, kind) an earlier published return of the year listed; its
-- list is then its own. A return that repeats none of them lists the quarter alone: its list is
-- its own rows with the events of the returns since the latest one that repeated (or since Q1).
-- Each event's figures come from the latest of those returns listing it; rows of one date and
-- kind in a return are parts of it, summed (a flood listed per village). One row per
-- (as-of return, event): int_disaster_flows sums it, fct_disaster_losses keeps the events of
-- each township's latest list, so the report's totals and its ratios count the same events.
with

published as (
    select submission_id, division_code, year, quarter
    from {{ ref('int_submission_quality') }}
    where is_published
),

rows_of_returns as (
    select
        p.submission_id, p.division_code, p.year, p.quarter, e.event_date, e.hazard_type,
        sum(e.affected_persons) as affected_persons,
        sum(e.relief_funds) as relief_funds
    from {{ ref('stg_disaster_events') }} as e
    inner join published as p using (submission_id)
    where extract(year from e.event_date) = p.year
    group by p.submission_id, p.division_code, p.year, p.quarter, e.event_date, e.hazard_type
),

repeating as (  -- returns whose list is the year's so far
    select p.submission_id, p.division_code, p.year, p.quarter
    from published as p
    where p.quarter = 1 or exists (
        select 1
        from rows_of_returns as r
        inner join rows_of_returns as earlier
            on earlier.division_code = r.division_code and earlier.year = r.year
            and earlier.quarter < r.quarter and earlier.event_date = r.event_date
            and earlier.hazard_type is not distinct from r.hazard_type
        where r.submission_id = p.submission_id
    )
),

lists as (
    select
        p.submission_id, p.division_code, p.year, p.quarter,
        coalesce((
            select max(h.quarter) from repeating as h
            where h.division_code = p.division_code and h.year = p.year and h.quarter <= p.quarter
        ), 1) as from_quarter
    from published as p
),

listed as (
    select
        l.submission_id as list_submission_id,
        l.quarter as list_quarter,
        l.from_quarter,
        r.submission_id as source_submission_id,
        r.division_code, r.year, r.event_date, r.hazard_type, r.affected_persons, r.relief_funds,
        row_number() over (
            partition by l.submission_id, r.event_date, r.hazard_type order by r.quarter desc
        ) as nth
    from lists as l
    inner join rows_of_returns as r
        on r.division_code = l.division_code and r.year = l.year
        and r.quarter between l.from_quarter and l.quarter
)

select
    cast(list_submission_id as varchar) as list_submission_id,
    cast(list_quarter as integer) as list_quarter,
    cast(from_quarter as integer) as from_quarter,
    cast(source_submission_id as varchar) as source_submission_id,
    cast(division_code as varchar) as division_code,
    cast(year as integer) as year,
    cast(event_date as date) as event_date,
    cast(hazard_type as varchar) as hazard_type,
    cast(affected_persons as bigint) as affected_persons,
    cast(relief_funds as double) as relief_funds
from listed
where nth = 1
