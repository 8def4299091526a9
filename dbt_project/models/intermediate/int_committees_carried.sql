{#- The columns of 表15 come from the programme catalogue (programmes/community.yaml). -#}
{%- set sheet = civstat_programme('community') -%}
-- 表15 基层政权与社区建设 as it stands for every published return. Its stocks are revised once a
-- year, so a township that does not send 表15 this quarter keeps its latest earlier 表15 of the
-- same year — never one of the year before, never one of a blocked (unpublished) return.
-- committees = 村民委员会 + 居民委员会 is the denominator of the coverage rates whose numerator is
-- on another sheet (表13 儿童主任配备率, 表16 居家养老服务站覆盖率); every 表15 figure comes from
-- the same 表15 as the count. One row per published return, also for returns without any 表15
-- so far this year (figures NULL).
with

published as (
    select submission_id, division_code, period, year, quarter
    from {{ ref('int_submission_quality') }}
    where is_published
),

-- the 表15 of published returns that give a committee count (a one-row sheet)
reported as (
    select
        p.submission_id,
        p.division_code,
        p.period,
        p.year,
        p.quarter,
        case
            when c.village_committees is not null or c.resident_committees is not null
                then coalesce(c.village_committees, 0) + coalesce(c.resident_committees, 0)
        end as committees,
        {%- for col in sheet['columns'] %}
        c.{{ col['staged'] }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('stg_community') }} as c
    inner join published as p using (submission_id)
),

carried as (
    select
        p.submission_id,
        p.division_code,
        p.period,
        p.year,
        p.quarter,
        r.submission_id as source_submission_id,
        r.period as source_period,
        r.committees,
        {%- for col in sheet['columns'] %}
        r.{{ col['staged'] }},
        {%- endfor %}
        row_number() over (partition by p.submission_id order by r.quarter desc nulls last) as nth
    from published as p
    left join reported as r
        on r.division_code = p.division_code
        and r.year = p.year
        and r.quarter <= p.quarter
        and r.committees is not null
)

select
    submission_id,
    division_code,
    period,
    year,
    quarter,
    source_submission_id,
    source_period,
    source_period is not null and source_period <> period as is_carried,
    committees,
    {%- for col in sheet['columns'] %}
    {{ col['staged'] }}{{ ',' if not loop.last }}
    {%- endfor %}
from carried
where nth = 1
