#!/usr/bin/env python3
"""Resistive crossbar benchmark deck: the circuit of ../shared/bench/gen_crossbar.py with every
memristor replaced by a fixed resistor of the memristor's initial resistance.

usage: gen_resistive_crossbar.py N [M] [TSTOP] [--seed S] [--rw OHMS]

Rows are driven by pulse sources through a wire segment, every row and column wire segment is
RW ohms, columns are sensed through 100 ohm to ground. The deck uses only standard SPICE cards, so
ngspice and AnalogNN run the same file.
"""
import argparse
import random

ap = argparse.ArgumentParser()
ap.add_argument("n", type=int)
ap.add_argument("m", type=int, nargs="?")
ap.add_argument("tstop", nargs="?", default="200u")
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--rw", type=float, default=1.0)
a = ap.parse_args()
n, m = a.n, a.m or a.n
rng = random.Random(a.seed)
ron, roff = 100.0, 16e3
lines = [f"* {n}x{m} resistive crossbar with {a.rw:g} ohm wire segments", ".options acct"]
for i in range(n):
    period = 10e-6 * (1 + i % 4)
    lines.append(f"V{i} in{i} 0 PULSE(-1 1.2 0 1u 1u {period / 2:.3g} {period:.3g})")
    lines.append(f"Rin{i} in{i} r{i}_0 {a.rw:g}")
    for j in range(m):
        if j + 1 < m:
            lines.append(f"Rr{i}_{j} r{i}_{j} r{i}_{j + 1} {a.rw:g}")
        if i + 1 < n:
            lines.append(f"Rc{i}_{j} c{i}_{j} c{i + 1}_{j} {a.rw:g}")
        x = rng.uniform(0.1, 0.9)
        lines.append(f"Rx{i}_{j} r{i}_{j} c{i}_{j} {ron * x + roff * (1 - x):.6g}")
for j in range(m):
    lines.append(f"Rs{j} c{n - 1}_{j} 0 100")
lines.append(f".tran 0.1u {a.tstop} uic")
lines.append(".end")
print("\n".join(lines))
