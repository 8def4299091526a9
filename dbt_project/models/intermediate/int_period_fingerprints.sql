-- Fingerprint of what each period's marts depend on (see macro periods_to_refresh).
{%- set inputs = {
    'stg_divisions': ['division_code', 'division_name', 'short_name', 'division_level', 'division_type',
                      'parent_code', 'valid_from', 'valid_to', 'successor_code'],
    'kpi_definitions': ['kpi_code', 'name_zh', 'name_en', 'unit', 'formula', 'numerator_measure',
                        'denominator_measure', 'denominator_period', 'scale', 'sort_order', 'programme',
                        'description_zh'],
    'measure_definitions': ['measure_code', 'name_zh', 'name_en', 'unit', 'kind', 'aggregation',
                            'weight_measure', 'programme', 'source'],
} %}
with

-- every period any return was received for, with or without a current one: a quarter whose
-- returns were all withdrawn still changes its fingerprint, so its rows leave the marts; a
-- return read again by a newer reader (civstat ingest --reread) keeps its id and changes its
-- ingested_at
per_period as (
    select
        p.period,
        p.year,
        p.quarter,
        {{ dbt.hash("coalesce(" ~ dbt.listagg(
            "s.submission_id || ':' || cast(s.is_published as varchar) || ':' || coalesce(s.current_division_code, '?')"
            ~ " || ':' || coalesce(cast(s.ingested_at as varchar), '?')",
            "','", "order by s.submission_id") ~ ", '')") }} as fp
    from (select distinct period, year, quarter from {{ ref('stg_submissions') }}) as p
    left join {{ ref('int_submission_quality') }} as s
        on s.period = p.period
    group by p.period, p.year, p.quarter
),

-- every row of the divisions and the KPI / measure definitions, as text
{%- set texts = [] %}
{%- for name, columns in inputs.items() %}
    {%- do texts.append("coalesce((select " ~ dbt.listagg("r", "'|'", "order by r") ~ " from (select "
        ~ civstat_row_text('t', columns) ~ " as r from " ~ ref(name) ~ " as t) as table_rows), '')") %}
{%- endfor %}
globals as (
    select {{ dbt.hash(texts | join(' || ')) }} as fp
)

select
    p.period,
    p.year,
    p.quarter,
    -- this quarter, the earlier quarters of its year (YTD increments, person-months)
    -- and the previous year-end (growth rates)
    {{ dbt.hash("(select fp from globals) || " ~ dbt.listagg("c.period || '=' || c.fp", "','", "order by c.year, c.quarter")) }}
        as fingerprint
from per_period as p
inner join per_period as c
    on (c.year = p.year and c.quarter <= p.quarter)
    or (c.year = p.year - 1 and c.quarter = 4)
group by p.period, p.year, p.quarter
