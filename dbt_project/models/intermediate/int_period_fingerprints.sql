-- Fingerprint of what each period's marts depend on (see macro periods_to_refresh).
with

per_period as (
    select
        period,
        year,
        quarter,
        md5(string_agg(
            submission_id || ':' || is_published::varchar || ':' || coalesce(current_division_code, '?'),
            ',' order by submission_id
        )) as fp
    from {{ ref('int_submission_quality') }}
    group by period, year, quarter
),

globals as (
    select md5(
        coalesce((select string_agg(d::varchar, '|' order by d::varchar) from {{ ref('stg_divisions') }} as d), '')
        || coalesce((select string_agg(k::varchar, '|' order by k::varchar) from {{ ref('kpi_definitions') }} as k), '')
        || coalesce((select string_agg(m::varchar, '|' order by m::varchar) from {{ ref('measure_definitions') }} as m), '')
    ) as fp
)

select
    p.period,
    p.year,
    p.quarter,
    -- this quarter, the earlier quarters of its year (YTD increments, person-months)
    -- and the previous year-end (growth rates)
    md5(
        (select fp from globals)
        || string_agg(c.period || '=' || c.fp, ',' order by c.year, c.quarter)
    ) as fingerprint
from per_period as p
inner join per_period as c
    on (c.year = p.year and c.quarter <= p.quarter)
    or (c.year = p.year - 1 and c.quarter = 4)
group by p.period, p.year, p.quarter
