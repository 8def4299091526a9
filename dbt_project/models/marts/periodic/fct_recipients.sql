{% set periods = refresh_period_list() %}
-- Recipients of 低保 and 特困 per township, quarter and category (urban/rural):
-- end-of-period stocks, year-to-date new/exited and their quarterly increments.
with

{{ published_in_refresh(periods) }},

stocks as (
    select
        submission_id, 'dibao' as programme_code, category,
        households, persons, cast(null as bigint) as centralized, cast(null as bigint) as dispersed,
        standard_monthly, standard_reported, standard_period, standard_unit, standard_unit_source,
        cast(null as double) as std_centralized_annual, cast(null as double) as std_dispersed_annual
    from {{ ref('stg_dibao') }}
    where {{ in_refresh(periods) }}
    union all
    select
        submission_id, 'tekun', category,
        cast(null as bigint), persons, centralized, dispersed,
        cast(null as double), cast(null as double), cast(null as varchar), cast(null as varchar), cast(null as varchar),
        std_centralized_annual, std_dispersed_annual
    from {{ ref('stg_tekun') }}
    where {{ in_refresh(periods) }}
),

flows as (
    select
        submission_id, programme_code, category,
        max(ytd_value) filter (where flow_code = 'new_households') as new_households_ytd,
        max(ytd_value) filter (where flow_code = 'new_persons') as new_persons_ytd,
        max(ytd_value) filter (where flow_code = 'exited_households') as exited_households_ytd,
        max(ytd_value) filter (where flow_code = 'exited_persons') as exited_persons_ytd,
        max(quarter_value) filter (where flow_code = 'new_households') as new_households,
        max(quarter_value) filter (where flow_code = 'new_persons') as new_persons,
        max(quarter_value) filter (where flow_code = 'exited_households') as exited_households,
        max(quarter_value) filter (where flow_code = 'exited_persons') as exited_persons
    from {{ ref('int_flows_quarterly') }}
    where programme_code in ('dibao', 'tekun')
        and {{ in_refresh(periods) }}
    group by submission_id, programme_code, category
)

select
    {{ division_period_columns() }},
    cast(s.programme_code as varchar) as programme_code,
    cast(s.category as varchar) as category,
    cast(s.households as bigint) as households,
    cast(s.persons as bigint) as persons,
    cast(s.centralized as bigint) as centralized_persons,
    cast(s.dispersed as bigint) as dispersed_persons,
    cast(f.new_households_ytd as bigint) as new_households_ytd,
    cast(f.new_persons_ytd as bigint) as new_persons_ytd,
    cast(f.exited_households_ytd as bigint) as exited_households_ytd,
    cast(f.exited_persons_ytd as bigint) as exited_persons_ytd,
    cast(f.new_households as bigint) as new_households,
    cast(f.new_persons as bigint) as new_persons,
    cast(f.exited_households as bigint) as exited_households,
    cast(f.exited_persons as bigint) as exited_persons,
    cast(s.standard_monthly as double) as standard_monthly,
    cast(s.standard_reported as double) as standard_reported,
    cast(s.standard_period as varchar) as standard_period,
    cast(s.standard_unit as varchar) as standard_unit,
    cast(s.standard_unit_source as varchar) as standard_unit_source,
    cast(s.std_centralized_annual as double) as std_centralized_annual,
    cast(s.std_dispersed_annual as double) as std_dispersed_annual,
    {{ lineage_columns() }}
from published as p
inner join stocks as s using (submission_id)
left join flows as f using (submission_id, programme_code, category)
