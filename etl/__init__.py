"""ETL: validate the monitors' tables in data/raw and compile them into Parquet.

Stages, each named for what it produces and each with one ``run()``: ``raw_tables.run``
(Load: the files as string tables; returns ``RawInputs``) → ``validated.run`` (Process: typed
rows and problems; returns ``Validated``) → ``compiled.run`` (Save: Parquet), called in that
order by ``cli.compile_all``, which then writes the manifest and rejects. The small reference
tables are handled whole; the incident tables stream through the three stages one chunk at a
time (the save stage pulls ``Validated.incidents()``, which reads and checks the next chunk),
and the checks across tables run on the ids collected on the way (docs/performance.md).
Third-party context inputs plug in as further input specs in ``etl/third_party/``.
"""
