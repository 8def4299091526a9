with source as (
    select * from {{ source('raw', 'med_assist') }}
),

renamed as (
    select
        submission_id,
        division_code,
        period,
        year,
        quarter,
        insured_persons_ytd,
        insured_funds_ytd,
        direct_times_ytd,
        direct_funds_ytd,
        source_file,
        source_row
    from source
)

select * from renamed
