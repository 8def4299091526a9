{% set periods = refresh_period_list() %}
-- Elder-care institutions per quarter (end-of-period stocks). An institution is identified
-- by its name within its township at current boundaries.
with

{{ published_in_refresh(periods) }},

institutions as (
    select
        submission_id,
        institution_name,
        {{ dbt.any_value('institution_type') }} as institution_type,
        {{ dbt.any_value('operation_mode') }} as operation_mode,
        sum(beds) as beds,
        sum(nursing_beds) as nursing_beds,
        sum(residents) as residents,
        sum(residents_tekun) as residents_tekun,
        sum(staff) as staff,
        sum(trained_caregivers) as trained_caregivers
    from {{ ref('stg_eldercare_institutions') }}
    where {{ in_refresh(periods) }}
    group by submission_id, institution_name
)

select
    cast({{ dbt.hash("coalesce(p.current_division_code, p.division_code) || '|' || i.institution_name") }} as varchar) as institution_id,
    cast(i.institution_name as varchar) as institution_name,
    cast(i.institution_type as varchar) as institution_type,
    cast(i.operation_mode as varchar) as operation_mode,
    {{ division_period_columns() }},
    cast(i.beds as bigint) as beds,
    cast(i.nursing_beds as bigint) as nursing_beds,
    cast(i.residents as bigint) as residents,
    cast(i.residents_tekun as bigint) as residents_tekun,
    cast(i.staff as bigint) as staff,
    cast(i.trained_caregivers as bigint) as trained_caregivers,
    {{ lineage_columns() }}
from published as p
inner join institutions as i using (submission_id)
