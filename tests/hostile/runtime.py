#!/usr/bin/python3
"""Hostile use of a run, from the outside: pipes and signals, concurrent runs, --force, resource
limits at many sizes, crafted checkpoints that are valid HDF5 (docs/reliability.md).

Every case runs the real `brocken` command line as a user on a shared server would, and checks
what must hold: the exit code, the message (file and reason), which files exist afterwards and
whether the output equals an uninterrupted run. A docstring starting "73faeb1:" says how that
case failed before the hardening; the others guard new behaviour.

  runtime.py --list                                                case names, one a line
  runtime.py --brocken BIN --source DIR [--sanitized] NAME...      run cases (exit 0 if all pass)
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
# Small, but long enough to be interrupted on a busy machine (SIGINT after the first checkpoint).
SMALL = ["--set", "population.scale=0.004", "--set", "months=240"]
# A yearly table longer than a pipe's stdio buffer (8 KiB): 100 years of rows.
LONG_TABLE = ["--set", "population.scale=0.002", "--set", "months=1200"]
SANITIZER_MARKS = ("AddressSanitizer", "ThreadSanitizer", "runtime error:", "internal error",
                   "terminate called", "Segmentation fault")


class Fail(Exception):
    pass


def check(cond: bool, what: str) -> None:
    if not cond:
        raise Fail(what)


@dataclass
class Ctx:
    brocken: str
    source: Path
    work: Path
    sanitized: bool

    @property
    def smoke(self) -> str:
        return str(self.source / "scenarios/smoke.yaml")

    def run(self, *args: str, cwd: Path | None = None, timeout: float = 600, limit_as: int = 0,
            limit_fsize: int = -1, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            env: dict | None = None) -> subprocess.CompletedProcess:
        def pre():
            if limit_as:
                resource.setrlimit(resource.RLIMIT_AS, (limit_as, limit_as))
            if limit_fsize >= 0:
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit_fsize, limit_fsize))
        r = subprocess.run([self.brocken, *args], cwd=cwd or self.work, timeout=timeout,
                           stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, preexec_fn=pre,
                           env=env)
        err = r.stderr.decode(errors="replace")
        for mark in SANITIZER_MARKS:
            check(mark not in err, f"'{mark}' in stderr:\n{err[-3000:]}")
        r.err = err  # type: ignore[attr-defined]
        r.out = r.stdout.decode(errors="replace") if isinstance(r.stdout, bytes) else ""  # type: ignore[attr-defined]
        return r

    def start(self, *args: str, cwd: Path | None = None) -> subprocess.Popen:
        return subprocess.Popen([self.brocken, *args], cwd=cwd or self.work,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def reference_hash(self, *extra: str) -> str:
        r = self.run("run", self.smoke, *SMALL, *extra, "-o", str(self.work / "ref.h5"), "-q",
                     "--hash", "--force")
        check(r.returncode == 0, f"reference run failed: {r.err}")
        return hash_of(r.out)


def hash_of(out: str) -> str:
    m = re.search(r"state hash: ([0-9a-f]{16})", out)
    return m.group(1) if m else ""


def h5_ok(path: Path) -> bool:
    import h5py
    try:
        with h5py.File(path, "r") as f:
            return "population" in f
    except OSError:
        return False


def wait_for(path: Path, proc: subprocess.Popen, seconds: float = 120) -> None:
    end = time.time() + seconds
    while not path.exists() and proc.poll() is None and time.time() < end:
        time.sleep(0.01)
    check(path.exists(), f"{path} never appeared (process exit {proc.poll()})")


def interrupted_run(ctx: Ctx, out: Path, *extra: str, cwd: Path | None = None,
                    scenario: str | None = None) -> Path:
    """A run stopped by SIGINT after its first periodic checkpoint: exit 4, checkpoint kept."""
    ckpt = Path(str(out) + ".ckpt.h5")
    p = ctx.start("run", scenario or ctx.smoke, *SMALL, *extra, "-o", str(out),
                  "--checkpoint-every", "1", cwd=cwd)
    wait_for(ckpt, p)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=300)
    check(p.returncode == 4, f"interrupted run: exit {p.returncode}: {err.decode()[-2000:]}")
    return ckpt


def run_printed_resume(ctx: Ctx, err: str, ref: str) -> None:
    """Runs the `resume with: ...` command printed in `err` as printed; its hash must be `ref`."""
    m = re.search(r"resume with: (.*)", err)
    check(m is not None, f"no resume command printed: {err}")
    r = subprocess.run(m.group(1) + " -q --hash", shell=True, cwd=ctx.work, capture_output=True,
                       timeout=600)
    check(r.returncode == 0, f"the printed resume command failed: {r.stderr.decode()}")
    check(hash_of(r.stdout.decode()) == ref, "resumed hash differs")


CASES: dict[str, Callable[[Ctx], None]] = {}


def case(fn: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
    CASES[fn.__name__] = fn
    return fn


# ---------------------------------------------------------------------------------------------
# Standard output closed


@case
def pipe_head_one_line(ctx: Ctx) -> None:
    """73faeb1: `| head -1` killed the run with SIGPIPE (141) before the output was written."""
    r = ctx.run("run", ctx.smoke, *LONG_TABLE, "-o", str(ctx.work / "ref.h5"), "-q", "--hash")
    ref = hash_of(r.out)
    out = ctx.work / "o.h5"
    p = subprocess.Popen([ctx.brocken, "run", ctx.smoke, *LONG_TABLE, "-o", str(out), "--hash"],
                         cwd=ctx.work, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.readline()  # type: ignore[union-attr]
    p.stdout.close()  # type: ignore[union-attr]
    _, err = p.communicate(timeout=600)
    check(p.returncode == 0, f"exit {p.returncode}: {err.decode()[-2000:]}")
    check(h5_ok(out), "the output file is missing or unreadable")
    check(ref != "", "no reference hash")
    subprocess.run([sys.executable, str(ctx.source / "tests/tools/h5same.py"), str(out),
                    str(ctx.work / "ref.h5")], check=True, stdout=subprocess.DEVNULL)


@case
def pipe_closed_before_start(ctx: Ctx) -> None:
    """73faeb1: `| true` (reader gone before the first byte) lost the run."""
    out = ctx.work / "o.h5"
    r = subprocess.run(f"'{ctx.brocken}' run '{ctx.smoke}' {' '.join(LONG_TABLE)} -o '{out}' | true; "
                       "exit ${PIPESTATUS[0]}",
                       shell=True, cwd=ctx.work, stderr=subprocess.PIPE, timeout=600,
                       executable="/bin/bash")
    check(r.returncode == 0, "pipeline failed")
    check(h5_ok(out), "the output file is missing or unreadable")
    check(not list(ctx.work.glob("*.tmp-*")), "a temporary file was left")


@case
def synth_csv_closed_stdout(ctx: Ctx) -> None:
    """synth writes its CSV before it prints its report (the order that keeps the file)."""
    out = ctx.work / "s.csv"
    r = subprocess.run(f"'{ctx.brocken}' synth '{ctx.smoke}' --csv '{out}' | true", shell=True,
                       cwd=ctx.work, stderr=subprocess.PIPE, timeout=300, executable="/bin/bash")
    check(r.returncode == 0, "pipeline failed")
    check(out.exists() and out.read_text().count("\n") > 1000, "the CSV is missing or short")


# ---------------------------------------------------------------------------------------------
# --force and foreign files


@case
def force_never_deletes_foreign_checkpoint_path(ctx: Ctx) -> None:
    """73faeb1: `--checkpoint notes.txt --force` removed notes.txt after a successful run."""
    notes = ctx.work / "notes.txt"
    notes.write_text("my notes\n")
    for extra in ([], ["--checkpoint-every", "6"]):
        r = ctx.run("run", ctx.smoke, *SMALL, "-o", str(ctx.work / "o.h5"), "--checkpoint",
                    str(notes), "--force", "-q", *extra)
        check(r.returncode == 2, f"exit {r.returncode}, expected 2: {r.err}")
        check("notes.txt" in r.err and "not a checkpoint" in r.err, r.err)
        check(notes.read_text() == "my notes\n", "notes.txt was changed or removed")
        check(not (ctx.work / "o.h5").exists(), "ran anyway")


@case
def force_never_replaces_foreign_journal(ctx: Ctx) -> None:
    """New file kind (series journal): a foreign file under its name is never replaced."""
    j = ctx.work / "o.h5.ckpt.h5.series"
    j.write_text("not a journal\n")
    r = ctx.run("run", ctx.smoke, *SMALL, "-o", str(ctx.work / "o.h5"), "--force", "-q",
                "--checkpoint-every", "6")
    check(r.returncode == 2 and "series journal" in r.err, f"exit {r.returncode}: {r.err}")
    check(j.read_text() == "not a journal\n", "the file was replaced")


@case
def force_never_replaces_device_or_fifo(ctx: Ctx) -> None:
    """73faeb1: `-o FIFO --force` renamed a regular file over the FIFO (as root: over /dev/null)."""
    fifo = ctx.work / "o.h5"
    os.mkfifo(fifo)
    r = ctx.run("run", ctx.smoke, *SMALL, "-o", str(fifo), "--force", "-q")
    check(r.returncode == 2 and "not a regular file" in r.err, f"exit {r.returncode}: {r.err}")
    check(fifo.is_fifo(), "the FIFO was replaced")


@case
def force_restarts_own_interrupted_run(ctx: Ctx) -> None:
    """--force replaces a checkpoint of the same output (restart), and cleans up after itself."""
    out = ctx.work / "o.h5"
    ckpt = interrupted_run(ctx, out)
    r = ctx.run("run", ctx.smoke, *SMALL, "-o", str(out), "-q")
    check(r.returncode == 2 and "exists" in r.err and "resume" in r.err, r.err)
    r = ctx.run("run", ctx.smoke, *SMALL, "-o", str(out), "-q", "--force")
    check(r.returncode == 0, r.err)
    check(not ckpt.exists() and not Path(str(ckpt) + ".series").exists(), "checkpoint left")
    check(not list(ctx.work.glob("*.lock")), "lock file left")


@case
def force_keeps_checkpoint_of_other_output(ctx: Ctx) -> None:
    """A checkpoint of another output under --checkpoint is not this run's: never replaced."""
    ckpt = interrupted_run(ctx, ctx.work / "a.h5")
    before = ckpt.read_bytes()
    r = ctx.run("run", ctx.smoke, *SMALL, "-o", str(ctx.work / "b.h5"), "--checkpoint",
                str(ckpt), "--force", "-q")
    check(r.returncode == 2 and "not a checkpoint of the output" in r.err, r.err)
    check(ckpt.read_bytes() == before, "the other run's checkpoint changed")


