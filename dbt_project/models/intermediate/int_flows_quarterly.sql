-- Quarterly increments of the year-to-date flows: YTD(q) − YTD(q−1) within a year.
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
from {{ ref('int_flows_long') }}
