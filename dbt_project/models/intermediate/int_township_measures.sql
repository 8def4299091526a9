-- The additive building blocks of the KPIs (seed measure_definitions), one row per published
-- township return and measure, in canonical units.
with

published as (
    select * from {{ ref('int_submission_quality') }} where is_published
),

cover as (
    unpivot (
        select submission_id,
            cast(pop_total as double) as pop_total,
            cast(pop_urban as double) as pop_urban,
            cast(pop_rural as double) as pop_rural,
            cast(pop_60plus as double) as pop_60plus
        from published
    )
    on pop_total, pop_urban, pop_rural, pop_60plus
    into name measure_code value value
),

person_months as (
    select submission_id, category, person_months_ytd from {{ ref('int_dibao_person_months') }}
),

dibao as (
    select submission_id, 'dibao_households_' || category as measure_code, households as value from {{ ref('stg_dibao') }}
    union all
    select submission_id, 'dibao_persons_' || category, persons from {{ ref('stg_dibao') }}
    union all
    select submission_id, 'dibao_persons', sum(persons) from {{ ref('stg_dibao') }} group by submission_id
    union all
    select submission_id, 'dibao_standard_' || category, standard_monthly from {{ ref('stg_dibao') }}
    union all
    select submission_id, 'dibao_person_months_ytd_' || category, person_months_ytd
    from person_months
),

tekun as (
    select submission_id, 'tekun_persons' as measure_code, sum(persons) as value from {{ ref('stg_tekun') }} group by submission_id
    union all
    select submission_id, 'tekun_centralized', sum(centralized) from {{ ref('stg_tekun') }} group by submission_id
    union all
    select submission_id, 'tekun_persons_rural', persons from {{ ref('stg_tekun') }} where category = 'rural'
    union all
    select submission_id, 'tekun_centralized_rural', centralized from {{ ref('stg_tekun') }} where category = 'rural'
),

eldercare as (
    unpivot (
        select submission_id,
            cast(sum(beds) as double) as eldercare_beds,
            cast(sum(nursing_beds) as double) as eldercare_nursing_beds,
            cast(sum(residents) as double) as eldercare_residents,
            cast(sum(staff) as double) as eldercare_staff,
            cast(sum(trained_caregivers) as double) as eldercare_trained_caregivers
        from {{ ref('stg_eldercare_institutions') }}
        group by submission_id
    )
    on eldercare_beds, eldercare_nursing_beds, eldercare_residents, eldercare_staff, eldercare_trained_caregivers
    into name measure_code value value
),

welfare as (
    select submission_id, 'disability_eligible' as measure_code,
        coalesce(hardship_disabled_eligible, 0) + coalesce(severe_disabled_eligible, 0) as value
    from {{ ref('stg_welfare') }}
    union all
    select submission_id, 'disability_receiving',
        coalesce(hardship_disabled_receiving, 0) + coalesce(severe_disabled_receiving, 0)
    from {{ ref('stg_welfare') }}
),

flows as (
    select submission_id,
        case
            when programme_code = 'dibao' and flow_code = 'funds' then 'dibao_funds_ytd_' || category
            when programme_code = 'dibao' and flow_code = 'new_persons' then 'dibao_new_persons_ytd'
            when programme_code = 'dibao' and flow_code = 'exited_persons' then 'dibao_exited_persons_ytd'
            when programme_code = 'temp_assist' and flow_code = 'funds' then 'temp_assist_funds_ytd'
            when programme_code = 'temp_assist' and flow_code = 'person_times' then 'temp_assist_person_times_ytd'
            when programme_code = 'med_assist_direct' and flow_code = 'funds' then 'med_direct_funds_ytd'
            when programme_code = 'med_assist_direct' and flow_code = 'person_times' then 'med_direct_times_ytd'
            when programme_code = 'disaster_relief' and flow_code = 'funds' then 'disaster_relief_funds_ytd'
            when programme_code = 'disaster_relief' and flow_code = 'affected_persons' then 'disaster_affected_persons_ytd'
            when programme_code = 'veteran_placement' then flow_code || '_ytd'
        end as measure_code,
        sum(ytd_value) as value
    from {{ ref('int_flows_long') }}
    group by all
),

-- 月人均补助 = 累计资金 ÷ 累计保障人月: a township whose person-months are unknown (a blocked
-- or missing earlier quarter of the year) is left out of both, so that numerator and
-- denominator always cover the same townships.
paired_flows as (
    select f.*
    from flows as f
    left join person_months as pm
        on pm.submission_id = f.submission_id
        and f.measure_code = 'dibao_funds_ytd_' || pm.category
    where f.measure_code is not null
        and (f.measure_code not like 'dibao_funds_ytd_%' or pm.person_months_ytd is not null)
),

-- 应安置 (the placement rate's denominator): 安排工作 + 待安置 where the return has the
-- 待安置 column (more-programmes.md), else 本年接收 − 自主就业 (100 % whenever every veteran
-- not self-employed got a job — the report does not print such a rate as an achievement).
veterans as (
    select submission_id, 'veterans_to_place_ytd' as measure_code,
        case
            when veterans_pending is not null then coalesce(veterans_placed_ytd, 0) + veterans_pending
            else veterans_received_ytd - coalesce(veterans_self_employed_ytd, 0)
        end as value
    from {{ ref('stg_youfu') }}
    union all
    select submission_id, 'veterans_pending', veterans_pending from {{ ref('stg_youfu') }}
),

all_measures as (
    select submission_id, measure_code, cast(value as double) as value from cover
    union all select submission_id, measure_code, cast(value as double) from dibao
    union all select submission_id, measure_code, cast(value as double) from tekun
    union all select submission_id, measure_code, cast(value as double) from eldercare
    union all select submission_id, measure_code, cast(value as double) from welfare
    union all select submission_id, measure_code, cast(value as double) from paired_flows
    union all select submission_id, measure_code, cast(value as double) from veterans
)

select
    p.submission_id,
    p.division_code,
    p.current_division_code,
    p.county_code,
    p.period,
    p.year,
    p.quarter,
    m.measure_code,
    m.value
from all_measures as m
inner join published as p using (submission_id)
where m.value is not null
