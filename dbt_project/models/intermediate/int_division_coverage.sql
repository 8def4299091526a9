-- Which townships a figure should cover and which it does, per division at current boundaries
-- (each current township, and the county) and period:
--   expected        the townships in force at the end of the period (divisions' validity and
--                   merger crosswalk: before a merger both the absorbed township and its
--                   successor are expected, and both count for the successor);
--   included        those whose current return for the period is published (not blocked);
--   included_year   those whose every return of the year up to the period is published —
--                   what figures accumulated over the year's quarters (kind ytd_quarters,
--                   e.g. 累计保障人月) need.
-- Every level of the hierarchy (township, county, city, province: macro division_level_rows)
-- counts its townships; city and province rows also count their counties: expected (a county
-- with a township in force) and complete (every township of the county included), and list
-- the incomplete ones.
-- A figure against the previous year-end (a growth, KPI denominator_period previous_year_end)
-- needs both sums whole: the *_vs_base columns count this period's townships and those in
-- force at the previous year-end (when that quarter has any return at all; a year with no
-- data has no base to be short of) — included: in force now and published in both; missing:
-- unpublished in either (an absorbed township missing at the base counts for its successor).
-- A return counts for the township in force at its period's end: its own code when that is in
-- force, else the nearest division down its successor_code chain that is (a return still sent
-- under the old code after a re-coding or merger, which the gate's H11/H12 pass the same way:
-- q_in_force). Matched by its own code only, such a return was summed into the figures while
-- its township was listed missing (complete false, growths NULL).
with recursive

reported as (
    select division_code, year, quarter, is_published,
        {{ civstat_month_end('year', 'quarter * 3') }} as period_end
    from {{ ref('int_submission_quality') }}
),

links as (
    select division_code, valid_from, valid_to, successor_code
    from {{ ref('int_divisions_resolved') }}
),

{{ division_chain('links', ['division_code', 'valid_from', 'valid_to', 'successor_code'],
                  current='current_code', name='steps') }},

in_force as (
    select division_code, year, quarter, township_code
    from (
        select
            r.division_code,
            r.year,
            r.quarter,
            c.target_code as township_code,
            row_number() over (partition by r.division_code, r.year, r.quarter order by c.depth) as nth
        from reported as r
        inner join steps_chain as c on c.division_code = r.division_code
        inner join links as x on x.division_code = c.target_code
        where coalesce(x.valid_from, date '1900-01-01') <= r.period_end
            and (x.valid_to is null or x.valid_to >= r.period_end)
    ) as ranked
    where nth = 1
),

returns as (
    select coalesce(f.township_code, r.division_code) as division_code, r.year, r.quarter,
        r.is_published
    from reported as r
    left join in_force as f
        on f.division_code = r.division_code
        and f.year = r.year
        and f.quarter = r.quarter
),

periods as (
    select distinct
        year,
        quarter,
        {{ civstat_period_key('year', 'quarter') }} as period,
        {{ civstat_month_end('year', 'quarter * 3') }} as period_end
    from returns
),

townships as (
    select division_code as township_code, current_division_code, county_code, city_code,
        province_code, valid_from, valid_to
    from {{ ref('int_divisions_resolved') }}
    where division_level = 'township'
),

expected as (
    select p.period, p.year, p.quarter, t.township_code, t.current_division_code, t.county_code,
        t.city_code, t.province_code
    from periods as p
    inner join townships as t
        on coalesce(t.valid_from, date '1900-01-01') <= p.period_end
        and (t.valid_to is null or t.valid_to >= p.period_end)
),

status as (
    select
        e.period,
        e.year,
        e.quarter,
        e.township_code,
        e.current_division_code,
        e.county_code,
        e.city_code,
        e.province_code,
        coalesce(bool_or(r.is_published and r.quarter = e.quarter), false) as is_included,
        count(distinct r.quarter) filter (where r.is_published) = e.quarter as is_included_year
    from expected as e
    left join returns as r
        on r.division_code = e.township_code
        and r.year = e.year
        and r.quarter <= e.quarter
    group by e.period, e.year, e.quarter, e.township_code, e.current_division_code, e.county_code,
        e.city_code, e.province_code
),

