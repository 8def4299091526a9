{% set periods = refresh_period_list() %}
-- Money per township, quarter and programme (category urban/rural for 低保 and 特困, else
-- 'all'), in 元: year-to-date as reported and the derived quarterly increment.
with

{{ published_in_refresh(periods) }}

select
    {{ division_period_columns() }},
    cast(f.programme_code as varchar) as programme_code,
    cast(f.category as varchar) as category,
    cast(f.ytd_value as double) as funds_ytd,
    cast(f.quarter_value as double) as funds_quarter,
    {{ lineage_columns() }}
from published as p
inner join {{ ref('int_flows_quarterly') }} as f using (submission_id)
where f.flow_code = 'funds' and {{ in_refresh(periods, 'f') }}
