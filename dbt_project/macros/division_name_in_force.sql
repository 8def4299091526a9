{#-
  The join that gives a mart the name a division had at its period's end (int_division_names: a
  township renamed keeps its code, 河口乡 to 2012-12-31 and 河口镇 from 2013-01-01, and a 2011
  figure is 河口乡's). Select `coalesce(<alias>.division_name, d.division_name)`: a day no
  version covers keeps the code's current name.

      left join {{ ref('int_divisions_resolved') }} as d using (division_code)
      {{ division_name_in_force('m.division_code', 'm.year', 'm.quarter') }}
-#}
{% macro division_name_in_force(code, year, quarter, alias='named') -%}
left join {{ ref('int_division_names') }} as {{ alias }}
    on {{ alias }}.division_code = {{ code }}
    and {{ civstat_month_end(year, quarter ~ ' * 3') }} between {{ alias }}.valid_from and {{ alias }}.valid_to
{%- endmacro %}
