with source as (
    select * from {{ source('ref', 'explanations') }}
),

renamed as (
    select
        division_code,
        period,
        rule_code,
        text as explanation
    from source
)

select * from renamed
