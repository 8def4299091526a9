-- Every year-to-date flow (money, new/exited recipients, person-times, veterans) of the
-- current, published submissions (a return blocked by the quality gate feeds no figure, not
-- even the increment of the quarter after it), one row per (submission, programme, category, flow).
with

current_submissions as (
    select submission_id from {{ ref('int_submission_quality') }} where is_published
),

dibao as (
    unpivot (
        select
            submission_id, division_code, period, year, quarter,
            'dibao' as programme_code, category,
            funds_ytd as funds,
            cast(new_households_ytd as double) as new_households,
            cast(new_persons_ytd as double) as new_persons,
            cast(exited_households_ytd as double) as exited_households,
            cast(exited_persons_ytd as double) as exited_persons
        from {{ ref('stg_dibao') }}
    )
    on funds, new_households, new_persons, exited_households, exited_persons
    into name flow_code value ytd_value
),

tekun as (
    unpivot (
        select
            submission_id, division_code, period, year, quarter,
            'tekun' as programme_code, category,
            funds_ytd as funds,
            cast(new_persons_ytd as double) as new_persons
        from {{ ref('stg_tekun') }}
    )
    on funds, new_persons
    into name flow_code value ytd_value
),

temp_assist as (
    unpivot (
        select
            submission_id, division_code, period, year, quarter,
            'temp_assist' as programme_code, 'all' as category,
            funds_ytd as funds,
            cast(household_times_ytd as double) as household_times,
            cast(person_times_ytd as double) as person_times
        from {{ ref('stg_temp_assist') }}
    )
    on funds, household_times, person_times
    into name flow_code value ytd_value
),

single_flows as (
    select submission_id, division_code, period, year, quarter,
        'temp_assist_in_kind' as programme_code, 'all' as category, 'funds' as flow_code, in_kind_ytd as ytd_value
    from {{ ref('stg_temp_assist') }}
    union all
    select submission_id, division_code, period, year, quarter,
        'med_assist_insurance', 'all', 'funds', insured_funds_ytd
    from {{ ref('stg_med_assist') }}
    union all
    select submission_id, division_code, period, year, quarter,
        'med_assist_insurance', 'all', 'insured_persons', insured_persons_ytd
    from {{ ref('stg_med_assist') }}
    union all
    select submission_id, division_code, period, year, quarter,
        'med_assist_direct', 'all', 'funds', direct_funds_ytd
    from {{ ref('stg_med_assist') }}
    union all
    select submission_id, division_code, period, year, quarter,
        'med_assist_direct', 'all', 'person_times', direct_times_ytd
    from {{ ref('stg_med_assist') }}
    union all
    select submission_id, division_code, period, year, quarter,
        'youfu_pension', 'all', 'funds', pension_funds_ytd
    from {{ ref('stg_youfu') }}
    union all
    select submission_id, division_code, period, year, quarter,
        'youfu_conscript_family', 'all', 'funds', conscript_family_funds_ytd
    from {{ ref('stg_youfu') }}
    union all
    select submission_id, division_code, period, year, quarter,
        'youfu_veteran_grants', 'all', 'funds', veteran_grants_ytd
    from {{ ref('stg_youfu') }}
    union all
    select submission_id, division_code, period, year, quarter,
        'high_age_allowance', 'all', 'funds', high_age_funds_ytd
    from {{ ref('stg_welfare') }}
    union all
    select submission_id, division_code, period, year, quarter,
        'disability_subsidies', 'all', 'funds', disability_funds_ytd
    from {{ ref('stg_welfare') }}
    union all
    select submission_id, division_code, period, year, quarter,
        'orphan_allowance', 'all', 'funds', orphan_funds_ytd
    from {{ ref('stg_welfare') }}
),

veterans as (
    unpivot (
        select
            submission_id, division_code, period, year, quarter,
            'veteran_placement' as programme_code, 'all' as category,
            cast(veterans_received_ytd as double) as veterans_received,
            cast(veterans_placed_ytd as double) as veterans_placed,
            cast(veterans_self_employed_ytd as double) as veterans_self_employed,
            cast(veterans_trained_ytd as double) as veterans_trained
        from {{ ref('stg_youfu') }}
    )
    on veterans_received, veterans_placed, veterans_self_employed, veterans_trained
    into name flow_code value ytd_value
),

-- 表5 repeats the year's earlier events in every return: the return's own events of its
-- year (de-duplicated on date and kind) are its year-to-date disaster figures.
disaster_events as (
    select *
    from {{ ref('stg_disaster_events') }}
    where year(event_date) = year
    qualify row_number() over (
        partition by submission_id, event_date, hazard_type order by source_row desc
    ) = 1
),

disaster as (
    select
        s.submission_id, s.division_code, s.period, s.year, s.quarter,
        'disaster_relief' as programme_code, 'all' as category,
        flow.flow_code, flow.ytd_value
    from {{ ref('int_submission_quality') }} as s
    cross join lateral (
        select 'funds' as flow_code,
            coalesce((select sum(relief_funds) from disaster_events as e where e.submission_id = s.submission_id), 0) as ytd_value
        union all
        select 'affected_persons',
            coalesce((select sum(affected_persons) from disaster_events as e where e.submission_id = s.submission_id), 0)
    ) as flow
    where s.is_published
),

all_flows as (
    select * from dibao
    union all by name select * from tekun
    union all by name select * from temp_assist
    union all by name select * from single_flows
    union all by name select * from veterans
)

select
    submission_id, division_code, period, year, quarter,
    programme_code, category, flow_code,
    cast(ytd_value as double) as ytd_value
from all_flows
where submission_id in (select submission_id from current_submissions)
    and ytd_value is not null
union all
select
    submission_id, division_code, period, year, quarter,
    programme_code, category, flow_code,
    cast(ytd_value as double) as ytd_value
from disaster
