with source as (
    select * from {{ source('raw', 'eldercare_institutions') }}
),

renamed as (
    select
        submission_id,
        division_code,
        period,
        year,
        quarter,
        trim(institution_name) as institution_name,
        institution_type,
        operation_mode,
        beds,
        nursing_beds,
        residents,
        residents_tekun,
        staff,
        trained_caregivers,
        hazards_found_ytd,
        hazards_rectified_ytd,
        source_file,
        source_row
    from source
    where not is_total and nullif(trim(institution_name), '') is not null
)

select * from renamed
