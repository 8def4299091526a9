-- 低保 detail rows (合计 dropped). The 保障标准 is kept as reported, in the unit the township
-- used (元/人·月 or 元/人·年: header, cell or convention, decided by the reader; without
-- any, a value above the contract's period_magnitude.month_max is taken as yearly), with its
-- monthly equivalent (yearly ÷ 12): macros standard_period / standard_monthly, which the
-- quality gate's q_dibao view shares.
{#- the threshold: programmes/dibao.yaml, standard.period_magnitude.month_max, through the
    generated programme catalogue (civstat_catalogue(), civstat.contract.dbtgen) -#}
{%- set standard = civstat_programme('dibao')['columns'] | selectattr('name', 'equalto', 'standard') | list -%}
{%- set month_max = ((standard[0].get('period_magnitude') or {}) if standard else {}).get('month_max') -%}
{%- if month_max is none -%}
    {{ exceptions.raise_compiler_error("stg_dibao: programmes/dibao.yaml gives no "
                                       ~ "period_magnitude.month_max for the column standard") }}
{%- endif %}
with source as (
    select * from {{ source('raw', 'dibao') }}
),

detail as (
    select
        *,
        {{ standard_period('standard', 'standard_period', month_max) }} as period_resolved,
        {{ standard_monthly('standard', 'standard_period', month_max) }} as monthly_resolved,
        {{ optional_column(source('raw', 'dibao'), 'standard_unit_source') }} as unit_source_reported
    from source
    where not is_total and category in ('urban', 'rural')
),

renamed as (
    select
        submission_id,
        division_code,
        period,
        year,
        quarter,
        category,
        households,
        persons,
        new_households as new_households_ytd,
        new_persons as new_persons_ytd,
        exited_households as exited_households_ytd,
        exited_persons as exited_persons_ytd,
        funds_ytd,
        standard as standard_reported,
        period_resolved as standard_period,
        case period_resolved when 'year' then '元/人·年' when 'month' then '元/人·月' end
            as standard_unit,
        case
            when standard is null then null
            when unit_source_reported is not null then unit_source_reported
            when standard_period is null then 'magnitude'
            else 'reader'
        end as standard_unit_source,
        monthly_resolved as standard_monthly,
        source_file,
        source_row
    from detail
)

select * from renamed

