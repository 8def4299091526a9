{% set periods = refresh_period_list() %}
-- 表8 其他社会福利 per township and quarter: 高龄津贴, the two disability subsidies, orphans.
with

{{ published_in_refresh(periods) }}

select
    {{ division_period_columns() }},
    cast(w.high_age_persons as bigint) as high_age_persons,
    cast(w.high_age_funds_ytd as double) as high_age_funds_ytd,
    cast(w.hardship_disabled_eligible as bigint) as hardship_disabled_eligible,
    cast(w.hardship_disabled_receiving as bigint) as hardship_disabled_receiving,
    cast(w.severe_disabled_eligible as bigint) as severe_disabled_eligible,
    cast(w.severe_disabled_receiving as bigint) as severe_disabled_receiving,
    cast(w.disability_funds_ytd as double) as disability_funds_ytd,
    cast(w.orphans_centralized as bigint) as orphans_centralized,
    cast(w.orphans_dispersed as bigint) as orphans_dispersed,
    cast(coalesce(w.orphans_centralized, 0) + coalesce(w.orphans_dispersed, 0) as bigint) as orphans_total,
    cast(w.orphan_funds_ytd as double) as orphan_funds_ytd,
    {{ lineage_columns() }}
from published as p
inner join {{ ref('stg_welfare') }} as w
    on w.submission_id = p.submission_id and {{ in_refresh(periods, 'w') }}
