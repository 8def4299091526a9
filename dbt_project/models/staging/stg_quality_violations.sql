with source as (
    select * from {{ source('quality', 'violations') }}
),

renamed as (
    select
        run_id,
        rule_code,
        lower(severity) as severity,
        division_code,
        division_name,
        period,
        year,
        quarter,
        table_name,
        sheet,
        source_file,
        source_row,
        column_name,
        value,
        expected,
        message_zh,
        message_en,
        explanation,
        evaluated_at
    from source
)

select * from renamed
