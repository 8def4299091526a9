-- Returns replaced by a later submission for the same township and quarter, or withdrawn by the
-- bureau (civstat withdraw): kept on record, never fed to the marts. A withdrawn return is
-- replaced by nothing (superseded_by NULL); the quarter's current return, if any, is beside it.
with submissions as (
    select * from {{ ref('stg_submissions') }}
),

current_submissions as (
    select * from {{ ref('int_submission_quality') }}
)

select
    cast(s.submission_id as varchar) as submission_id,
    cast(s.division_code as varchar) as division_code,
    cast(d.division_name as varchar) as division_name,
    cast(s.period as varchar) as period,
    cast(s.year as integer) as year,
    cast(s.quarter as integer) as quarter,
    cast(s.file_path as varchar) as file_path,
    cast(s.file_sha256 as varchar) as file_sha256,
    cast(s.submitted_at as timestamp) as submitted_at,
    cast(s.ingested_at as timestamp) as ingested_at,
    cast(case when s.withdrawn_at is null then coalesce(s.superseded_by, c.submission_id) end
        as varchar) as superseded_by,
    cast(c.file_path as varchar) as current_file_path,
    cast(c.submitted_at as timestamp) as current_submitted_at,
    cast(s.withdrawn_at as timestamp) as withdrawn_at,
    cast(s.withdrawal_reason as varchar) as withdrawal_reason
from submissions as s
left join current_submissions as c
    on c.division_code = s.division_code and c.period = s.period
left join {{ ref('int_divisions_resolved') }} as d on d.division_code = s.division_code
where s.submission_id not in (select submission_id from current_submissions)
