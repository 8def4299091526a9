-- 累计保障人月: each quarter's end-of-period persons × 3 months, accumulated over the year's
-- quarters (the denominator of 月人均补助水平). Only published returns count, and the
-- year-to-date figure is known only while every quarter of the year so far was published:
-- after a blocked or missing quarter it is unknown (NULL), never summed over the quarters
-- that happen to be there.
with

published as (
    select submission_id
    from {{ ref('int_submission_quality') }}
    where is_published
),

dibao as (
    select d.submission_id, d.division_code, d.period, d.year, d.quarter, d.category, d.persons
    from {{ ref('stg_dibao') }} as d
    inner join published using (submission_id)
),

accumulated as (
    select
        *,
        persons * 3 as person_months,
        sum(persons * 3) over year_so_far as months_so_far,
        count(persons) over year_so_far as quarters_so_far
    from dibao
    window year_so_far as (
        partition by division_code, year, category
        order by quarter
        rows between unbounded preceding and current row
    )
)

select
    submission_id,
    division_code,
    period,
    year,
    quarter,
    category,
    persons,
    person_months,
    case when quarters_so_far = quarter then months_so_far end as person_months_ytd
from accumulated
