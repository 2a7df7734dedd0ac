"""ETL: validate the monitors' tables in data/raw and compile them into Parquet.

Stages, each named for what it produces and each with one ``run()``:
``raw_tables`` (Load: the files as string tables) → ``validated`` (Process: typed rows and
problems) → ``compiled`` (Save: Parquet, manifest, rejects) — orchestrated by ``cli``.
Third-party context inputs plug in as further input specs in ``etl/context/``.
"""
