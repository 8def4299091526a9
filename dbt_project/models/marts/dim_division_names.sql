-- The name of every division per validity period (a township renamed keeps its code: 河口乡 to
-- 2012-12-31, 河口镇 from 2013-01-01): what a report of a period names its divisions by. Open
-- ends are 1900-01-01 and 9999-12-31 (int_division_names).
select
    cast(division_code as varchar) as division_code,
    cast(division_name as varchar) as division_name,
    cast(short_name as varchar) as short_name,
    cast(valid_from as date) as valid_from,
    cast(valid_to as date) as valid_to
from {{ ref('int_division_names') }}
