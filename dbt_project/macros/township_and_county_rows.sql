{#-
  Each row of `relation` twice: once for its township (at current boundaries) and once for its
  county, so that one GROUP BY division_code, division_level sums townships and the county alike.
  `keep_codes` keeps current_division_code / county_code among the columns.
-#}
{% macro township_and_county_rows(relation, keep_codes=false) -%}
    {%- set rest = '*' if keep_codes else '* exclude (current_division_code, county_code)' -%}
    select current_division_code as division_code, 'township' as division_level, {{ rest }}
    from {{ relation }}
    union all
    select county_code as division_code, 'county' as division_level, {{ rest }}
    from {{ relation }}
    where county_code is not null
{%- endmacro %}
