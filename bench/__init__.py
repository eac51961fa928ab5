"""The benchmark suite (issue 7): ``python -m bench.run [--quick]`` measures each figure beside a raw
baseline taken in the same run, on SQLite and on PostgreSQL, and writes ``bench/results/``."""
