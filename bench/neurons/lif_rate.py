#!/usr/bin/env python3
"""Firing rate of bench/neurons/lif_rate.cir against the analytic LIF rate.

usage: dotnet run --project Cli -c Release -- run bench/neurons/lif_rate.cir -o OUT --spikes
       python3 bench/neurons/lif_rate.py OUT/lif_rate.spikes.csv
"""
import csv, math, sys
cm, gl, el, vth, vreset, tref = 250e-12, 25e-9, -70e-3, -55e-3, -70e-3, 2e-3
currents = {"n1": 400e-12, "n2": 500e-12, "n3": 800e-12, "n4": 1.5e-9}
spikes = {}
for r in csv.DictReader(open(sys.argv[1])):
    spikes.setdefault(r["source"], []).append(float(r["time"]))
for name, i in currents.items():
    vinf = el + i / gl
    rate = 1 / (tref + cm / gl * math.log((vinf - vreset) / (vinf - vth)))
    t = spikes[name]
    measured = (len(t) - 1) / (t[-1] - t[0])
    print(f"{name}: I = {i:.3g} A, analytic {rate:.4f} Hz, measured {measured:.4f} Hz, rel. error {abs(measured - rate) / rate:.2e}")
