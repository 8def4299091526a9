with source as (
    select * from {{ source('raw', 'welfare') }}
),

renamed as (
    select
        submission_id,
        division_code,
        period,
        year,
        quarter,
        high_age_persons,
        high_age_funds_ytd,
        hardship_disabled_eligible,
        hardship_disabled_receiving,
        severe_disabled_eligible,
        severe_disabled_receiving,
        disability_funds_ytd,
        hardship_disabled_funds_ytd,
        severe_disabled_funds_ytd,
        orphans_centralized,
        orphans_dispersed,
        orphan_funds_ytd,
        orphan_std_dispersed,
        orphan_std_centralized,
        retired_workers,
        retired_workers_funds_ytd,
        source_file,
        source_row
    from source
)

select * from renamed
