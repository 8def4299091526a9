with source as (
    select * from {{ source('raw', 'tekun') }}
),

renamed as (
    select
        submission_id,
        division_code,
        period,
        year,
        quarter,
        category,
        persons,
        centralized,
        dispersed,
        new_persons as new_persons_ytd,
        new_centralized as new_centralized_ytd,
        funds_ytd,
        centralized_funds_ytd,
        std_centralized as std_centralized_annual,
        std_dispersed as std_dispersed_annual,
        source_file,
        source_row
    from source
    where not is_total and category in ('urban', 'rural')
)

select * from renamed
