with source as (
    select * from {{ source('ref', 'divisions') }}
),

renamed as (
    select
        division_code,
        name as division_name,
        short_name,
        level as division_level,
        type as division_type,
        nullif(parent_code, '') as parent_code,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,
        nullif(successor_code, '') as successor_code
    from source
)

select * from renamed
