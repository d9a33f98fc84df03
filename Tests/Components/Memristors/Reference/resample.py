#!/usr/bin/env python3
"""resample.py RAW N TSTOP STEP: column voltages and states of an N×N gen_crossbar.py run
(ngspice ASCII rawfile) on a uniform time grid, as CSV with AnalogNN signal names."""
import sys, bisect
sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__file__), "../../../Reference"))
from raw2csv import read_plots

raw, n, tstop, step = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
plot = [p for p in read_plots(raw) if p[0].lower().startswith("transient")][0]
_, names, cols = plot
col = {nm.lower(): c for nm, c in zip(names, cols)}
t = col["time"]
want = [(f"v(c{n-1}_{j})", f"v(c{n-1}_{j})") for j in range(n)]
want += [(f"v(x{i}_{j}.x)", f"x(m{i}_{j})") for i in range(n) for j in range(n)]

def at(y, x):
    k = bisect.bisect_left(t, x)
    if k < len(t) and abs(t[k] - x) <= 1e-15: return y[k]
    if k == 0: return y[0]
    if k >= len(t): return y[-1]
    a = (x - t[k - 1]) / (t[k] - t[k - 1])
    return y[k - 1] + a * (y[k] - y[k - 1])

print("time," + ",".join(b for _, b in want))
steps = int(round(tstop / step))
for s in range(steps + 1):
    x = s * step
    print(f"{x:.6g}," + ",".join(f"{at(col[a], x):.10g}" for a, _ in want))
