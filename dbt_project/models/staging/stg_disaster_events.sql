with source as (
    select * from {{ source('raw', 'disaster_events') }}
),

renamed as (
    select
        submission_id,
        division_code,
        period,
        year,
        quarter,
        event_date,
        hazard_type,
        affected_persons,
        evacuated_persons,
        crop_area_mu,
        crop_failed_mu,
        collapsed_households,
        collapsed_rooms,
        severely_damaged_rooms,
        generally_damaged_rooms,
        direct_loss,
        relief_funds,
        source_file,
        source_row
    from source
    where not is_total and event_date is not null
)

select * from renamed