# ---------------------------------------------------------------------------------------------
# Concurrent runs


@case
def concurrent_same_output_refused(ctx: Ctx) -> None:
    """73faeb1: a second run on the same output ran, and deleted the first one's checkpoint."""
    ref = ctx.reference_hash()
    out = ctx.work / "o.h5"
    a = ctx.start("run", ctx.smoke, *SMALL, "-o", str(out), "--checkpoint-every", "1")
    wait_for(Path(str(out) + ".ckpt.h5"), a)
    r = ctx.run("run", ctx.smoke, *SMALL, "-o", str(out), "-q", "--force")
    check(r.returncode == 2, f"second run: exit {r.returncode}: {r.err}")
    check("in use by" in r.err and f"pid {a.pid}" in r.err, r.err)
    r = ctx.run("run", ctx.smoke, *SMALL, "-o", str(ctx.work / "other.h5"), "-q", "--checkpoint",
                str(out) + ".ckpt.h5", "--force")
    check(r.returncode == 2 and "in use by" in r.err, f"same checkpoint: {r.err}")
    a.send_signal(signal.SIGINT)
    _, err = a.communicate(timeout=300)
    check(a.returncode == 4, f"first run: exit {a.returncode}: {err.decode()}")
    run_printed_resume(ctx, err.decode(), ref)


