#!/usr/bin/python3
"""Fits Brocken's calibration parameters to named targets and writes the fitted scenario and
docs/calibration.md.

    /usr/bin/python3 tools/calibrate/calibrate.py tools/calibrate/retention.yaml [--brocken PATH]
        [--evaluate] [--max-evaluations N] [--output FILE] [--doc FILE] [--work DIR]

Method (docs/calibration.md says the same):
  * Every candidate point runs the model with the same seed and replications (common random
    numbers): two points differ only through the parameters, not through the draws, so the
    objective is a deterministic function of the parameters and a derivative-free optimiser can
    compare points.
  * The objective is the sum over targets of ((simulated - observed) / tolerance)^2, the
    simulated value being the mean over the replications.
  * The optimiser is NLopt's BOBYQA (Debian package python3-nlopt), bounded by each parameter's
    range, started from the values the fitted file holds (or the config's start values).
  * --evaluate runs the fitted file's values only (no fit) and regenerates the document: it
    reproduces docs/calibration.md exactly (the runs are bit-identical for the same binary).

A target's statistic is computed from the output file (docs/output-format.md): `retention`
(share of arrival cohorts of a channel still resident, or still in Germany, k years after the
first arrival, in June of year cohort + k), `flow` (a root flow summed over a calendar year),
`stock` (a root stock in December of a year), `ratio` (numerator / denominator, each a variable
of any group summed over `years`, over the labels of `select` and over its other dimensions:
flows summed over the months, stocks averaged over them, monthly means weighted by
`weighted_by`, e.g. a wait by the cases it averages), times `scale_result` (e.g. days to
months).
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def fail(msg):
    print(f"calibrate: {msg}", file=sys.stderr)
    sys.exit(2)


def load_config(path):
    try:
        with open(path, encoding="utf-8") as f:
            cfg = yaml.safe_load(f)
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    except yaml.YAMLError as e:
        fail(f"{path}: not valid YAML: {e}")
    if not isinstance(cfg, dict):
        fail(f"{path}: expected a mapping at the top")
    base = os.path.dirname(os.path.abspath(path))
    for key in ("scenario", "fitted", "doc", "run", "parameters", "targets"):
        if key not in cfg:
            fail(f"{path}: missing required key '{key}'")
    for key in ("scenario", "fitted", "doc"):
        cfg[key] = os.path.normpath(os.path.join(base, cfg[key]))
    for i, p in enumerate(cfg["parameters"]):
        for key in ("key", "start", "bounds", "note"):
            if key not in p:
                fail(f"{path}: parameters[{i}]: missing required key '{key}'")
        lo, hi = p["bounds"]
        if not lo <= p["start"] <= hi:
            fail(f"{path}: parameters[{i}] ({p['key']}): start {p['start']} outside {p['bounds']}")
    for i, t in enumerate(cfg["targets"]):
        for key in ("name", "statistic", "observed", "tolerance", "source"):
            if key not in t:
                fail(f"{path}: targets[{i}]: missing required key '{key}'")
        if t["statistic"] not in ("retention", "flow", "stock", "ratio"):
            fail(f"{path}: targets[{i}] ({t['name']}): statistic must be retention, flow, stock "
                 "or ratio")
        if t["statistic"] == "ratio":
            for part in ("numerator", "denominator"):
                if "variable" not in t.get(part, {}):
                    fail(f"{path}: targets[{i}] ({t['name']}): a ratio needs {part}.variable")
            if "years" not in t:
                fail(f"{path}: targets[{i}] ({t['name']}): a ratio needs years")
        if not t["tolerance"] > 0:
            fail(f"{path}: targets[{i}] ({t['name']}): tolerance must be positive")
    return cfg


def fitted_values(cfg):
    """The values of the fitted file (a scenario that extends the config's scenario), by key;
    the config's start values where the file does not exist or lacks a key."""
    values = {p["key"]: float(p["start"]) for p in cfg["parameters"]}
    if os.path.exists(cfg["fitted"]):
        with open(cfg["fitted"], encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
        for p in cfg["parameters"]:
            node = doc
            for part in p["key"].split("."):
                node = node.get(part) if isinstance(node, dict) else None
            if isinstance(node, (int, float)):
                values[p["key"]] = float(node)
    return values


class Model:
    def __init__(self, cfg, brocken, work):
        self.cfg = cfg
        self.brocken = brocken
        self.work = work
        self.evaluations = 0

    def run(self, values):
        """Runs the scenario at `values` and returns the output file's path."""
        r = self.cfg["run"]
        out = os.path.join(self.work, f"eval{self.evaluations}.h5")
        self.evaluations += 1
        sets = [
            f"months={r['months']}",
            f"population.scale={r['scale']}",
            f"replications={r['replications']}",
            f"seed={r['seed']}",
        ]
        sets += [f"{k}={v!r}" for k, v in values.items()]
        cmd = [self.brocken, "run", self.cfg["scenario"], "-o", out, "--force", "-q",
               "--threads", str(r.get("threads", 2))]
        for s in sets:
            cmd += ["--set", s]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            fail(f"the model failed ({' '.join(cmd)}):\n{proc.stderr}")
        return out


def per_replication(v, lead):
    """Adds a replication axis of size 1 when the file has none."""
    return v if lead else v[np.newaxis, ...]


def labels(f, dim):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in f[dim][...]]


def term(f, lead, part, years, start_year, name):
    """One side of a ratio per replication: the variable summed over the years' months (flows;
    stocks averaged over the months; monthly means weighted by `weighted_by`), over the labels of
    `select` and over its other dimensions."""
    if part["variable"] not in f:
        fail(f"target {name}: no variable {part['variable']} in the output")
    var = f[part["variable"]]
    dims = [d.keys()[0] if d.keys() else "" for d in var.dims]
    v = var[...]
    method = var.attrs.get("cell_methods", b"")
    method = method.decode() if isinstance(method, bytes) else str(method)
    if "weighted_by" in part:
        v = v * f[part["weighted_by"]][...]
    elif "time: mean" in method:
        fail(f"target {name}: {part['variable']} is a monthly mean: give weighted_by")
    if not lead:
        v = v[np.newaxis, ...]
        dims = ["replication"] + dims
    index = [slice(None)] * v.ndim
    months = []
    for y in years:
        months += list(range((y - start_year) * 12, (y - start_year + 1) * 12))
    if max(months) >= v.shape[dims.index("time")]:
        fail(f"target {name}: year {max(years)} is beyond the run")
    index[dims.index("time")] = months
    for dim, want in part.get("select", {}).items():
        if dim not in dims:
            fail(f"target {name}: {part['variable']} has no dimension {dim}")
        have = labels(f, dim)
        want = want if isinstance(want, list) else [want]
        for w in want:
            if w not in have:
                fail(f"target {name}: {dim} has no label {w} ({', '.join(have)})")
        index[dims.index(dim)] = [have.index(w) for w in want]
    # Select one axis at a time (numpy would pair up several index lists).
    for axis, ix in enumerate(index):
        if not isinstance(ix, slice):
            v = np.take(v, ix, axis=axis)
    x = v.reshape(v.shape[0], -1).sum(axis=1)
    return x / len(months) if "time: point" in method and "weighted_by" not in part else x


def statistic(path, target, start_year):
    """The target's statistic per replication (a numpy vector)."""
    with h5py.File(path, "r") as f:
        lead = "replication" in f
        if target["statistic"] == "ratio":
            years = target["years"]
            return (term(f, lead, target["numerator"], years, start_year, target["name"]) /
                    term(f, lead, target["denominator"], years, start_year, target["name"]) *
                    float(target.get("scale_result", 1.0)))
        if target["statistic"] == "retention":
            channels = [c.decode() if isinstance(c, bytes) else c for c in f["channel"][...]]
            if target["channel"] not in channels:
                fail(f"target {target['name']}: unknown channel {target['channel']}")
            c = channels.index(target["channel"])
            cp = per_replication(f["retention/cohort_persons"][...], lead)
            # (rep, time, cohort, channel, qualification, whereabouts)
            keep = []
            for cohort in target["cohorts"]:
                y = cohort - start_year
                month = (cohort + target["years"] - start_year) * 12 + 5  # June
                if month >= cp.shape[1]:
                    fail(f"target {target['name']}: cohort {cohort} + {target['years']} years "
                         f"is beyond the run ({cp.shape[1]} months)")
                keep.append(cp[:, month, y, c].sum(axis=1))  # (rep, whereabouts)
            x = np.sum(keep, axis=0)
            living = x.sum(axis=1)
            inside = x[:, 0] if target["where"] == "state" else x[:, 0] + x[:, 1]
            return inside / living
        v = per_replication(f[target["variable"]][...], lead)
        v = v.reshape(v.shape[0], v.shape[1], -1).sum(axis=2)  # (rep, time)
        i = (target["year"] - start_year) * 12
        if target["statistic"] == "flow":
            return v[:, i:i + 12].sum(axis=1)
        return v[:, i + 11]


def evaluate(model, values):
    path = model.run(values)
    start_year = int(str(model.cfg["run"]["start_year"]))
    results = []
    for t in model.cfg["targets"]:
        x = statistic(path, t, start_year)
        mean = float(np.mean(x))
        half = 1.96 * float(np.std(x, ddof=1)) / math.sqrt(len(x)) if len(x) > 1 else float("nan")
        results.append({"target": t, "mean": mean, "half": half})
    os.remove(path)
    return results


def loss(results):
    return sum(((r["mean"] - r["target"]["observed"]) / r["target"]["tolerance"]) ** 2
               for r in results if r["target"].get("fit", True))


def fit(model, start, max_evaluations):
    import nlopt  # Debian: python3-nlopt

    params = model.cfg["parameters"]
    keys = [p["key"] for p in params]
    lo = [float(p["bounds"][0]) for p in params]
    hi = [float(p["bounds"][1]) for p in params]
    trace = []

    def objective(x, grad):
        values = dict(zip(keys, (float(v) for v in x)))
        results = evaluate(model, values)
        value = loss(results)
        trace.append((values, value))
        shown = ", ".join(f"{k.split('.')[-1]}={v:.4g}" for k, v in values.items())
        print(f"  {len(trace):3d}  loss {value:9.4f}  {shown}", file=sys.stderr)
        return value

    opt = nlopt.opt(nlopt.LN_BOBYQA, len(keys))
    opt.set_lower_bounds(lo)
    opt.set_upper_bounds(hi)
    opt.set_min_objective(objective)
    opt.set_maxeval(max_evaluations)
    opt.set_xtol_rel(model.cfg.get("xtol_rel", 0.01))
    x0 = [min(max(start[k], l), h) for k, l, h in zip(keys, lo, hi)]
    # A fifth of each start value, within the bounds: BOBYQA moves the start inwards when its
    # first step would leave them.
    steps = []
    for x, l, h in zip(x0, lo, hi):
        room = max(x - l, h - x)
        steps.append(max(1e-3 * (h - l), min(0.2 * abs(x) if x else 0.1 * (h - l), room)))
    opt.set_initial_step(steps)
    try:
        opt.optimize(x0)
    except nlopt.RoundoffLimited:
        pass
    best = min(trace, key=lambda t: t[1])
    return best[0], len(trace)


def write_fitted(cfg, values, config_path):
    rel_base = os.path.relpath(cfg["scenario"], os.path.dirname(cfg["fitted"]))
    lines = [
        "# GENERATED by tools/calibrate/calibrate.py from "
        f"{os.path.relpath(config_path, ROOT)}: do not edit by hand.",
        "# The calibration parameters fitted to the targets of docs/calibration.md; "
        "the baseline extends this file.",
        f"extends: {rel_base}",
    ]
    tree = {}
    for k, v in values.items():
        node = tree
        parts = k.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = v
    notes = {p["key"]: p["note"] for p in cfg["parameters"]}

    def emit(node, indent, prefix):
        for key, val in node.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(val, dict):
                lines.append(" " * indent + f"{key}:")
                emit(val, indent + 2, path)
            else:
                lines.append(" " * indent + f"{key}: {val:.4g}  # CALIBRATION: {notes[path]}")

    emit(tree, 0, "")
    with open(cfg["fitted"], "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def fmt_value(x, observed):
    if abs(observed) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3f}"


def write_doc(cfg, config_path, values, results):
    r = cfg["run"]
    cmd = f"/usr/bin/python3 tools/calibrate/calibrate.py {os.path.relpath(config_path, ROOT)}"
    out = [
        "# Calibration",
        "",
        "<!-- GENERATED by tools/calibrate/calibrate.py: edit the config or the tool, not this "
        "file. -->",
        "",
        "The calibration parameters (those for which no published value was found; "
        "[parameters.md](parameters.md) and [model.md](model.md) mark them CALIBRATION) are "
        "fitted to named targets by a command anyone can rerun:",
        "",
        "```sh",
        f"{cmd}             # fit, write the fitted scenario and this page",
        f"{cmd} --evaluate  # rerun the fitted values only and rewrite this page",
        "```",
        "",
        f"Config: `{os.path.relpath(config_path, ROOT)}`. Fitted values: "
        f"`{os.path.relpath(cfg['fitted'], ROOT)}`, which `scenarios/baseline.yaml` extends.",
        "",
        "## Method",
        "",
        f"- **Runs.** `{os.path.relpath(cfg['scenario'], ROOT)}` at `population.scale` "
        f"{r['scale']}, {r['months']} months from {r['start_year']}, {r['replications']} "
        f"replications, seed {r['seed']}.",
        "- **Common random numbers.** Every candidate point runs with the same seed and "
        "replications, and every draw is keyed by (seed, replication, agent, month, decision): "
        "two points differ only through the parameters, so the objective is a deterministic "
        "function of them and the optimiser compares like with like (Monte Carlo noise does "
        "not mislead it, though it remains in each value: the intervals below).",
        "- **Objective.** The sum over the fitted targets of ((simulated − observed) / "
        "tolerance)², the simulated value being the mean over the replications.",
        "- **Optimiser.** NLopt's BOBYQA (Powell's bounded derivative-free quadratic "
        "model; Debian package python3-nlopt) within each parameter's bounds, from the values "
        "of the fitted file, at most "
        f"{cfg.get('max_evaluations', 40)} evaluations.",
        "- **Interval.** The 95 % Monte Carlo interval of a simulated value is the mean ± 1.96 "
        "standard errors over the replications.",
        "",
        "## Targets",
        "",
        "| Target | Source | Observed | Tolerance | Simulated (95 % MC interval) | Met |",
        "|---|---|---|---|---|---|",
    ]
    for res in results:
        t = res["target"]
        sim = fmt_value(res["mean"], t["observed"])
        half = fmt_value(res["half"], t["observed"])
        met = abs(res["mean"] - t["observed"]) <= t["tolerance"]
        fitted_note = "" if t.get("fit", True) else " (checked, not fitted)"
        out.append(
            f"| {t['name']}{fitted_note} | {t['source']} | {fmt_value(t['observed'], t['observed'])}"
            f" | ± {fmt_value(t['tolerance'], t['observed'])} | {sim} ± {half} | "
            f"{'yes' if met else '**no**'} |")
    out += ["", "What each target computes:", ""]
    for t in cfg["targets"]:
        out.append(f"- **{t['name']}**: {t['definition']}")
    out += [
        "",
        "## Fitted parameters",
        "",
        "| Parameter | Value | Bounds | Why it is calibrated |",
        "|---|---|---|---|",
    ]
    for p in cfg["parameters"]:
        out.append(f"| `{p['key']}` | {values[p['key']]:.4g} | {p['bounds'][0]} – "
                   f"{p['bounds'][1]} | {p['note']} |")
    out += [""] + [line.rstrip() for line in cfg.get("notes", "").strip().splitlines()] + [""]
    with open(cfg["doc"], "w", encoding="utf-8") as f:
        f.write("\n".join(out).rstrip("\n") + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("config")
    ap.add_argument("--brocken", default=os.path.join(ROOT, "build/release/tools/brocken"))
    ap.add_argument("--evaluate", action="store_true",
                    help="evaluate the fitted values only and rewrite the document")
    ap.add_argument("--max-evaluations", type=int, default=None)
    ap.add_argument("--fitted", help="write the fitted scenario here instead")
    ap.add_argument("--doc", help="write the document here instead")
    args = ap.parse_args()
    cfg = load_config(args.config)
    config_path = os.path.abspath(args.config)
    if not os.access(args.brocken, os.X_OK):
        fail(f"{args.brocken}: no brocken binary there (build it, or pass --brocken)")
    start = fitted_values(cfg)
    if args.fitted:
        cfg["fitted"] = os.path.abspath(args.fitted)
    if args.doc:
        cfg["doc"] = os.path.abspath(args.doc)
    max_evaluations = args.max_evaluations or cfg.get("max_evaluations", 40)
    with tempfile.TemporaryDirectory(prefix="brocken-calibrate-") as work:
        model = Model(cfg, args.brocken, work)
        evaluations = 0
        values = start
        if not args.evaluate:
            values, evaluations = fit(model, start, max_evaluations)
            # Rounded as written to the file; the document evaluates what the file holds.
            values = {k: float(f"{v:.4g}") for k, v in values.items()}
            write_fitted(cfg, values, config_path)
        results = evaluate(model, values)
    write_doc(cfg, config_path, values, results)
    if evaluations:
        print(f"the fit took {evaluations} model evaluations")
    for res in results:
        t = res["target"]
        print(f"{t['name']:40s} observed {t['observed']:>10.4g}  simulated {res['mean']:>10.4g}"
              f" ± {res['half']:.3g}")
    print(f"wrote {os.path.relpath(cfg['doc'], os.getcwd())}"
          + ("" if args.evaluate else f" and {os.path.relpath(cfg['fitted'], os.getcwd())}"))


if __name__ == "__main__":
    main()