-- this period's townships and those in force at the previous year-end (its Q4), each once:
-- whether expected now, and whether missing from either sum
base_status as (
    select period, township_code, current_division_code, county_code, city_code, province_code,
        true as is_now, not is_included as is_missing, false as is_missing_base
    from status
    union all
    select n.period, b.township_code, b.current_division_code, b.county_code, b.city_code,
        b.province_code, false, not b.is_included, not b.is_included
    from periods as n
    inner join status as b on b.year = n.year - 1 and b.quarter = 4
),

vs_base as (
    select period, township_code, current_division_code, county_code, city_code, province_code,
        bool_or(is_now) as is_now, bool_or(is_missing) as is_missing,
        bool_or(is_missing_base) as is_missing_base
    from base_status
    group by period, township_code, current_division_code, county_code, city_code, province_code
),

vs_base_levels as (
    {{ division_level_rows('vs_base') }}
),

vs_base_coverage as (
    select
        division_code,
        division_level,
        period,
        count(*) filter (where is_now and not is_missing) as townships_included_vs_base,
        count(*) filter (where is_missing_base) = 0 as base_complete,
        coalesce(array_agg(township_code order by township_code) filter (where is_missing), {{ civstat_empty_array('varchar') }}) as townships_missing_vs_base,
        count(distinct county_code) filter (where is_missing) as counties_short_vs_base,
        case when division_level in ('city', 'province')
            then coalesce(array_agg(distinct county_code order by county_code) filter (where is_missing),
                {{ civstat_empty_array('varchar') }})
        end as counties_incomplete_vs_base
    from vs_base_levels
    where division_code is not null
    group by division_code, division_level, period
),

-- whether every township of the county is included (this quarter / every quarter of the year)
with_county as (
    select
        *,
        bool_and(is_included) over (partition by period, county_code) as county_complete,
        bool_and(is_included_year) over (partition by period, county_code) as county_complete_year
    from status
),

levels as (
    {{ division_level_rows('with_county') }}
),

coverage as (
    select
        division_code,
        division_level,
        period,
        year,
        quarter,
        count(*) as townships_expected,
        count(*) filter (where is_included) as townships_included,
        count(*) filter (where is_included_year) as townships_included_year,
        coalesce(array_agg(township_code order by township_code) filter (where not is_included), {{ civstat_empty_array('varchar') }}) as townships_missing,
        coalesce(array_agg(township_code order by township_code) filter (where not is_included_year), {{ civstat_empty_array('varchar') }}) as townships_missing_year,
        case when division_level in ('city', 'province') then count(distinct county_code) end as counties_expected,
        {%- for suffix in ['', '_year'] %}
        case when division_level in ('city', 'province')
            then count(distinct county_code) filter (where county_complete{{ suffix }}) end as counties_complete{{ suffix }},
        case when division_level in ('city', 'province')
            then coalesce(array_agg(distinct county_code order by county_code) filter (where not county_complete{{ suffix }}),
                {{ civstat_empty_array('varchar') }})
        end as counties_incomplete{{ suffix }}{{ ',' if not loop.last }}
        {%- endfor %}
    from levels
    where division_code is not null
    group by division_code, division_level, period, year, quarter
)

select
    c.*,
    cast(v.townships_included_vs_base as bigint) as townships_included_vs_base,
    v.townships_missing_vs_base,
    coalesce(v.base_complete, true) as base_complete,
    case when c.division_level in ('city', 'province')
        then c.counties_expected - least(v.counties_short_vs_base, c.counties_expected) end as counties_complete_vs_base,
    v.counties_incomplete_vs_base
from coverage as c
left join vs_base_coverage as v using (division_code, division_level, period)