@case
def stale_lock_after_sigkill(ctx: Ctx) -> None:
    """A run killed with SIGKILL leaves a lock file that no process holds: the next run takes it."""
    out = ctx.work / "o.h5"
    a = ctx.start("run", ctx.smoke, *SMALL, "-o", str(out), "--checkpoint-every", "1")
    wait_for(Path(str(out) + ".ckpt.h5"), a)
    a.kill()
    a.wait()
    check(Path(str(out) + ".lock").exists(), "no lock file while running")
    r = ctx.run("resume", str(out) + ".ckpt.h5", "-o", str(out), "-q")
    check(r.returncode == 0, r.err)
    check(not list(ctx.work.glob("*.lock")) and not list(ctx.work.glob("*.ckpt.h5*")),
          "files left behind")


# ---------------------------------------------------------------------------------------------
# Resume identity


@case
def resume_relative_data_from_other_directory(ctx: Ctx) -> None:
    """73faeb1: `--set data=rel` was stored as typed; resuming elsewhere read other data, exit 0."""
    a, b = ctx.work / "a", ctx.work / "b"
    a.mkdir()
    b.mkdir()
    shutil.copytree(ctx.source / "data/sachsen-anhalt", a / "data")
    shutil.copytree(ctx.source / "data/sachsen-anhalt", b / "data")
    # Other figures under the same relative name in b: 10 % more deaths in the life table.
    ref = ctx.reference_hash("--set", f"data={a / 'data'}")
    mort = b / "data/mortality_germany.csv"
    lines = mort.read_text().split("\n")
    out_lines = []
    for line in lines:
        parts = line.split(",")
        if len(parts) == 3 and parts[0].isdigit():
            parts[1] = f"{min(1.0, float(parts[1]) * 1.1):.8f}"
        out_lines.append(",".join(parts))
    mort.write_text("\n".join(out_lines))
    out = ctx.work / "o.h5"
    ckpt = interrupted_run(ctx, out, "--set", "data=data", cwd=a)
    r = ctx.run("resume", str(ckpt), "-o", str(out), "-q", "--hash", cwd=b)
    check(r.returncode == 0, r.err)
    check(hash_of(r.out) == ref, "the resumed run read other data")


