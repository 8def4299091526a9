{#- Loops over the programme catalogue: every year-to-date column of every programme sheet is a
    flow (programme file: `flows:` names the spending line when it is not the programme's own),
    plus the flows of hand-written models (`dbt.flows_model`, e.g. 表5's events). -#}
{%- set catalogue = civstat_catalogue() -%}
-- Every year-to-date flow (money, new/exited recipients, person-times, veterans …) of the
-- current, published submissions (a return blocked by the quality gate feeds no figure, not
-- even the increment of the quarter after it), one row per (submission, programme, category, flow).
-- Incremental by period, like the marts: int_township_measures reads it once per measure (about
-- fifty times), and as a view its whole union was planned again for each read — over a minute
-- of DuckDB planning on the demo county alone; as a table the same read takes a fraction of a
-- second, and adding a quarter computes only the periods it touches.
{% set periods = refresh_period_list() %}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='period',
          on_schema_change='fail', pre_hook="{{ delete_refreshed_periods() }}") }}
with

refresh as ({{ periods_to_refresh() }}),

current_submissions as (
    select submission_id from {{ ref('int_submission_quality') }}
    where is_published and {{ in_refresh(periods) }}
),

all_flows as (
    {%- set parts = [] %}
    {%- for p in catalogue['programmes'] %}
        {%- for f in p['flows'] %}
            {%- do parts.append(
                "select submission_id, division_code, period, year, quarter, '" ~ f['programme'] ~ "' as programme_code, "
                ~ ("category" if p['row_kind'] == 'category' else "'all'") ~ " as category, '"
                ~ f['flow'] ~ "' as flow_code, sum(cast(" ~ f['column'] ~ " as double)) as ytd_value from "
                ~ ref(p['staging_model']) ~ " where " ~ in_refresh(periods) ~ " group by submission_id, division_code, period, year, quarter"
                ~ (", category" if p['row_kind'] == 'category' else "")) %}
        {%- endfor %}
        {%- if p['flows_model'] %}
            {%- do parts.append("select submission_id, division_code, period, year, quarter, programme_code, category, flow_code, ytd_value from " ~ ref(p['flows_model']) ~ " where " ~ in_refresh(periods)) %}
        {%- endif %}
    {%- endfor %}
    {%- for part in parts %}
    {{ part }}
    {%- if not loop.last %}
    union all{% endif %}
    {%- endfor %}
)

select
    submission_id, division_code, period, year, quarter,
    cast(programme_code as varchar) as programme_code,
    cast(category as varchar) as category,
    cast(flow_code as varchar) as flow_code,
    cast(ytd_value as double) as ytd_value,
    cast(refresh.fingerprint as varchar) as build_fingerprint
from all_flows
inner join refresh using (period)
where submission_id in (select submission_id from current_submissions)
    and ytd_value is not null
