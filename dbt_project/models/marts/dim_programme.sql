select
    cast(programme_code as varchar) as programme_code,
    cast(name_zh as varchar) as programme_name_zh,
    cast(name_en as varchar) as programme_name_en,
    cast(domain as varchar) as domain,
    cast(source_table as varchar) as source_table,
    cast(part_of as varchar) as part_of,
    cast(has_categories as boolean) as has_categories,
    cast(has_recipients as boolean) as has_recipients,
    cast(has_funds as boolean) as has_funds
from {{ ref('programmes') }}
