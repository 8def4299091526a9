{{ config(meta={"dagster": {"ref": {"name": "kpi_quarterly"}}}) }}
-- No KPI figure is NaN or ±inf (a division by zero or a float overflow upstream): such a row
-- fails the build, so the warehouse holding it is never published and no report prints it.
-- 指标值、分子、分母均须为有限数 / KPI value, numerator and denominator must be finite.
{% set non_finite %}
    isinf(value) or isnan(value)
    or isinf(numerator) or isnan(numerator)
    or isinf(denominator) or isnan(denominator)
{% endset %}

select 'kpi_quarterly' as model, division_code, period, kpi_code, value, numerator, denominator
from {{ ref('kpi_quarterly') }}
where {{ non_finite }}

union all

select 'kpi_annual' as model, division_code, period, kpi_code, value, numerator, denominator
from {{ ref('kpi_annual') }}
where {{ non_finite }}
