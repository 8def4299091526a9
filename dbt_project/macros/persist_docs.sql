{#-
  Descriptions become DuckDB comments (COMMENT ON TABLE / COLUMN), one statement per column.
  An incremental run inserts into the table a full build created and commented; its
  descriptions are unchanged (a change to the project forces a full build, see
  pipelines/civstat/buildplan.py), so it skips re-applying them.
-#}
{% macro duckdb__persist_docs(relation, model, for_relation, for_columns) -%}
    {%- if not (model.config.materialized == 'incremental' and is_incremental()) -%}
        {{- default__persist_docs(relation, model, for_relation, for_columns) -}}
    {%- endif -%}
{%- endmacro %}
