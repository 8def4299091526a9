{#-
  Incremental marts are keyed on the reporting period. A period is rebuilt when its
  fingerprint (int_period_fingerprints: the current submissions of that period and of the
  earlier quarters it depends on, their quality status, divisions and KPI/measure seeds)
  differs from the fingerprint stored on the mart's rows — so adding a quarter, a corrected
  return or a new quality verdict rebuilds only the periods it touches.
  Model SQL changes need `civstat build --full-refresh`.
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
