{% set periods = refresh_period_list() %}
-- Case counts of 临时救助 and 医疗救助 per township and quarter (YTD and quarterly increment).
with

{{ published_in_refresh(periods) }},

flows as (
    select
        submission_id,
        max(ytd_value) filter (where programme_code = 'temp_assist' and flow_code = 'household_times') as temp_household_times_ytd,
        max(ytd_value) filter (where programme_code = 'temp_assist' and flow_code = 'person_times') as temp_person_times_ytd,
        max(ytd_value) filter (where programme_code = 'med_assist_insurance' and flow_code = 'insured_persons') as med_insured_persons_ytd,
        max(ytd_value) filter (where programme_code = 'med_assist_direct' and flow_code = 'person_times') as med_direct_times_ytd,
        max(quarter_value) filter (where programme_code = 'temp_assist' and flow_code = 'household_times') as temp_household_times,
        max(quarter_value) filter (where programme_code = 'temp_assist' and flow_code = 'person_times') as temp_person_times,
        max(quarter_value) filter (where programme_code = 'med_assist_insurance' and flow_code = 'insured_persons') as med_insured_persons,
        max(quarter_value) filter (where programme_code = 'med_assist_direct' and flow_code = 'person_times') as med_direct_times
    from {{ ref('int_flows_quarterly') }}
    where programme_code in ('temp_assist', 'med_assist_insurance', 'med_assist_direct')
        and {{ in_refresh(periods) }}
    group by submission_id
)

select
    {{ division_period_columns() }},
    cast(f.temp_household_times_ytd as bigint) as temp_household_times_ytd,
    cast(f.temp_person_times_ytd as bigint) as temp_person_times_ytd,
    cast(f.med_insured_persons_ytd as bigint) as med_insured_persons_ytd,
    cast(f.med_direct_times_ytd as bigint) as med_direct_times_ytd,
    cast(f.temp_household_times as bigint) as temp_household_times,
    cast(f.temp_person_times as bigint) as temp_person_times,
    cast(f.med_insured_persons as bigint) as med_insured_persons,
    cast(f.med_direct_times as bigint) as med_direct_times,
    {{ lineage_columns() }}
from published as p
inner join flows as f using (submission_id)
