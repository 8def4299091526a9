{#- 其中:待安置 is an optional column added to 表7 later: a raw table created before it
    reads as NULL (no 待安置 reported). -#}
{%- set raw_columns = [] -%}
{%- if execute -%}
    {%- for c in adapter.get_columns_in_relation(source('raw', 'youfu')) -%}{%- do raw_columns.append(c.name | lower) -%}{%- endfor -%}
{%- endif %}
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
        {% if 'veterans_pending' in raw_columns or not execute -%}
        veterans_pending,
        {%- else -%}
        cast(null as bigint) as veterans_pending,
        {%- endif %}
        source_file,
        source_row
    from source
)

select * from renamed
