{#-
  The division merger chain, defined once: dbt's int_divisions_resolved and the quality gate's
  q_div view (civstat.quality.catalogue renders this file with plain Jinja2) both use it.

  Emits three CTEs for a `with recursive` clause (pure, portable SQL: no ref/source inside, no
  dbt macro; the caller passes the relation and its columns):

    <name>_latest   one row per division code of `divisions` (its valid version, else the latest),
                    valid from the first version's valid_from to the last one's valid_to: a code
                    may have several versions that follow one another (a township renamed:
                    河口乡 to 2012-12-31, 河口镇 from 2013-01-01), in force over all of them
    <name>_chain    the successor_code chain of every code (recursive, at most `max_depth` steps)
    <name>          `columns` + `current`: the code each one belongs to today

      with recursive {{ division_chain(ref('stg_divisions'), ['division_code', ...],
                                       current='current_division_code') }}
      select * from divisions_resolved
-#}
{% macro division_chain(divisions, columns, current='current_code', name='divisions_resolved',
                        code='division_code', successor='successor_code',
                        valid_from='valid_from', valid_to='valid_to', max_depth=20) -%}
{{ name }}_latest as (
    select
        {%- for column in columns %}
        {% if column == valid_from %}span_from as {{ column }}{% elif column == valid_to %}span_to as {{ column }}{% else %}{{ column }}{% endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select
            {{ columns | join(', ') }},
            case when count({{ valid_from }}) over (partition by {{ code }}) = count(*) over (partition by {{ code }})
                then min({{ valid_from }}) over (partition by {{ code }}) end as span_from,
            case when count({{ valid_to }}) over (partition by {{ code }}) = count(*) over (partition by {{ code }})
                then max({{ valid_to }}) over (partition by {{ code }}) end as span_to,
            row_number() over (
                partition by {{ code }}
                order by case when {{ valid_to }} is null then 0 else 1 end, {{ valid_from }} desc nulls last
            ) as nth
        from {{ divisions }}
    ) as numbered
    where nth = 1
),

{{ name }}_chain (division_code, target_code, depth) as (
    select {{ code }}, {{ code }}, 0 from {{ name }}_latest
    union all
    select step.division_code, link.{{ successor }}, step.depth + 1
    from {{ name }}_chain as step
    inner join {{ name }}_latest as link on link.{{ code }} = step.target_code
    where link.{{ successor }} is not null
        and link.{{ successor }} <> link.{{ code }}
        and step.depth < {{ max_depth }}
),

{{ name }} as (
    select latest.*, resolved.{{ current }}
    from {{ name }}_latest as latest
    inner join (
        select division_code, target_code as {{ current }}
        from (
            select division_code, target_code,
                row_number() over (partition by division_code order by depth desc) as nth
            from {{ name }}_chain
        ) as steps
        where nth = 1
    ) as resolved on resolved.division_code = latest.{{ code }}
)
{%- endmacro %}
