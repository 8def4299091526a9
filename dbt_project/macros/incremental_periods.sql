{#-
  Incremental marts are keyed on the reporting period. A period is rebuilt when its
  fingerprint (int_period_fingerprints: the current submissions of that period and of the
  earlier quarters it depends on, their quality status, divisions and KPI/measure seeds)
  differs from the fingerprint stored on the mart's rows — so adding a quarter, a corrected
  return or a new quality verdict rebuilds only the periods it touches.
  A change to the dbt project makes the next build a full one (pipelines/civstat/buildplan.py).
-#}
{% macro periods_to_refresh() -%}
    select f.period, f.fingerprint
    from {{ ref('int_period_fingerprints') }} as f
    {%- if is_incremental() %}
    where not exists (
        select 1
        from (select distinct period, build_fingerprint from {{ this }}) as t
        where t.period = f.period and t.build_fingerprint = f.fingerprint
    )
    {%- endif %}
{%- endmacro %}


{#- The CTEs every period-keyed mart starts from: `refresh` (periods to rebuild, with their
    fingerprints) and `published` (the current, publishable submissions of those periods). -#}
{% macro published_in_refresh(periods) -%}
refresh as ({{ periods_to_refresh() }}),

published as (
    select s.*, refresh.fingerprint
    from {{ ref('int_submission_quality') }} as s
    inner join refresh using (period)
    where s.is_published and {{ in_refresh(periods, 's') }}
)
{%- endmacro %}


{#- The periods an incremental run rebuilds, queried when the model runs and returned as a
    list, so that models can write them into their SQL as constants (macro in_refresh):
    DuckDB pushes constant filters through views, unions and — on partition keys — window
    functions down to the raw scans, so adding a quarter reads that year's returns, not all.
    None on a full build, meaning every period. -#}
{% macro refresh_period_list() -%}
    {%- if execute and is_incremental() -%}
        {%- set rows = run_query(periods_to_refresh()) -%}
        {{- return(rows.columns[0].values() | list) -}}
    {%- endif -%}
    {{- return(none) -}}
{%- endmacro %}


{#- A filter keeping the rows of `periods` (from refresh_period_list): on `year` as well as
    `period`, because year is the partition key of the YTD windows and so can be pushed below
    them. `true` on a full build, `false` when nothing is to be rebuilt. -#}
{% macro in_refresh(periods, alias=none) -%}
    {%- set p = (alias ~ '.') if alias else '' -%}
    {%- if periods is none -%}
        true
    {%- elif periods | length == 0 -%}
        false
    {%- else -%}
        {%- set years = [] -%}
        {%- for period in periods if period[:4] not in years -%}{%- do years.append(period[:4]) -%}{%- endfor -%}
        ({{ p }}year in ({{ years | join(', ') }}) and {{ p }}period in ('{{ periods | join("', '") }}'))
    {%- endif -%}
{%- endmacro %}


{#- The grain columns every period-keyed fact starts with (from the `published` CTE)... -#}
{% macro division_period_columns(alias='p') -%}
    cast({{ alias }}.division_code as varchar) as division_code,
    cast({{ alias }}.current_division_code as varchar) as current_division_code,
    cast({{ alias }}.county_code as varchar) as county_code,
    cast({{ alias }}.year as integer) as year,
    cast({{ alias }}.quarter as integer) as quarter,
    cast({{ alias }}.period as varchar) as period
{%- endmacro %}


{#- ...and ends with: the return it came from and the fingerprint it was built for. -#}
{% macro lineage_columns(alias='p') -%}
    cast({{ alias }}.submission_id as varchar) as submission_id,
    cast({{ alias }}.fingerprint as varchar) as build_fingerprint
{%- endmacro %}