@case
def resume_scenario_from_pipe(ctx: Ctx) -> None:
    """73faeb1: a run of `<(cat x.yaml)` printed a resume command that could not work."""
    ref = ctx.reference_hash()
    out = ctx.work / "o.h5"
    cmd = (f"'{ctx.brocken}' run <(printf 'extends: %s\\n' '{ctx.smoke}') {' '.join(SMALL)} -o '{out}' "
           f"--checkpoint-every 1 2>err.txt & pid=$!; "
           f"while [ ! -e '{out}.ckpt.h5' ] && kill -0 $pid 2>/dev/null; do sleep 0.01; done; "
           f"kill -INT $pid; wait $pid; echo rc=$?")
    r = subprocess.run(cmd, shell=True, cwd=ctx.work, capture_output=True, timeout=600,
                       executable="/bin/bash")
    err = (ctx.work / "err.txt").read_text()
    check("rc=4" in r.stdout.decode(), f"{r.stdout.decode()} {err}")
    run_printed_resume(ctx, err, ref)


# ---------------------------------------------------------------------------------------------
# Early failures


@case
def output_name_too_long_fails_early(ctx: Ctx) -> None:
    """73faeb1: a name that fits but whose temporary name does not failed after the whole run."""
    out = ctx.work / ("o" * 245 + ".h5")
    t = time.time()
    r = ctx.run("run", ctx.smoke, "--set", "months=600", "-o", str(out), "-q")
    check(r.returncode == 2 and "too long" in r.err, f"exit {r.returncode}: {r.err}")
    check(time.time() - t < 60, "not refused before the run")


@case
def output_under_proc_and_sys_fails_early(ctx: Ctx) -> None:
    """73faeb1: outputs under /proc or /sys failed only after the whole run."""
    for d in ("/proc", "/sys", "/proc/self"):
        r = ctx.run("run", ctx.smoke, "--set", "months=600", "-o", f"{d}/brocken-test.h5", "-q")
        check(r.returncode == 2, f"{d}: exit {r.returncode}: {r.err}")
        check("pseudo file system" in r.err or "cannot" in r.err, r.err)


@case
def synth_csv_file_size_limit(ctx: Ctx) -> None:
    """73faeb1: `synth --csv` under `ulimit -f` died of SIGXFSZ and left its temporary file."""
    out = ctx.work / "s.csv"
    r = ctx.run("synth", ctx.smoke, "--csv", str(out), limit_fsize=4096)
    check(r.returncode == 3, f"exit {r.returncode}: {r.err}")
    check("File too large" in r.err or "too large" in r.err, r.err)
    check(not out.exists() and not list(ctx.work.glob("*.tmp-*")), "files left behind")


# ---------------------------------------------------------------------------------------------
# Memory


def limits(low_mb: int, high_mb: int, steps: int) -> list[int]:
    return [int((low_mb + (high_mb - low_mb) * i / (steps - 1)) * 2**20) for i in range(steps)]


