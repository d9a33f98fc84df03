#!/usr/bin/env python3
"""AnalogNN against ngspice on the resistive crossbar benchmark, in one run.

usage: bench/crossbar.py [SIZES...] [--out DIR] [--reuse-ngspice]

For each size N: generates the N x N deck (gen_resistive_crossbar.py), runs
`ngspice -b -r` and `analognn run --stats` on the same file, and reports wall time,
Newton iterations, time per iteration, the ratio ngspice/AnalogNN and the worst
waveform difference (../shared/bench/wavecmp.py metric, fraction of full scale).
AnalogNN is timed as shipped for batch use: the Cli project published as a Native AOT executable
(`dotnet publish Cli -c Release -r linux-x64 -p:PublishAot=true -p:CppCompilerAndLinker=gcc`), which
the script does first into OUT/app; if the AOT toolchain is missing it falls back to a ReadyToRun
publish run through `dotnet`. With --reuse-ngspice an
existing OUT/xbN.ngspice.raw and its timing file are reused (64x64 takes ngspice minutes).
"""
import argparse, json, os, re, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("sizes", nargs="*", type=int, default=[8, 16, 32, 64])
ap.add_argument("--out", default=os.path.join(root, "out", "bench"))
ap.add_argument("--reuse-ngspice", action="store_true")
a = ap.parse_args()
os.makedirs(a.out, exist_ok=True)
app = os.path.join(a.out, "app")
cli = [os.path.join(app, "analognn")]
publish = ["dotnet", "publish", os.path.join(root, "Cli"), "-c", "Release", "-r", "linux-x64", "-o", app]
if subprocess.run(publish + ["-p:PublishAot=true", "-p:CppCompilerAndLinker=gcc"], stdout=subprocess.DEVNULL).returncode != 0:
    subprocess.run(publish + ["--self-contained", "false", "-p:PublishReadyToRun=true"], check=True, stdout=subprocess.DEVNULL)
    cli = ["dotnet", os.path.join(app, "analognn.dll")]
wavecmp = os.path.join(root, "..", "shared", "bench", "wavecmp.py")

def timed(cmd, log):
    t0 = time.monotonic()
    with open(log, "w") as f:
        rc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT).returncode
    dt = time.monotonic() - t0
    if rc != 0:
        sys.exit(f"{' '.join(cmd)} failed (exit {rc}), see {log}")
    return dt, open(log).read()


rows = []
for n in a.sizes:
    deck = os.path.join(a.out, f"xb{n}.cir")
    with open(deck, "w") as f:
        subprocess.run([sys.executable, os.path.join(root, "bench", "gen_resistive_crossbar.py"), str(n)], stdout=f, check=True)
    ng_raw, ng_log, ng_time = (os.path.join(a.out, f"xb{n}.ngspice.{e}") for e in ("raw", "log", "json"))
    if a.reuse_ngspice and os.path.exists(ng_time):
        ng = json.load(open(ng_time))
    else:
        dt, text = timed(["ngspice", "-b", "-r", ng_raw, deck], ng_log)
        iters = int(re.search(r"Transient iterations\s*=\s*(\d+)", text).group(1))
        ng = {"seconds": dt, "iterations": iters}
        json.dump(ng, open(ng_time, "w"))
    an_dir = os.path.join(a.out, f"xb{n}.analognn")
    dt, text = timed(cli + ["run", deck, "-o", an_dir, "--stats"], os.path.join(a.out, f"xb{n}.analognn.log"))
    iters = int(re.search(r"iterations:\s*(\d+)", text).group(1))
    an = {"seconds": dt, "iterations": iters}
    cmp = subprocess.run([sys.executable, wavecmp, ng_raw, os.path.join(an_dir, f"xb{n}.raw"), "--tol", "1e-3"],
                         capture_output=True, text=True)
    rows.append((n, ng, an, cmp.returncode, cmp.stdout.strip().splitlines()[-1] if cmp.stdout.strip() else cmp.stderr.strip()))
    print(f"{n}x{n}: ngspice {ng['seconds']:.3f} s ({ng['iterations']} it, {1e3 * ng['seconds'] / ng['iterations']:.3f} ms/it)  "
          f"analognn {an['seconds']:.3f} s ({an['iterations']} it, {1e3 * an['seconds'] / an['iterations']:.3f} ms/it)  "
          f"ratio {ng['seconds'] / an['seconds']:.1f}x  waveforms: {'agree' if cmp.returncode == 0 else 'DIFFER'} ({rows[-1][4]})",
          flush=True)
