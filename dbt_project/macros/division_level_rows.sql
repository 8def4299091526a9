{#-
  Each row of `relation` (a township's figure, at current boundaries) once for every level of
  the division hierarchy it belongs to: its township, county, prefecture city and province, so
  that one GROUP BY division_code, division_level sums townships, counties, cities and
  provinces alike — every level from the townships, never from another level's rates.
  `relation` carries current_division_code, county_code, city_code and province_code
  (int_divisions_resolved's path); a level whose code is NULL (no city above a lone county)
  yields no row. `columns`: the other columns carried (portable SQL has no `* exclude`);
  without it every column is, the code columns included.
-#}
{% macro division_levels() -%}
    {{ return([('township', 'current_division_code'), ('county', 'county_code'),
               ('city', 'city_code'), ('province', 'province_code')]) }}
{%- endmacro %}

{% macro division_level_rows(relation, columns=none) -%}
    {%- set rest = columns | join(', ') if columns else '*' -%}
    {%- for level, column in division_levels() %}
    select {{ column }} as division_code, '{{ level }}' as division_level, {{ rest }}
    from {{ relation }}
    where {{ column }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
