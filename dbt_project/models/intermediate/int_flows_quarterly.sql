-- Quarterly increments of the year-to-date flows: YTD(q) − YTD(q−1) within a year, from
-- published returns only. Next to a blocked (or missing) quarter the increment is unknown:
-- the blocked quarter has no row, and the quarter after it has none to subtract (its
-- quarter_value is NULL and the township counts as missing from that quarter's increment).
-- It is never derived from the blocked return, nor spread over two quarters (YTD(q) −
-- YTD(q−2) is not a quarterly figure); its year-to-date value stays exact.
with

published as (
    select submission_id from {{ ref('int_submission_quality') }} where is_published
),

flows as (
    select f.*
    from {{ ref('int_flows_long') }} as f
    inner join published using (submission_id)
)

select
    submission_id,
    division_code,
    period,
    year,
    quarter,
    programme_code,
    category,
    flow_code,
    ytd_value,
    {{ ytd_to_quarter('ytd_value', 'division_code, year, programme_code, category, flow_code') }} as quarter_value
from flows