@case
def resume_under_any_address_limit(ctx: Ctx) -> None:
    """73faeb1: resume under a tight `ulimit -v` died of SIGSEGV in HDF5 or called a good
    checkpoint damaged."""
    if ctx.sanitized:
        return  # sanitizers reserve terabytes of address space: RLIMIT_AS is meaningless there
    ref = ctx.reference_hash()
    ckpt = interrupted_run(ctx, ctx.work / "o.h5")
    keep = ctx.work / "keep.ckpt.h5"
    shutil.copy(ckpt, keep)
    shutil.copy(str(ckpt) + ".series", str(keep) + ".series")
    worked = 0
    for lim in limits(64, 1200, 24):
        shutil.copy(keep, ckpt)
        shutil.copy(str(keep) + ".series", str(ckpt) + ".series")
        r = ctx.run("resume", str(ckpt), "-o", str(ctx.work / "o.h5"), "-q", "--hash", "--force",
                    "--checkpoint", str(ckpt), limit_as=lim)
        mb = lim >> 20
        check(r.returncode >= 0, f"ulimit -v {mb} MiB: killed by signal {-r.returncode}")
        check(r.returncode in (0, 2, 5), f"ulimit -v {mb} MiB: exit {r.returncode}: {r.err}")
        check("damaged" not in r.err, f"ulimit -v {mb} MiB: called damaged: {r.err}")
        if r.returncode == 2:
            check("memory" in r.err, f"ulimit -v {mb} MiB: {r.err}")
        if r.returncode == 0:
            worked += 1
            check(hash_of(r.out) == ref, f"ulimit -v {mb} MiB: hash differs")
    check(worked > 0, "no limit let the resume work")


@case
def run_under_any_address_limit(ctx: Ctx) -> None:
    """73faeb1: runs passed the memory check, then failed after all months (exit 1 or 3)."""
    if ctx.sanitized:
        return
    worked = 0
    for lim in limits(64, 1200, 16):
        r = ctx.run("run", ctx.smoke, "--set", "population.scale=0.02", "--set", "replications=3",
                    "-o", str(ctx.work / "o.h5"), "-q", "--force", limit_as=lim)
        mb = lim >> 20
        check(r.returncode >= 0, f"ulimit -v {mb} MiB: killed by signal {-r.returncode}")
        check(r.returncode in (0, 2, 5), f"ulimit -v {mb} MiB: exit {r.returncode}: {r.err}")
        if r.returncode == 2:
            check("memory" in r.err or "cannot" in r.err, f"ulimit -v {mb} MiB: {r.err}")
        worked += r.returncode == 0
    check(worked > 0, "no limit let the run work")


@case
def sigterm_under_address_limit_writes_checkpoint(ctx: Ctx) -> None:
    """73faeb1: a SIGTERM under memory pressure gave exit 1 and no checkpoint."""
    if ctx.sanitized:
        return
    for lim in limits(200, 1200, 8):
        out = ctx.work / "o.h5"
        ckpt = Path(str(out) + ".ckpt.h5")
        for f in ctx.work.glob("o.h5*"):
            f.unlink()

        def pre(lim=lim):
            resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
        p = subprocess.Popen([ctx.brocken, "run", ctx.smoke, "--set", "population.scale=0.02",
                              "--set", "months=60", "-o", str(out), "--checkpoint-every", "1"],
                             cwd=ctx.work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             preexec_fn=pre)
        end = time.time() + 120
        while not ckpt.exists() and p.poll() is None and time.time() < end:
            time.sleep(0.01)
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=300)
        rc = p.returncode
        check(rc in (0, 2, 4, 5), f"ulimit -v {lim >> 20} MiB: exit {rc}: {err.decode()[-2000:]}")
        if rc == 4:
            check(ckpt.exists(), "exit 4 without a checkpoint")


