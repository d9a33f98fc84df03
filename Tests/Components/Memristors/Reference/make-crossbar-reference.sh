#!/usr/bin/env bash
# Regenerate the ngspice reference of the memristor crossbars: for N in 8 16, write the N×N
# crossbar of gen_crossbar.py in both dialects (crossbarN.ngspice.cir: 1 F capacitor + B sources,
# the ngspice idiom; crossbarN.cir: YMEMRISTOR elements), run ngspice 39 in batch mode and store
# the column sense voltages v(c<N-1>_j) and every state (ngspice v(x<i>_<j>.x), AnalogNN x(m<i>_<j>))
# on a 1 µs grid in crossbarN.tran.csv (linear interpolation between ngspice's points; the pulse
# corners fall on the grid).
# usage: make-crossbar-reference.sh [path/to/gen_crossbar.py]   (default ../shared/bench/gen_crossbar.py
# relative to the repository root's parent)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
gen="${1:-$here/../../../../../shared/bench/gen_crossbar.py}"
command -v ngspice >/dev/null || { echo "ngspice not found" >&2; exit 1; }
ngspice -v 2>&1 | grep -o 'ngspice-[0-9][0-9.]*' | head -1 > ngspice-version.txt
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for n in 8 16; do
  python3 "$gen" "$n" "$n" 200u --dialect ngspice > "crossbar$n.ngspice.cir"
  python3 "$gen" "$n" "$n" 200u --dialect analognn > "crossbar$n.cir"
  start=$(date +%s.%N)
  SPICE_ASCIIRAWFILE=1 ngspice -b -r "$work/x$n.raw" "crossbar$n.ngspice.cir" > "$work/x$n.log" 2>&1
  end=$(date +%s.%N)
  echo "crossbar $n x $n: ngspice $(echo "$end - $start" | bc) s" >&2
  python3 resample.py "$work/x$n.raw" "$n" 200e-6 1e-6 > "crossbar$n.tran.csv"
done
