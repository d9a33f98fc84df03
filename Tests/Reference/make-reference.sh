#!/usr/bin/env bash
# Regenerate the ngspice reference waveforms: for every *.cir in this folder (or the
# decks named on the command line), run ngspice in batch mode with an ASCII rawfile and
# convert each analysis plot into <name>.<analysis>.csv (analysis = op, dc, tran).
# Needs ngspice 39 (warns on any other version), bash and python3 (stdlib only).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
command -v ngspice >/dev/null || { echo "ngspice not found (apt-get install ngspice)" >&2; exit 1; }
version="$(ngspice -v 2>&1 | grep -o 'ngspice-[0-9][0-9.]*' | head -1 || true)"
if [ "$version" != "ngspice-39" ]; then
  echo "warning: reference data was made with ngspice-39, this is '${version:-unknown}'" >&2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ $# -gt 0 ]; then decks=("$@"); else decks=(*.cir); fi
status=0
for deck in "${decks[@]}"; do
  name="$(basename "$deck" .cir)"
  rm -f "$name".op.csv "$name".dc.csv "$name".tran.csv
  if ! SPICE_ASCIIRAWFILE=1 ngspice -b -r "$work/$name.raw" "$deck" >"$work/$name.log" 2>&1 \
     || [ ! -s "$work/$name.raw" ]; then
    echo "$name: ngspice failed" >&2; cat "$work/$name.log" >&2; status=1; continue
  fi
  # surface anything ngspice complains about (it exits 0 on many errors)
  if grep -iE 'error|warning' "$work/$name.log" >&2; then echo "  ($name, see above)" >&2; fi
  python3 raw2csv.py "$deck" "$work/$name.raw" "$name" || status=1
done
echo "$version" > ngspice-version.txt
exit $status
