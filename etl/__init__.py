"""ETL: validate the monitors' tables in data/raw and compile them into Parquet.

Stages, each named for what it produces: ``raw_tables`` (Load: the files as string tables,
large ones chunk by chunk) → ``validated`` (Process: typed rows and problems) → ``compiled``
(Save: Parquet, manifest, rejects) — orchestrated by ``cli``. The small reference tables are
handled whole; the incident tables stream through the three stages one chunk at a time, and
the checks across tables run on the ids collected on the way (docs/performance.md).
Third-party context inputs plug in as further input specs in ``etl/context/``.
"""
