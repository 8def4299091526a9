with source as (
    select * from {{ source('raw', 'temp_assist') }}
),

renamed as (
    select
        submission_id,
        division_code,
        period,
        year,
        quarter,
        household_times_ytd,
        person_times_ytd,
        funds_ytd,
        in_kind_ytd,
        source_file,
        source_row
    from source
)

select * from renamed
