#!/usr/bin/env bash
# Runs every deck of ../shared/bench/ref (or the folders given) unchanged through ngspice and
# `analognn run`, and compares the rawfiles with ../shared/bench/wavecmp.py (max error over full
# scale, tolerance 1e-3). Writes the per-deck figures to bench/results/compare-ref.txt.
# usage: bench/compare-ref.sh [DECK_FOLDER...]
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$(cd "$root/.." && pwd)/shared"
[ -d "$shared/bench" ] || { echo "../shared/bench not found next to the repository"; exit 2; }
folders=("$@"); [ ${#folders[@]} -eq 0 ] && folders=("$shared/bench/ref")
out="$root/bench/results"; work="$(mktemp -d)"; mkdir -p "$out"
report="$out/compare-ref.txt"
command -v ngspice >/dev/null || { echo "ngspice not found (apt-get install ngspice)"; exit 2; }
dotnet build "$root/Cli" -c Release -v q -nologo >/dev/null || { echo "build failed"; exit 2; }
analognn="$root/Cli/bin/Release/net10.0/analognn.dll"
{
  echo "# compare-ref $(date -u +%FT%TZ)  $(ngspice -v 2>/dev/null | grep -o 'ngspice-[0-9.]*' | head -1)  commit $(git -C "$root" rev-parse --short HEAD)"
  printf '%-22s %-8s %-8s %s\n' deck status seconds "worst signal=max|err|/fullscale"
} > "$report"
fails=0
for folder in "${folders[@]}"; do
  for deck in "$folder"/*.cir; do
    name="$(basename "$deck" .cir)"
    ngspice -b -r "$work/$name.ngspice.raw" "$deck" >"$work/$name.ngspice.log" 2>&1
    start=$(date +%s.%N)
    dotnet "$analognn" run "$deck" -o "$work" >"$work/$name.analognn.log" 2>&1; code=$?
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    if [ $code -ne 0 ]; then
      status="RUN-$code"; detail="$(grep -m1 'error\|failed' "$work/$name.analognn.log")"; fails=$((fails+1))
    else
      cmp="$(python3 "$shared/bench/wavecmp.py" "$work/$name.ngspice.raw" "$work/$name.raw" --tol 1e-3 2>&1)"; c=$?
      status=$([ $c -eq 0 ] && echo PASS || echo FAIL); [ $c -eq 0 ] || fails=$((fails+1))
      # The worst signal, then every signal over tolerance (or wavecmp's own complaint).
      worst="$(echo "$cmp" | grep ': max|err|' | sort -t= -k2 -g | tail -1 | sed 's/: max|err|\/fullscale = /=/; s/ ok$//')"
      detail="${worst:-$(echo "$cmp" | tail -1)}$(echo "$cmp" | grep -q FAIL && echo "  failing: $(echo "$cmp" | grep FAIL | cut -d: -f1 | tr '\n' ' ')")"
    fi
    printf '%-22s %-8s %-8.2f %s\n' "$name" "$status" "$secs" "$detail" >> "$report"
  done
done
cat "$report"
rm -rf "$work"
[ $fails -eq 0 ]
