-- 低保 detail rows (合计 dropped). The 保障标准 is kept as reported, in the unit the township
-- used (元/人·月 or 元/人·年: header, cell or convention, decided by the reader; without
-- any, a value above 2,000 is taken as yearly), with its monthly equivalent (yearly ÷ 12).
with source as (
    select * from {{ source('raw', 'dibao') }}
),

detail as (
    select
        *,
        case
            when standard is null then null
            else coalesce(standard_period, case when standard > 2000 then 'year' else 'month' end)
        end as period_resolved,
        {{ optional_column(source('raw', 'dibao'), 'standard_unit_source') }} as unit_source_reported
    from source
    where not is_total and category in ('urban', 'rural')
),

renamed as (
    select
        submission_id,
        division_code,
        period,
        year,
        quarter,
        category,
        households,
        persons,
        new_households as new_households_ytd,
        new_persons as new_persons_ytd,
        exited_households as exited_households_ytd,
        exited_persons as exited_persons_ytd,
        funds_ytd,
        standard as standard_reported,
        period_resolved as standard_period,
        case period_resolved when 'year' then '元/人·年' when 'month' then '元/人·月' end
            as standard_unit,
        case
            when standard is null then null
            when unit_source_reported is not null then unit_source_reported
            when standard_period is null then 'magnitude'
            else 'reader'
        end as standard_unit_source,
        case period_resolved when 'year' then standard / 12.0 else standard end as standard_monthly,
        source_file,
        source_row
    from detail
)

select * from renamed
