#!/usr/bin/env python3
"""Generate a network of N LIF neurons, each driven by its own Poisson current source.

usage: gen_lif_network.py N [TSTOP] [--rate HZ] [--bias AMPS] [--seed S]

Every neuron gets a constant bias current (below rheobase by default) plus Poisson current
pulses (1 nA, 1 ms) at RATE; every Poisson source has its own seed S+k, so the netlist is
deterministic. Neurons are uncoupled: the benchmark measures the event machinery (threshold
crossings, pulse corners as breakpoints) and the MNA engine, not a particular topology.
"""
import argparse

ap = argparse.ArgumentParser()
ap.add_argument("n", type=int)
ap.add_argument("tstop", nargs="?", default="1")
ap.add_argument("--rate", type=float, default=200.0)
ap.add_argument("--bias", default="300p")
ap.add_argument("--seed", type=int, default=1)
a = ap.parse_args()
out = [f"* {a.n} LIF neurons with Poisson inputs at {a.rate:g} Hz",
       ".model nl LIF(TREF=2m TSPK=1m)",
       ".model pz POISSON(CURRENT=1 AMP=1n WIDTH=1m EDGE=10u)"]
for k in range(a.n):
    out.append(f"Ib{k} 0 m{k} {a.bias}")
    out.append(f"YPOISSON p{k} 0 m{k} pz RATE={a.rate:g} SEED={a.seed + k}")
    out.append(f"YLIF n{k} m{k} o{k} nl")
ics = " ".join(f"v(m{k})=-70m" for k in range(a.n))
out.append(f".ic {ics}")
out.append(".save v(m0) v(o0)")
out.append(f".tran 1m {a.tstop} uic")
out.append(".end")
print("\n".join(out))