@case
def out_of_memory_keeps_work(ctx: Ctx) -> None:
    """73faeb1: std::bad_alloc during a run gave exit 1 and lost everything since the last
    checkpoint. With the estimate skipped (--no-memory-check), tight address-space limits make the
    months run out of memory: exit 5, a checkpoint that resumes to the uninterrupted result."""
    if ctx.sanitized:
        return
    shape = ["--set", "population.scale=0.02", "--set", "months=120", "--set", "replications=2"]
    r = ctx.run("run", ctx.smoke, *shape, "-o", str(ctx.work / "ref.h5"), "-q", "--hash")
    ref = hash_of(r.out)
    saw_oom = 0
    for mb in range(30, 62, 4):  # below about 28 MiB the dynamic loader itself fails
        for f in ctx.work.glob("o.h5*"):
            f.unlink()
        r = ctx.run("run", ctx.smoke, *shape, "-o", str(ctx.work / "o.h5"), "-q",
                    "--no-memory-check", limit_as=mb << 20)
        check(r.returncode >= 0, f"ulimit -v {mb} MiB: killed by signal {-r.returncode}")
        check(r.returncode in (0, 2, 5), f"ulimit -v {mb} MiB: exit {r.returncode}: {r.err}")
        if r.returncode == 5:
            check("out of memory" in r.err, r.err)
            ckpt = ctx.work / "o.h5.ckpt.h5"
            if "resume with" in r.err:
                check(ckpt.exists(), "no checkpoint although one was announced")
                rr = ctx.run("resume", str(ckpt), "-o", str(ctx.work / "o.h5"), "-q", "--hash")
                check(rr.returncode == 0 and hash_of(rr.out) == ref,
                      f"ulimit -v {mb} MiB: resume: {rr.returncode} {rr.err}")
                saw_oom += 1
    check(saw_oom > 0, "no limit made the run run out of memory with a checkpoint")


