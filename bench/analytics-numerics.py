"""numpy/pandas side of bench/analytics-numerics.ts: times the same operations on the same data.

Usage: python3 bench/analytics-numerics.py DATA_FILE N RUNS
DATA_FILE holds N float64 epoch-ms times then N float64 values (little endian). Prints one JSON
object {operation: {"wall": [ms per run, ...], "cpu": [CPU ms of the process per run, ...]}} on
stdout.
"""

import json
import sys
import time

import numpy as np
import pandas as pd


def main():
    path, n, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    raw = np.fromfile(path, dtype="<f8")
    times, values = raw[:n], raw[n:]
    s = pd.Series(values, index=pd.to_datetime(times, unit="ms"))

    def describe():
        return (values.size, values.mean(), values.std(ddof=1), values.min(), values.max(),
                np.percentile(values, [50, 95, 99]))

    operations = {
        "describe": describe,
        "resample 1 s mean": lambda: s.resample("1s", origin="epoch").mean(),
        "resample 1 s OHLC + count": lambda: s.resample("1s", origin="epoch").agg(["first", "max", "min", "last", "count"]),
        "rolling 100 mean": lambda: s.rolling(100).mean(),
        "rolling 100 min": lambda: s.rolling(100).min(),
        "rolling 100 p90": lambda: s.rolling(100).quantile(0.9),
        "ewm span 10": lambda: s.ewm(span=10).mean(),
        "diff": lambda: s.diff(),
        "histogram auto": lambda: np.histogram(values, bins="auto"),
    }
    out = {}
    for name, run in operations.items():
        out[name] = {"wall": [], "cpu": []}
        for _ in range(runs):
            start, cpu = time.perf_counter(), time.process_time()
            run()
            out[name]["cpu"].append((time.process_time() - cpu) * 1000)
            out[name]["wall"].append((time.perf_counter() - start) * 1000)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
