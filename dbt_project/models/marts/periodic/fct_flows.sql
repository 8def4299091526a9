{% set periods = refresh_period_list() %}
-- Every year-to-date flow of every programme in the catalogue (money, persons, person-times,
-- registrations …) per township, quarter, spending line, category and flow: as reported and the
-- derived quarterly increment. A programme added to the catalogue has its flows here.
with

{{ published_in_refresh(periods) }}

select
    {{ division_period_columns() }},
    cast(f.programme_code as varchar) as programme_code,
    cast(f.category as varchar) as category,
    cast(f.flow_code as varchar) as flow_code,
    cast(f.ytd_value as double) as ytd_value,
    cast(f.quarter_value as double) as quarter_value,
    {{ lineage_columns() }}
from published as p
inner join {{ ref('int_flows_quarterly') }} as f using (submission_id)
where {{ in_refresh(periods, 'f') }}
