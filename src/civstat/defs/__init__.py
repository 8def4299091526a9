"""The code location's definitions, one module per step, all loaded by
:mod:`civstat.definitions` (``dg.load_from_defs_folder``) — a module added here joins it:

raw        drop zone → raw.* and ref.* tables (quarterly partitions, sensor)
quality    edit rules → quality.violations, asset checks
warehouse  dbt models (staging → marts), grouped by programme domain
pipeline   publish, jobs, schedules
reports    year-end summary (yearly partitions)
resources  the warehouse resource and the executor
"""
