with years as (
    select range as year
    from range(
        (select min(year) from {{ ref('stg_submissions') }}),
        (select max(year) from {{ ref('stg_submissions') }}) + 1
    )
),

quarters as (
    select year, quarter
    from years
    cross join (select unnest([1, 2, 3, 4]) as quarter)
)

select
    cast(year || 'Q' || quarter as varchar) as period,
    cast(year as integer) as year,
    cast(quarter as integer) as quarter,
    cast(year || '年第' || quarter || '季度' as varchar) as period_label_zh,
    cast(make_date(year, 1, 1) as date) as ytd_start,
    cast(make_date(year, 3 * quarter - 2, 1) as date) as quarter_start,
    cast(last_day(make_date(year, 3 * quarter, 1)) as date) as period_end,
    cast(3 * quarter as integer) as months_ytd,
    cast(quarter = 4 as boolean) as is_year_end
from quarters
order by year, quarter
