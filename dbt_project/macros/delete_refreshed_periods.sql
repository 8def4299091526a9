{#-
  Pre-hook of the period-keyed marts. delete+insert on `period` deletes only the periods that
  the new rows carry: a period whose every return is now blocked (or withdrawn) brings no new
  row, so its old rows — figures of returns that failed the gate — would stay published. Every
  period the refresh rebuilds is therefore emptied first, whatever it brings back.
-#}
{% macro delete_refreshed_periods() -%}
    {%- if is_incremental() -%}
        {%- set periods = refresh_period_list() -%}
        {%- if periods -%}
            delete from {{ this }} where period in ('{{ periods | join("', '") }}')
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
