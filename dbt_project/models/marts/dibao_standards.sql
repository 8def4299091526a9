-- 低保保障标准 per division (township at current boundaries, county, city, province), period and category,
-- stated in the unit its townships used: the mean weighted by dibao persons is computed on the
-- monthly equivalent (int_division_measures, 元/人·月); where every township of the division
-- reported in 元/人·年 the standard is restated yearly (× 12), else it stays monthly.
with

weighted as (
    select
        division_code,
        division_level,
        year,
        quarter,
        period,
        replace(measure_code, 'dibao_standard_', '') as category,
        value as standard_monthly,
        townships
    from {{ ref('int_division_measures') }}
    where measure_code in ('dibao_standard_urban', 'dibao_standard_rural')
),

reported as (
    select
        r.current_division_code,
        r.county_code,
        d.city_code,
        d.province_code,
        r.period,
        r.category,
        r.standard_period,
        r.standard_reported,
        r.standard_monthly
    from {{ ref('fct_recipients') }} as r
    left join {{ ref('int_divisions_resolved') }} as d on d.division_code = r.current_division_code
    where r.programme_code = 'dibao' and r.standard_reported is not null
),

reported_by_level as (
    {{ division_level_rows('reported', ['period', 'category', 'standard_period', 'standard_reported', 'standard_monthly']) }}
),

units as (
    select
        division_code,
        division_level,
        period,
        category,
        count(distinct standard_period) as units_reported,
        min(standard_period) as first_period,
        min(standard_reported) as reported_min,
        max(standard_reported) as reported_max,
        min(standard_monthly) as monthly_min,
        max(standard_monthly) as monthly_max
    from reported_by_level
    group by division_code, division_level, period, category
),

stated as (
    select
        w.*,
        u.units_reported,
        case when u.units_reported = 1 then u.first_period else 'month' end as standard_period,
        u.reported_min,
        u.reported_max,
        u.monthly_min,
        u.monthly_max
    from weighted as w
    inner join units as u using (division_code, division_level, period, category)
)

select
    cast(division_code as varchar) as division_code,
    cast(division_level as varchar) as division_level,
    cast(year as integer) as year,
    cast(quarter as integer) as quarter,
    cast(period as varchar) as period,
    cast(category as varchar) as category,
    cast(case when standard_period = 'year' then standard_monthly * 12 else standard_monthly end as double)
        as standard,
    cast(case standard_period when 'year' then '元/人·年' else '元/人·月' end as varchar) as standard_unit,
    cast(standard_period as varchar) as standard_period,
    cast(standard_monthly as double) as standard_monthly,
    cast(case when standard_period = 'year' then reported_min else monthly_min end as double) as standard_min,
    cast(case when standard_period = 'year' then reported_max else monthly_max end as double) as standard_max,
    cast(units_reported as integer) as units_reported,
    cast(townships as integer) as townships
from stated
