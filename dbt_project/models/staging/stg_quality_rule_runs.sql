with source as (
    select * from {{ source('quality', 'rule_runs') }}
),

renamed as (
    select
        run_id,
        rule_code,
        lower(severity) as severity,
        periods,
        violations,
        success,
        evaluated_at
    from source
)

select * from renamed
