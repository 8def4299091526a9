-- One row per division code, with the code it belongs to today (following successor_code
-- through any chain of mergers: macro division_chain, which the quality gate's q_div view
-- shares) and its county.
with recursive

{{ division_chain(ref('stg_divisions'), current='current_division_code', name='divisions') }}

select
    divisions.*,
    current_div.division_name as current_division_name,
    case
        when current_div.division_level = 'county' then current_div.division_code
        else current_div.parent_code
    end as county_code
from divisions
left join divisions as current_div on current_div.division_code = divisions.current_division_code
