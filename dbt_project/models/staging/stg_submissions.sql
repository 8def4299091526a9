with source as (
    select * from {{ source('raw', 'submissions') }}
),

renamed as (
    select
        submission_id,
        division_code,
        division_code_reported,
        unit_name,
        period,
        year,
        quarter,
        folder_period,
        file_path,
        file_format,
        file_sha256,
        pop_total,
        pop_urban,
        pop_rural,
        pop_60plus,
        filled_by,
        reviewed_by,
        fill_date,
        submitted_at,
        ingested_at,
        is_current,
        superseded_by
    from source
)

select * from renamed
