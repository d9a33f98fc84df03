#!/usr/bin/env bash
# LIF network benchmark: N neurons with Poisson inputs for TSTOP seconds of circuit time.
# usage: bench/neurons/run.sh [N] [TSTOP] [RATE]   (defaults 1000 1 200)
# Prints wall-clock time, engine statistics, spike counts and the cost per spike.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n="${1:-1000}"; tstop="${2:-1}"; rate="${3:-200}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
python3 "$root/bench/neurons/gen_lif_network.py" "$n" "$tstop" --rate "$rate" > "$work/lif.cir"
dotnet build "$root/Cli" -c Release -v q -nologo >/dev/null
start=$(date +%s.%N)
dotnet "$root/Cli/bin/Release/net10.0/analognn.dll" run "$work/lif.cir" -o "$work" --stats --spikes 2> "$work/stats.txt" || { cat "$work/stats.txt"; exit 1; }
end=$(date +%s.%N)
cat "$work/stats.txt"
python3 - "$work/lif.spikes.csv" "$start" "$end" "$n" "$tstop" <<'PY'
import sys, csv
rows = list(csv.DictReader(open(sys.argv[1])))
wall = float(sys.argv[3]) - float(sys.argv[2])
neuron = sum(1 for r in rows if r["source"].startswith("n"))
inputs = sum(1 for r in rows if r["source"].startswith("p"))
print(f"neurons: {sys.argv[4]}, circuit time: {sys.argv[5]} s, wall clock: {wall:.2f} s")
print(f"output spikes: {neuron}, input spikes: {inputs}")
print(f"cost per spike (all spikes): {wall / max(1, neuron + inputs) * 1e6:.1f} us; per output spike: {wall / max(1, neuron) * 1e3:.2f} ms")
PY
