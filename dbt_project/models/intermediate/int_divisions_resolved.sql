-- One row per division code, with the code it belongs to today (following successor_code
-- through any chain of mergers: macro division_chain, which the quality gate's q_div view
-- shares) and its path at current boundaries: county, prefecture city and province.
--
-- The hierarchy is as deep as the 12-digit codes say: 2 digits province, 4 city, 6 county,
-- 9 township. divisions.csv may hold any of these levels; where it holds more than one county
-- (or any city / province row), a county without parent_code belongs to the city of its first
-- 4 digits and a city without parent to the province of its first 2, and those upper levels
-- not in the file are derived here with a generic name (地市3715, 省37). A single-county file
-- gets no derived levels: its townships and county are exactly what the file says.
-- A merger at any level follows the same crosswalk: the townships of a county merged into
-- another belong, at current boundaries, to the successor county (and its city, province).
with recursive

given as (
    select * from {{ ref('stg_divisions') }}
),

derive as (
    select
        count(distinct case when division_level = 'county' then division_code end) > 1
        or count(case when division_level in ('city', 'province') then 1 end) > 0 as upper
    from given
),

derived_cities as (
    select
        substr(c.division_code, 1, 4) || '00000000' as division_code,
        min(c.valid_from) as valid_from
    from given as c
    cross join derive
    where derive.upper and c.division_level = 'county' and c.parent_code is null
        and not exists (
            select 1 from given as g where g.division_code = substr(c.division_code, 1, 4) || '00000000'
        )
    group by 1
),

cities as (
    select division_code, parent_code, valid_from from given where division_level = 'city'
    union all
    select division_code, cast(null as varchar) as parent_code, valid_from from derived_cities
),

derived_provinces as (
    select
        substr(c.division_code, 1, 2) || '0000000000' as division_code,
        min(c.valid_from) as valid_from
    from cities as c
    cross join derive
    where derive.upper and c.parent_code is null
        and not exists (
            select 1 from given as g where g.division_code = substr(c.division_code, 1, 2) || '0000000000'
        )
    group by 1
),

upper_derived as (
    select
        division_code,
        '地市' || substr(division_code, 1, 4) as division_name,
        '地市' || substr(division_code, 1, 4) as short_name,
        'city' as division_level,
        '市' as division_type,
        valid_from
    from derived_cities
    union all
    select
        division_code,
        '省' || substr(division_code, 1, 2),
        '省' || substr(division_code, 1, 2),
        'province',
        '省',
        valid_from
    from derived_provinces
),

listed as (
    select division_code, division_name, short_name, division_level, division_type, parent_code,
        valid_from, valid_to, successor_code
    from given
    union all
    select division_code, division_name, short_name, division_level, division_type,
        cast(null as varchar), valid_from, cast(null as date), cast(null as varchar)
    from upper_derived
),

-- a county or city without parent_code belongs to the division its code prefix names, where
-- that division is listed or derived
all_divisions as (
    select
        d.division_code,
        d.division_name,
        d.short_name,
        d.division_level,
        d.division_type,
        coalesce(d.parent_code, p.division_code) as parent_code,
        d.valid_from,
        d.valid_to,
        d.successor_code
    from listed as d
    left join listed as p
        on d.parent_code is null
        and (
            (d.division_level = 'county' and p.division_level = 'city'
                and p.division_code = substr(d.division_code, 1, 4) || '00000000')
            or (d.division_level = 'city' and p.division_level = 'province'
                and p.division_code = substr(d.division_code, 1, 2) || '0000000000')
        )
),

{{ division_chain('all_divisions', ['division_code', 'division_name', 'short_name', 'division_level',
                   'division_type', 'parent_code', 'valid_from', 'valid_to', 'successor_code'],
                  current='current_division_code', name='divisions') }},

-- every division with the current code of its parent
linked as (
    select d.*, p.current_division_code as parent_current_code
    from divisions as d
    left join divisions as p on p.division_code = d.parent_code
)

{%- set steps = ['cur', 'up1', 'up2', 'up3'] %}

select
    d.*,
    cur.division_name as current_division_name,
    {%- for level in ['county', 'city', 'province'] %}
    {{ ancestor_at_level(level, steps) }} as {{ level }}_code,
    {{ ancestor_at_level(level, steps, 'division_name') }} as {{ level }}_name{{ ',' if not loop.last }}
    {%- endfor %}
from divisions as d
left join linked as cur on cur.division_code = d.current_division_code
left join linked as up1 on up1.division_code = cur.parent_current_code
left join linked as up2 on up2.division_code = up1.parent_current_code
left join linked as up3 on up3.division_code = up2.parent_current_code
