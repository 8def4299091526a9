-- 累计保障人月: each quarter's end-of-period persons × 3 months, accumulated over the year's
-- quarters reported so far (the denominator of 月人均补助水平).
with dibao as (
    select d.*
    from {{ ref('stg_dibao') }} as d
    inner join {{ ref('int_submission_quality') }} as s using (submission_id)
)

select
    submission_id,
    division_code,
    period,
    year,
    quarter,
    category,
    persons,
    persons * 3 as person_months,
    sum(persons * 3) over (
        partition by division_code, year, category
        order by quarter
        rows between unbounded preceding and current row
    ) as person_months_ytd
from dibao
