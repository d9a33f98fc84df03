#!/usr/bin/env python3
"""AnalogNN against ngspice on the memristor crossbar of ../shared/bench/gen_crossbar.py, in one run.

usage: bench/memristor_crossbar.py [SIZES...] [--pairs K] [--out DIR] [--reuse-ngspice] [--app DIR]

For each size N: generates the N x N deck in both dialects (the ngspice one holds each state on a
1 F capacitor driven by a B source, the analognn one uses YMEMRISTOR), then runs K pairs, one after
the other, of `ngspice -b -r` and `analognn run --stats`, each timed as a whole process (start-up,
parsing and writing the rawfile included): wall clock, and CPU time (user + system, the operating
system's accounting of the finished child). It reports the median wall and CPU time of each program,
the median of the per-pair ratios ngspice/AnalogNN (wall and CPU), AnalogNN's time per accepted step and per Newton
iteration, its factorization counts, and the waveform agreement of ../shared/bench/wavecmp.py
(tolerance 1e-3 of full scale) on every column's sense voltage and every device state.
AnalogNN is timed as shipped for batch use: the Cli project published as a Native AOT executable
(bench/crossbar.py does the same), into OUT/app unless --app names an existing publish folder.
With --reuse-ngspice an existing OUT/memN.ng.raw and its timing file are reused and only
AnalogNN runs (64x64 takes ngspice many minutes).
"""
import argparse, json, os, re, resource, statistics, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
gen = os.path.join(root, "..", "shared", "bench", "gen_crossbar.py")
wavecmp = os.path.join(root, "..", "shared", "bench", "wavecmp.py")
ap = argparse.ArgumentParser()
ap.add_argument("sizes", nargs="*", type=int, default=[8, 16, 32])
ap.add_argument("--pairs", type=int, default=3)
ap.add_argument("--out", default=os.path.join(root, "out", "bench-memristor"))
ap.add_argument("--reuse-ngspice", action="store_true")
ap.add_argument("--app", default=None)
a = ap.parse_args()
os.makedirs(a.out, exist_ok=True)

app = a.app or os.path.join(a.out, "app")
cli = [os.path.join(app, "analognn")]
if a.app is None:
    publish = ["dotnet", "publish", os.path.join(root, "Cli"), "-c", "Release", "-r", "linux-x64", "-o", app]
    if subprocess.run(publish + ["-p:PublishAot=true", "-p:CppCompilerAndLinker=gcc"], stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(publish + ["--self-contained", "false", "-p:PublishReadyToRun=true"], check=True, stdout=subprocess.DEVNULL)
        cli = ["dotnet", os.path.join(app, "analognn.dll")]


def cpu_of_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd, log):
    """Wall and CPU (user + system) seconds of one whole process, and what it printed."""
    c0, t0 = cpu_of_children(), time.monotonic()
    with open(log, "w") as f:
        rc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT).returncode
    dt, cpu = time.monotonic() - t0, cpu_of_children() - c0
    if rc != 0:
        sys.exit(f"{' '.join(cmd)} failed (exit {rc}), see {log}")
    return dt, cpu, open(log).read()


def stat(text, key):
    m = re.search(key + r":\s*(\d+)", text)
    return int(m.group(1)) if m else -1


def load():
    return os.getloadavg()[0]


for n in a.sizes:
    decks = {}
    for dialect in ("ngspice", "analognn"):
        decks[dialect] = os.path.join(a.out, f"mem{n}.{dialect[:2]}.cir")
        with open(decks[dialect], "w") as f:
            subprocess.run([sys.executable, gen, str(n), str(n), "200u", "--dialect", dialect], stdout=f, check=True)
    ng_raw, ng_json = os.path.join(a.out, f"mem{n}.ng.raw"), os.path.join(a.out, f"mem{n}.ng.json")
    an_dir = os.path.join(a.out, f"mem{n}.an")
    ng_times, an_times, ratios, loads = [], [], [], []
    ng_cpus, an_cpus, cpu_ratios = [], [], []
    ng_iters, an_text = -1, ""
    reuse = a.reuse_ngspice and os.path.exists(ng_json)
    for k in range(a.pairs):
        loads.append(load())
        if reuse:
            ng = json.load(open(ng_json))
            ng_t, ng_iters, ng_cpu = ng["seconds"], ng["iterations"], ng.get("cpu", float("nan"))
        else:
            ng_t, ng_cpu, text = timed(["ngspice", "-b", "-r", ng_raw, decks["ngspice"]], os.path.join(a.out, f"mem{n}.ng.log"))
            m = re.search(r"Transient iterations\s*=\s*(\d+)", text)
            ng_iters = int(m.group(1)) if m else -1
            json.dump({"seconds": ng_t, "cpu": ng_cpu, "iterations": ng_iters}, open(ng_json, "w"))
        an_t, an_cpu, an_text = timed(cli + ["run", decks["analognn"], "-o", an_dir, "--stats"], os.path.join(a.out, f"mem{n}.an.log"))
        ng_times.append(ng_t); an_times.append(an_t); ratios.append(ng_t / an_t)
        ng_cpus.append(ng_cpu); an_cpus.append(an_cpu); cpu_ratios.append(ng_cpu / an_cpu)
        if reuse and k == 0:
            break   # one reused ngspice time: one pair
    names = [f"v(c{n - 1}_{j})" for j in range(n)] + [f"x(m{i}_{j})" for i in range(n) for j in range(n)]
    alias = ",".join(f"x(m{i}_{j})=v(x{i}_{j}.x)" for i in range(n) for j in range(n))
    refs = [f"v(c{n - 1}_{j})" for j in range(n)] + [f"v(x{i}_{j}.x)" for i in range(n) for j in range(n)]
    cmp = subprocess.run([sys.executable, wavecmp, ng_raw, os.path.join(an_dir, f"mem{n}.an.raw"), "--tol", "1e-3",
                          "--signals", ",".join(refs), "--alias", alias], capture_output=True, text=True)
    verdict = cmp.stdout.strip().splitlines()[-1] if cmp.stdout.strip() else cmp.stderr.strip()
    its, pts = stat(an_text, "iterations"), stat(an_text, "time points")
    an_med = statistics.median(an_times)
    ng_its = f" ({ng_iters} it)" if ng_iters >= 0 else ""
    print(f"{n}x{n}: ngspice {statistics.median(ng_times):.3f} s (cpu {statistics.median(ng_cpus):.3f} s){ng_its}  "
          f"analognn {an_med:.3f} s (cpu {statistics.median(an_cpus):.3f} s) "
          f"({pts} steps, {its} it, {1e3 * an_med / pts:.3f} ms/step, {1e6 * an_med / its:.1f} us/it, "
          f"{stat(an_text, 'factorizations')} factorizations, {stat(an_text, 'chord iterations')} chord iterations)  "
          f"ratio ngspice/analognn {statistics.median(ratios):.1f}x (median of {len(ratios)} pairs: "
          f"{', '.join(f'{r:.1f}' for r in ratios)}; cpu {statistics.median(cpu_ratios):.1f}x)  load {min(loads):.1f}-{max(loads):.1f}  "
          f"waveforms: {'agree' if cmp.returncode == 0 else 'DIFFER'} ({verdict})", flush=True)
