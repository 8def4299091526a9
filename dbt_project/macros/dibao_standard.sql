{#-
  The unit rule of a 保障标准 (programmes/dibao.yaml, column `standard`), defined once: dbt's
  stg_dibao and the quality gate's q_<table> views (civstat.quality.catalogue renders this file
  with plain Jinja2) both use it. Pure SQL over column names; the caller passes the threshold.

  The reader decides each standard's period (header, cell, convention or magnitude) and stores
  it in `<column>_period`. Where that is missing (rows read before it was recorded), a value
  above `month_max` — the contract's `period_magnitude.month_max`: no county pays more a month —
  is yearly, anything else monthly. The monthly equivalent of a yearly standard is ÷ 12.
-#}

{#- month | year (NULL when there is no value) -#}
{% macro standard_period(value, period, month_max) -%}
case
    when {{ value }} is null then null
    else coalesce({{ period }}, case when {{ value }} > {{ month_max }} then 'year' else 'month' end)
end
{%- endmacro %}

{#- the standard per month -#}
{% macro standard_monthly(value, period, month_max) -%}
case {{ standard_period(value, period, month_max) }}
    when 'year' then {{ value }} / 12.0
    else {{ value }}
end
{%- endmacro %}
