-- The name of each division in force on a day: one row per version of a division code. The
-- bureau's divisions.csv lists a code once per version (a township renamed: 河口乡 to
-- 2012-12-31, then 河口镇 from 2013-01-01; the reference load refuses versions that overlap);
-- upper levels derived from the codes (int_divisions_resolved) have one version. A version's
-- bounds are never NULL here (1900-01-01 / 9999-12-31 for an open end), so that a mart picks
-- the name of its period with `period_end between valid_from and valid_to` (macro
-- division_name_in_force), falling back to the code's current name (int_divisions_resolved)
-- for a day no version covers.
select
    division_code,
    division_name,
    short_name,
    coalesce(valid_from, date '1900-01-01') as valid_from,
    coalesce(valid_to, date '9999-12-31') as valid_to
from {{ ref('stg_divisions') }}
union all
select
    r.division_code,
    r.division_name,
    r.short_name,
    date '1900-01-01' as valid_from,
    date '9999-12-31' as valid_to
from {{ ref('int_divisions_resolved') }} as r
where not exists (
    select 1 from {{ ref('stg_divisions') }} as s where s.division_code = r.division_code
)
