with source as (
    select * from {{ source('raw', 'submissions') }}
),

-- the withdrawals in force (civstat withdraw; restored ones left out): a withdrawn return is
-- never current and replaced by nothing
withdrawals as (
    select submission_id, withdrawn_at, reason
    from (
        select
            submission_id,
            withdrawn_at,
            reason,
            row_number() over (partition by submission_id order by withdrawn_at desc) as nth
        from {{ source('raw', 'withdrawals') }}
        where restored_at is null
    ) as ranked
    where nth = 1
),

renamed as (
    select
        submission_id,
        division_code,
        division_code_reported,
        unit_name,
        period,
        year,
        quarter,
        folder_period,
        file_path,
        file_format,
        file_sha256,
        pop_total,
        pop_urban,
        pop_rural,
        pop_60plus,
        filled_by,
        reviewed_by,
        fill_date,
        submitted_at,
        ingested_at,
        is_current,
        superseded_by
    from source
),

withdrawn as (
    select
        renamed.*,
        withdrawals.withdrawn_at,
        withdrawals.reason as withdrawal_reason
    from renamed
    left join withdrawals using (submission_id)
)

select * from withdrawn
