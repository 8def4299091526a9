-- One row per division code, with the code it belongs to today (following successor_code
-- through any chain of mergers) and its county.
with recursive

divisions as (
    select *
    from {{ ref('stg_divisions') }}
    qualify row_number() over (
        partition by division_code
        order by (valid_to is null) desc, valid_from desc nulls last
    ) = 1
),

chain (division_code, target_code, depth) as (
    select division_code, division_code, 0 from divisions
    union all
    select chain.division_code, divisions.successor_code, chain.depth + 1
    from chain
    inner join divisions on divisions.division_code = chain.target_code
    where divisions.successor_code is not null
        and divisions.successor_code <> divisions.division_code
        and chain.depth < 20
),

resolved as (
    select division_code, arg_max(target_code, depth) as current_division_code
    from chain
    group by division_code
)

select
    divisions.*,
    resolved.current_division_code,
    current_div.division_name as current_division_name,
    case
        when current_div.division_level = 'county' then current_div.division_code
        else current_div.parent_code
    end as county_code
from divisions
inner join resolved using (division_code)
left join divisions as current_div on current_div.division_code = resolved.current_division_code
