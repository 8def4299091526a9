{#-
  Small SQL pieces that differ between engines, dispatched on the adapter (dbt's own
  cross-database macros — dbt.listagg, dbt.hash, dbt.any_value, dbt.dateadd — cover the rest).
  `default__` is the portable spelling; an adapter gets its own only where it needs one.
  `python -m civstat.sqlport` compiles the project for Trino and fails on DuckDB-only SQL.
-#}

{#- The type of an array of `t`: varchar[] (DuckDB, Postgres), array(varchar) (Trino, Spark). -#}
{% macro civstat_array_type(t) -%}
    {{ return(adapter.dispatch('civstat_array_type', 'civstat')(t)) }}
{%- endmacro %}
{% macro default__civstat_array_type(t) -%}{{ t }}[]{%- endmacro %}
{% macro trino__civstat_array_type(t) -%}array({{ t }}){%- endmacro %}

{#- An empty array of `t` (coalesce(array_agg(...), <this>) for "none"). -#}
{% macro civstat_empty_array(t) -%}
    cast(array[] as {{ civstat_array_type(t) }})
{%- endmacro %}

{#- A date from year, month and day expressions. -#}
{% macro civstat_make_date(year, month, day) -%}
    {{ return(adapter.dispatch('civstat_make_date', 'civstat')(year, month, day)) }}
{%- endmacro %}
{% macro default__civstat_make_date(year, month, day) -%}
    cast(cast({{ year }} as varchar) || '-' || lpad(cast({{ month }} as varchar), 2, '0')
        || '-' || lpad(cast({{ day }} as varchar), 2, '0') as date)
{%- endmacro %}
{% macro duckdb__civstat_make_date(year, month, day) -%}
    make_date({{ year }}, {{ month }}, {{ day }})
{%- endmacro %}

{#- The last day of a month. -#}
{% macro civstat_month_end(year, month) -%}
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, civstat_make_date(year, month, 1))) }} as date)
{%- endmacro %}

{#- 2025Q1 from integer year and quarter expressions. -#}
{% macro civstat_period_key(year, quarter) -%}
    cast({{ year }} as varchar) || 'Q' || cast({{ quarter }} as varchar)
{%- endmacro %}

{#- One text of a row's columns (for fingerprints): NULL and '' stay apart. -#}
{% macro civstat_row_text(alias, columns) -%}
    {%- for c in columns -%}
    coalesce('=' || cast({{ alias }}.{{ c }} as varchar), '∅'){{ " || '|' || " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
