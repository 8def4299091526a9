select
    cast(kpi_code as varchar) as kpi_code,
    cast(name_zh as varchar) as kpi_name_zh,
    cast(name_en as varchar) as kpi_name_en,
    cast(unit as varchar) as unit,
    cast(formula as varchar) as formula,
    cast(numerator_measure as varchar) as numerator_measure,
    cast(denominator_measure as varchar) as denominator_measure,
    cast(denominator_period as varchar) as denominator_period,
    cast(scale as double) as scale,
    cast(sort_order as integer) as sort_order,
    cast(description_zh as varchar) as description_zh
from {{ ref('kpi_definitions') }}
