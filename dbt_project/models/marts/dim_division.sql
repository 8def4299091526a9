-- Every division: province, prefecture city, county, township (upper levels derived from the
-- codes where divisions.csv lists more than one county but not them: int_divisions_resolved),
-- with the merger crosswalk and its full path at current boundaries.
select
    cast(division_code as varchar) as division_code,
    cast(division_name as varchar) as division_name,
    cast(short_name as varchar) as short_name,
    cast(division_level as varchar) as division_level,
    cast(division_type as varchar) as division_type,
    cast(parent_code as varchar) as parent_code,
    cast(county_code as varchar) as county_code,
    cast(valid_from as date) as valid_from,
    cast(valid_to as date) as valid_to,
    cast(successor_code as varchar) as successor_code,
    cast(current_division_code as varchar) as current_division_code,
    cast(current_division_name as varchar) as current_division_name,
    cast(valid_to is null and division_code = current_division_code as boolean) as is_current,
    cast(county_name as varchar) as county_name,
    cast(city_code as varchar) as city_code,
    cast(city_name as varchar) as city_name,
    cast(province_code as varchar) as province_code,
    cast(province_name as varchar) as province_name
from {{ ref('int_divisions_resolved') }}
