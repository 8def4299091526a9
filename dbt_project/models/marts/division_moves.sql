-- Townships that count today under another county, city or province than the one they reported
-- to: a township whose code ended into a successor listed under another county (划归, a transfer)
-- or whose county ended into another (并入, a county merger). One row per township code, level
-- and move. Every figure of the warehouse is at current boundaries (int_division_measures), so
-- for a period before moved_on the township's figures count under to_code, not the from_code
-- it reported to then: reports say so in 数据说明, and a growth of a non-additive measure
-- (保障标准, a weighted mean) is not computed for a division across a move (kpi_quarterly).
-- from_code is the division as listed then (divisions.csv parent_code chain of the township's
-- own code); to_code its ancestor at that level today (int_divisions_resolved).
{%- set levels = ['county', 'city', 'province'] %}
with

divisions as (
    select * from {{ ref('int_divisions_resolved') }}
),

-- every division's ancestors as listed: its own parent_code chain, not its successors'
listed as (
    select
        d.division_code,
        {%- for level in levels %}
        {{ ancestor_at_level(level, ['d', 'p1', 'p2', 'p3']) }} as {{ level }}_listed{{ ',' if not loop.last }}
        {%- endfor %}
    from divisions as d
    left join divisions as p1 on p1.division_code = d.parent_code
    left join divisions as p2 on p2.division_code = p1.parent_code
    left join divisions as p3 on p3.division_code = p2.parent_code
),

townships as (
    select t.*, {% for level in levels %}l.{{ level }}_listed{{ ', ' if not loop.last }}{% endfor %}
    from divisions as t
    inner join listed as l using (division_code)
    where t.division_level = 'township'
),

moves as (
    {%- for level in levels %}
    -- 划归: the township's code ended into a successor listed under another {{ level }}
    select
        t.division_code as township_code,
        '{{ level }}' as division_level,
        'transfer' as move_kind,
        t.{{ level }}_listed as from_code,
        t.{{ level }}_code as to_code,
        {{ dbt.dateadd('day', 1, 't.valid_to') }} as moved_on
    from townships as t
    inner join listed as s on s.division_code = t.successor_code
    where t.valid_to is not null
        and t.{{ level }}_listed is not null
        and s.{{ level }}_listed is distinct from t.{{ level }}_listed
        and t.{{ level }}_code is distinct from t.{{ level }}_listed
    union all
    -- 并入: the {{ level }} the township was listed under ended into another
    select
        t.division_code,
        '{{ level }}',
        'merger',
        t.{{ level }}_listed,
        t.{{ level }}_code,
        {{ dbt.dateadd('day', 1, 'a.valid_to') }}
    from townships as t
    inner join divisions as a on a.division_code = t.{{ level }}_listed
    where a.valid_to is not null
        and a.successor_code is not null
        and t.{{ level }}_code is distinct from t.{{ level }}_listed
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select distinct
    cast(m.township_code as varchar) as township_code,
    cast(t.division_name as varchar) as township_name,
    cast(t.current_division_code as varchar) as current_division_code,
    cast(m.division_level as varchar) as division_level,
    cast(m.move_kind as varchar) as move_kind,
    cast(m.from_code as varchar) as from_code,
    cast(m.to_code as varchar) as to_code,
    cast(m.moved_on as date) as moved_on
from moves as m
inner join townships as t on t.division_code = m.township_code
