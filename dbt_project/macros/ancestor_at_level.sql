{#- The column of the first of the joined divisions ``steps`` (a division, then its parent, its
    grandparent …) that stands at ``level``: its county, city or province, by whichever path the
    steps were joined (a parent_code chain as listed, or the current codes' chain). -#}
{% macro ancestor_at_level(level, steps, column='division_code') -%}
    case
        {%- for s in steps %}
        when {{ s }}.division_level = '{{ level }}' then {{ s }}.{{ column }}
        {%- endfor %}
    end
{%- endmacro %}