@case
def memory_estimate_covers_measured_peak(ctx: Ctx) -> None:
    """73faeb1: the estimate ignored arrivals, output assembly and checkpoints. Here it must be at
    least the peak resident memory measured by the kernel (getrusage) for several shapes."""
    if ctx.sanitized:
        return
    shapes = [
        ["--set", "population.scale=0.05", "--set", "months=240"],
        ["--set", "population.scale=0.01", "--set", "replications=20", "--set", "months=120"],
        ["--set", "population.scale=0.02", "--set", "months=600"],
    ]
    for shape in shapes:
        v = ctx.run("validate", ctx.smoke, *shape)
        m = re.search(r"needs about ([0-9.]+) (MiB|GiB)", v.out)
        check(v.returncode == 0 and m is not None, f"no estimate printed: {v.out} {v.err}")
        est = float(m.group(1)) * (2**20 if m.group(2) == "MiB" else 2**30)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        # A fresh process per shape: ru_maxrss of children is the largest child so far.
        code = ("import resource,subprocess,sys;"
                "subprocess.run(sys.argv[1:],check=True,stdout=subprocess.DEVNULL);"
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        r = subprocess.run([sys.executable, "-c", code, ctx.brocken, "run", ctx.smoke, *shape,
                            "-o", str(ctx.work / "o.h5"), "--force", "--checkpoint-every", "12"],
                           capture_output=True, timeout=900, cwd=ctx.work)
        check(r.returncode == 0, r.stderr.decode())
        peak = int(r.stdout.decode().strip()) * 1024
        del before
        check(est >= peak, f"{shape}: estimate {est / 2**20:.1f} MiB < measured {peak / 2**20:.1f} MiB")


# ---------------------------------------------------------------------------------------------
# Crafted checkpoints: valid HDF5 with a correct checksum, hostile contents

ARCHIVE_TYPES = ["u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "f32", "f64", "bytes", "text"]
TRAILER = 128


def fnv(data: bytes, h: int = 1469598103934665603) -> int:
    for c in data:
        h = ((h ^ c) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def archive_hash(f) -> str:
    """engine/io/checkpoint.cpp archive_hash(): FNV-1a over the entries in name order."""
    import h5py
    import numpy as np
    entries = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and "archive_type" in obj.attrs:
            entries[name] = obj
    f.visititems(visit)
    h = 1469598103934665603
    for name in sorted(entries):
        d = entries[name]
        t = d.attrs["archive_type"]
        t = t.decode() if isinstance(t, bytes) else str(t)
        raw = np.asarray(d[()]).tobytes() if d.size else b""
        elem = int(d.attrs["element_size"]) if t == "bytes" else d.dtype.itemsize
        count = len(raw) // elem if t == "bytes" else d.size
        h = fnv(struct.pack("<Q", len(name)) + name.encode(), h)
        h = fnv(struct.pack("<QQQ", ARCHIVE_TYPES.index(t), elem, count), h)
        h = fnv(raw, h)
    return f"{h:016x}"


def craft(ckpt: Path, mutate) -> None:
    """Applies `mutate(h5py.File)` to the checkpoint's HDF5 body, then recomputes its content
    hash and trailer exactly as brocken would: only the reader's own checks can refuse it."""
    import h5py
    import numpy as np
    data = ckpt.read_bytes()
    trailer = data[-TRAILER:].decode()
    owner = re.search(r"owner ([0-9a-f]{16})", trailer).group(1)
    body = ckpt.with_suffix(".body.h5")
    body.write_bytes(data[:-TRAILER])
    with h5py.File(body, "r+") as f:
        after = mutate(f)
        h = archive_hash(f)
        del f.attrs["content_hash"]
        f.attrs.create("content_hash", np.bytes_(h), dtype=h5py.string_dtype("utf-8", len(h)))
    if after is not None:
        after()  # e.g. turn a file into a FIFO once HDF5 no longer writes to it
    new = body.read_bytes()
    line = (f"BROCKEN CHECKPOINT 2 length {len(new)} hash {fnv(owner.encode(), fnv(new)):016x} "
            f"owner {owner}\n")
    ckpt.write_bytes(new + line.encode().ljust(TRAILER, b"\n"))


def crafted_case(name: str, expect: str, mutate, timeout: float = 60):
    def run(ctx: Ctx) -> None:
        ckpt = interrupted_run(ctx, ctx.work / "o.h5")
        craft(ckpt, lambda f: mutate(ctx, f))  # noqa: B023
        t = time.time()
        r = ctx.run("resume", str(ckpt), "-o", str(ctx.work / "o.h5"), "-q", timeout=timeout)
        check(r.returncode == 2, f"exit {r.returncode}: {r.err}")
        check(expect in r.err and str(ckpt) in r.err, f"expected '{expect}': {r.err}")
        check(time.time() - t < timeout, "too slow")
        check(not (ctx.work / "o.h5").exists(), "an output was written")
    run.__name__ = name
    run.__doc__ = "73faeb1: accepted or hung on this crafted checkpoint."
    CASES[name] = run


def _fifo_link(ctx, f):
    import h5py
    os.mkfifo(ctx.work / "fifo.h5")
    f["run/evil"] = h5py.ExternalLink(str(ctx.work / "fifo.h5"), "/x")


def _external_storage(ctx, f):
    # Made with a regular file (HDF5 writes the fill value into it), which then becomes a FIFO
    # that nobody writes to: reading it would hang.
    ext = ctx.work / "fifo.bin"
    v = f["run/seed"][()]
    attrs = dict(f["run/seed"].attrs)
    del f["run/seed"]
    d = f.create_dataset("run/seed", shape=v.shape, dtype=v.dtype,
                         external=[(str(ext), 0, v.nbytes)])
    d[...] = v
    for k, a in attrs.items():
        d.attrs[k] = a

    def to_fifo():
        ext.unlink()
        os.mkfifo(ext)
    return to_fifo


def _nan_series(ctx, f):
    import numpy as np
    d = f["current/series/values/population"]
    v = d[()]
    v[0] = np.nan
    d[...] = v


def _absurd_series(ctx, f):
    d = f["current/series/values/births"]
    v = d[()]
    v[0] = 1e300
    d[...] = v


def _soft_link(ctx, f):
    import h5py
    f["run/loop"] = h5py.SoftLink("/run")


def _compressed(ctx, f):
    v = f["current/flows"][()]
    attrs = dict(f["current/flows"].attrs)
    del f["current/flows"]
    d = f.create_dataset("current/flows", data=v, chunks=True, compression="gzip")
    for k, a in attrs.items():
        d.attrs[k] = a


def _negative_wall(ctx, f):
    import numpy as np
    f["progress/wall_time_seconds"][...] = np.array([-5.0])


crafted_case("crafted_external_link_to_fifo", "link to another file", _fifo_link)
crafted_case("crafted_external_storage_fifo", "external storage", _external_storage)
crafted_case("crafted_nan_in_series", "not a finite number", _nan_series)
crafted_case("crafted_absurd_series_value", "which no run can produce", _absurd_series)
crafted_case("crafted_soft_link", "soft link", _soft_link)
crafted_case("crafted_compressed_dataset", "is not stored contiguously", _compressed)
crafted_case("crafted_negative_wall_time", "wall_time_seconds", _negative_wall)


@case
def huge_checkpoint_refused_by_trailer_first(ctx: Ctx) -> None:
    """73faeb1: a 3 GB file was read whole (3 GB of memory) before its 64-byte trailer was
    checked."""
    big = ctx.work / "big.ckpt.h5"
    with open(big, "wb") as fh:
        fh.write(b"\x89HDF\r\n\x1a\n")
        fh.truncate(3 << 30)  # sparse
    code = ("import resource,subprocess,sys;"
            "r=subprocess.run(sys.argv[1:],capture_output=True);"
            "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
            "sys.stderr.write(r.stderr.decode())")
    r = subprocess.run([sys.executable, "-c", code, ctx.brocken, "resume", str(big), "-o",
                        str(ctx.work / "o.h5")], capture_output=True, timeout=120, cwd=ctx.work)
    rc, kb = r.stdout.decode().split()
    check(rc == "2" and "trailer" in r.stderr.decode(), r.stderr.decode())
    check(int(kb) < 400 * 1024, f"peak {int(kb) >> 10} MiB: the file was read")


@case
def huge_checkpoint_with_valid_trailer_checked_for_memory_first(ctx: Ctx) -> None:
    """A 3 GB file whose trailer fits its size: refused by the memory check under `ulimit -v`,
    before any of it is read."""
    if ctx.sanitized:
        return
    big = ctx.work / "big.ckpt.h5"
    size = 3 << 30
    line = f"BROCKEN CHECKPOINT 2 length {size - TRAILER} hash {0:016x} owner {0:016x}\n"
    with open(big, "wb") as fh:
        fh.write(b"\x89HDF\r\n\x1a\n")
        fh.seek(size - TRAILER)
        fh.write(line.encode().ljust(TRAILER, b"\n"))
    r = ctx.run("resume", str(big), "-o", str(ctx.work / "o.h5"), limit_as=2 << 30)
    check(r.returncode == 2 and "memory" in r.err and "fine" in r.err, r.err)


# ---------------------------------------------------------------------------------------------
# Checkpoints that scale


@case
def finished_series_written_once(ctx: Ctx) -> None:
    """73faeb1: every checkpoint rewrote the series of every finished replication. Now each is
    appended to the journal once: the checkpoint file does not grow with them, and a checkpoint
    appends at most one replication's series."""
    r = ctx.run("run", ctx.smoke, "--set", "population.scale=0.004", "--set", "months=6",
                "--set", "replications=8", "-o", str(ctx.work / "o.h5"), "-q",
                "--checkpoint-every", "3", "--checkpoint-stats")
    check(r.returncode == 0, r.err)
    rows = [tuple(int(x) for x in m) for m in re.findall(
        r"checkpoint \d+: [0-9.]+ ms, (\d+) finished replications?, checkpoint file (\d+) bytes, "
        r"journal \+(\d+) bytes \(total (\d+)\)", r.err)]
    check(len(rows) == 15, f"expected 15 checkpoints, got {len(rows)}: {r.err}")
    # Mid-replication checkpoints (odd ones): the same size whether 0 or 7 replications are done.
    mid = [row for i, row in enumerate(rows) if i % 2 == 0]
    sizes = [row[1] for row in mid]
    check(max(sizes) - min(sizes) < 0.05 * min(sizes), f"checkpoint sizes grew: {sizes}")
    appended = [row[2] for row in rows]
    per_rep = max(appended)
    check(per_rep > 0 and all(a in (0, per_rep) for a in appended[1:]),
          f"a checkpoint appended more than one replication: {appended}")
    totals = [row[3] for row in rows]
    check(totals == sorted(totals) and totals[-1] - totals[0] == 7 * per_rep, f"{totals}")


# ---------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--brocken")
    ap.add_argument("--source")
    ap.add_argument("--sanitized", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    if a.sanitized:
        # 5 to 20 times slower: shorter runs, the same code paths (a checkpoint every month).
        SMALL[:] = ["--set", "population.scale=0.004", "--set", "months=48"]
        LONG_TABLE[:] = ["--set", "population.scale=0.0005", "--set", "months=1200"]
    if a.list:
        print("\n".join(CASES))
        return 0
    failed = 0
    for name in a.names or list(CASES):
        with tempfile.TemporaryDirectory(prefix=f"brocken-{name}-") as work:
            ctx = Ctx(os.path.abspath(a.brocken), Path(a.source).resolve(), Path(work), a.sanitized)
            t = time.time()
            try:
                CASES[name](ctx)
                print(f"PASS {name} ({time.time() - t:.1f} s)", flush=True)
            except (Fail, subprocess.TimeoutExpired, AssertionError) as e:
                failed += 1
                print(f"FAIL {name}: {e}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
