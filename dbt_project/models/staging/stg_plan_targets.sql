with source as (
    select * from {{ source('ref', 'plan_targets') }}
),

renamed as (
    select
        division_code,
        cast(year as integer) as year,
        kpi_code,
        cast(target as double) as target,
        comparison,
        source as target_source
    from source
)

select * from renamed
