with source as (
    select * from {{ source('raw', 'dibao') }}
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
        -- the header states 元/人·月 or 元/人·年; without a unit, values above 2,000 are yearly
        coalesce(standard_period, case when standard > 2000 then 'year' else 'month' end)
            as standard_period,
        case
            when coalesce(standard_period, case when standard > 2000 then 'year' else 'month' end) = 'year'
                then standard / 12.0
            else standard
        end as standard_monthly,
        source_file,
        source_row
    from source
    where not is_total and category in ('urban', 'rural')
)

select * from renamed
