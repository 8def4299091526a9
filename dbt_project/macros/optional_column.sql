{#- A column of a raw table that newer readers write and older warehouses may lack (e.g.
    raw.dibao.standard_unit_source): the column where the relation has it, else a typed NULL.
    Looked up when the model runs; at parse time the column is assumed absent. -#}
{% macro optional_column(relation, column, data_type='varchar') -%}
    {%- set present = [] -%}
    {%- if execute -%}
        {%- for c in adapter.get_columns_in_relation(relation) -%}
            {%- if c.name | lower == column | lower -%}{%- do present.append(c.name) -%}{%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if present -%}
        cast("{{ column }}" as {{ data_type }})
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}
