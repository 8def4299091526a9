-- every year from the first to the last with a return, gaps included
with recursive years (year) as (
    select min(year) from {{ ref('stg_submissions') }} having min(year) is not null
    union all
    select year + 1 from years where year < (select max(year) from {{ ref('stg_submissions') }})
),

quarters as (
    select y.year, q.quarter
    from years as y
    cross join (values (1), (2), (3), (4)) as q (quarter)
)

select
    cast({{ civstat_period_key('year', 'quarter') }} as varchar) as period,
    cast(year as integer) as year,
    cast(quarter as integer) as quarter,
    cast(cast(year as varchar) || '年第' || cast(quarter as varchar) || '季度' as varchar) as period_label_zh,
    cast({{ civstat_make_date('year', 1, 1) }} as date) as ytd_start,
    cast({{ civstat_make_date('year', '3 * quarter - 2', 1) }} as date) as quarter_start,
    cast({{ civstat_month_end('year', '3 * quarter') }} as date) as period_end,
    cast(3 * quarter as integer) as months_ytd,
    cast(quarter = 4 as boolean) as is_year_end
from quarters
order by year, quarter
