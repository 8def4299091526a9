with source as (
    select * from {{ source('raw', 'youfu') }}
),

renamed as (
    select
        submission_id,
        division_code,
        period,
        year,
        quarter,
        entitled_persons,
        pension_funds_ytd,
        conscript_families,
        conscript_family_funds_ytd,
        veterans_received_ytd,
        veterans_placed_ytd,
        veterans_self_employed_ytd,
        veterans_trained_ytd,
        veteran_grants_ytd,
        source_file,
        source_row
    from source
)

select * from renamed
