import sys


class _NoPandas:
    """The ETL never uses pandas, but pyarrow imports it on the first array it builds, only to
    ask whether an argument is a pandas object: 0.3-0.4 s of one core in every run
    (docs/performance.md, "Fifth pass"). Reported absent here, pyarrow skips that question."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "pandas":
            raise ModuleNotFoundError("the ETL process does not load pandas (etl/__main__.py)", name=name)
        return None


sys.meta_path.insert(0, _NoPandas())

from etl.cli import main  # noqa: E402

sys.exit(main())
