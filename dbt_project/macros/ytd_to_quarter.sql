{#-
  Quarterly increment of a year-to-date (1月至本期累计) figure: YTD(q) − YTD(q−1).
  Q1 is its own increment; when the previous quarter of the same year is missing — not
  reported, or blocked by the quality gate (callers pass published returns only) — the
  increment is unknown (NULL), never guessed.
-#}
{% macro ytd_to_quarter(ytd_col, partition_by, quarter_col='quarter') -%}
case
    when {{ quarter_col }} = 1 then {{ ytd_col }}
    when lag({{ quarter_col }}) over (partition by {{ partition_by }} order by {{ quarter_col }}) = {{ quarter_col }} - 1
        then {{ ytd_col }} - lag({{ ytd_col }}) over (partition by {{ partition_by }} order by {{ quarter_col }})
end
{%- endmacro %}
