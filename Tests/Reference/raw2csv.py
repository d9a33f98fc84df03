#!/usr/bin/env python3
"""Convert an ngspice ASCII rawfile into one CSV per analysis plot.

usage: raw2csv.py DECK.cir RAWFILE OUTPREFIX

Writes OUTPREFIX.<analysis>.csv for each plot, analysis in {op, dc, tran}.  Columns:
  tran: time, then every saved signal
  dc:   the swept source's name in lower case (e.g. v1) instead of ngspice's
        v(v-sweep)/i(i-sweep); for a nested sweep (.dc SRC1 ... SRC2 ...) a second
        column holds the outer source's value (named after SRC2); then the signals
  op:   point (always 0, ngspice's operating point has no scale), then the signals
Signal names are ngspice's own (v(node), i(vsrc)), values printed with %.10g (10 significant digits).
Used by make-reference.sh; python3 standard library only.
"""
import re
import sys

PLOTS = {"operating point": "op", "dc transfer characteristic": "dc",
         "transient analysis": "tran"}
SUFFIX = [("meg", 1e6), ("mil", 25.4e-6), ("t", 1e12), ("g", 1e9), ("k", 1e3),
          ("m", 1e-3), ("u", 1e-6), ("n", 1e-9), ("p", 1e-12), ("f", 1e-15)]


def spice_number(tok):
    """A SPICE number: 1.5, 2e-3, 10m, 1meg, 3.3V (letters after a suffix ignored)."""
    m = re.match(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", tok)
    if not m:
        raise ValueError(f"not a number: {tok!r} (parameters are not supported in .dc cards)")
    value = float(m.group(0))
    rest = tok[m.end():].lower()
    for s, k in SUFFIX:
        if rest.startswith(s):
            return value * k
    return value


def deck_lines(path):
    """Logical lines of a deck: title dropped, '+' continuations joined, comments removed."""
    lines = []
    with open(path, encoding="utf-8", errors="replace") as f:
        raw = f.read().splitlines()[1:]
    for ln in raw:
        if ln.startswith("+") and lines:
            lines[-1] += " " + ln[1:]
        elif ln.strip() and not ln.lstrip().startswith("*"):
            lines.append(ln)
    return [re.split(r"[;$]", ln)[0] for ln in lines]


def dc_card(path):
    cards = [ln.split() for ln in deck_lines(path) if ln.lower().startswith(".dc")]
    if len(cards) > 1:
        sys.exit(f"{path}: more than one .dc card (ngspice runs them in reverse order)")
    return cards[0][1:] if cards else None


def read_plots(path):
    """All plots of an ASCII rawfile: list of (plotname, names, columns as text)."""
    with open(path, encoding="latin-1") as f:
        lines = f.read().splitlines()
    plots, i = [], 0
    while i < len(lines):
        if not lines[i].startswith("Title:"):
            i += 1
            continue
        head = {}
        names = []
        i += 1
        while not lines[i].startswith("Values:"):
            key, _, val = lines[i].partition(":")
            head[key.strip().lower()] = val.strip()
            if key.strip().lower() == "variables":
                nvar = int(head["no. variables"])
                names = [lines[i + 1 + k].split()[1] for k in range(nvar)]
                i += nvar
            if key.strip().lower() == "binary":
                sys.exit(f"{path}: binary rawfile; run ngspice with SPICE_ASCIIRAWFILE=1")
            i += 1
        if "real" not in head.get("flags", ""):
            sys.exit(f"{path}: plot '{head.get('plotname')}' is not real")
        npts = int(head["no. points"])
        cols = [[] for _ in names]
        toks = []
        i += 1
        while len(toks) < npts * (len(names) + 1) and i < len(lines):
            toks.extend(lines[i].split())
            i += 1
        if len(toks) != npts * (len(names) + 1):
            sys.exit(f"{path}: plot '{head['plotname']}' is truncated")
        for p in range(npts):
            row = toks[p * (len(names) + 1):(p + 1) * (len(names) + 1)]
            if int(row[0]) != p:
                sys.exit(f"{path}: point index {row[0]} where {p} was expected")
            for k, v in enumerate(row[1:]):
                cols[k].append(float(v))
        plots.append((head["plotname"], names, cols))
    return plots


def fmt(x):
    return "%.10g" % x


def main():
    deck, raw, prefix = sys.argv[1:4]
    seen = set()
    for plotname, names, cols in read_plots(raw):
        kind = PLOTS.get(plotname.lower())
        if kind is None:
            sys.exit(f"{raw}: unsupported plot '{plotname}'")
        if kind in seen:
            sys.exit(f"{raw}: two '{plotname}' plots; one analysis of each kind per deck")
        seen.add(kind)
        if kind == "tran":
            header, table = ["time"] + names[1:], cols
        elif kind == "op":
            header, table = ["point"] + names, [[0.0]] + cols
        else:
            card = dc_card(deck)
            scale = cols[0]
            header, table = [card[0].lower()], [scale]
            if len(card) >= 8:  # nested: SRC1 start stop step SRC2 start2 stop2 step2
                start2, stop2, step2 = (spice_number(t) for t in card[5:8])
                # the inner sweep restarts where the scale returns to its first value
                starts = [k for k, v in enumerate(scale) if v == scale[0]]
                inner = starts[1] if len(starts) > 1 else len(scale)
                if len(scale) % inner:
                    sys.exit(f"{raw}: nested sweep of {len(scale)} points is not a multiple of {inner}")
                n_outer = len(scale) // inner
                expect = int(round((stop2 - start2) / step2)) + 1
                if n_outer != expect:
                    sys.exit(f"{raw}: {n_outer} outer sweep values, .dc card gives {expect}")
                outer = [start2 + (k // inner) * step2 for k in range(len(scale))]
                header.append(card[4].lower())
                table.append(outer)
            header += names[1:]
            table += cols[1:]
        out = f"{prefix}.{kind}.csv"
        with open(out, "w", newline="") as f:
            f.write(",".join(header) + "\n")
            for p in range(len(table[0])):
                f.write(",".join(fmt(c[p]) for c in table) + "\n")
        print(f"{out}: {len(table[0])} rows x {len(header)} columns")


if __name__ == "__main__":
    main()
