{% set periods = refresh_period_list() %}
-- 优抚安置 per township and quarter: entitled persons (stock), money (YTD) and veterans
-- received/placed/self-employed/trained (YTD and the quarterly increment), 待安置 (stock;
-- NULL when the return has no such column).
with

{{ published_in_refresh(periods) }},

increments as (
    select
        submission_id,
        max(quarter_value) filter (where flow_code = 'veterans_received') as veterans_received,
        max(quarter_value) filter (where flow_code = 'veterans_placed') as veterans_placed,
        max(quarter_value) filter (where flow_code = 'veterans_self_employed') as veterans_self_employed,
        max(quarter_value) filter (where flow_code = 'veterans_trained') as veterans_trained
    from {{ ref('int_flows_quarterly') }}
    where programme_code = 'veteran_placement' and {{ in_refresh(periods) }}
    group by submission_id
)

select
    {{ division_period_columns() }},
    cast(y.entitled_persons as bigint) as entitled_persons,
    cast(y.conscript_families as bigint) as conscript_families,
    cast(y.pension_funds_ytd as double) as pension_funds_ytd,
    cast(y.conscript_family_funds_ytd as double) as conscript_family_funds_ytd,
    cast(y.veteran_grants_ytd as double) as veteran_grants_ytd,
    cast(y.veterans_received_ytd as bigint) as veterans_received_ytd,
    cast(y.veterans_placed_ytd as bigint) as veterans_placed_ytd,
    cast(y.veterans_self_employed_ytd as bigint) as veterans_self_employed_ytd,
    cast(y.veterans_trained_ytd as bigint) as veterans_trained_ytd,
    cast(y.veterans_pending as bigint) as veterans_pending,
    cast(i.veterans_received as bigint) as veterans_received,
    cast(i.veterans_placed as bigint) as veterans_placed,
    cast(i.veterans_self_employed as bigint) as veterans_self_employed,
    cast(i.veterans_trained as bigint) as veterans_trained,
    {{ lineage_columns() }}
from published as p
inner join {{ ref('stg_youfu') }} as y
    on y.submission_id = p.submission_id and {{ in_refresh(periods, 'y') }}
left join increments as i on i.submission_id = p.submission_id
