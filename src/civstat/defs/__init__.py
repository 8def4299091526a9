"""Per-domain Dagster definitions, merged lazily by :mod:`civstat.definitions`.

raw        drop zone → raw.* and ref.* tables (quarterly partitions, sensor)
quality    edit rules → quality.violations, asset checks
warehouse  dbt models (staging → marts)
pipeline   publish, jobs, schedules
reports    year-end summary (yearly partitions)
"""
