#!/usr/bin/python3
"""Compare a Brocken run with the official population projections for Saxony-Anhalt.

Usage:
    /usr/bin/python3 tools/validation/compare_projections.py RUN.h5 [--projections CSV]

Reads a run's output file (docs/output-format.md) and data/sachsen-anhalt/projections.csv and
prints Markdown: a table of levels and flows, a table of changes, and the rows that cannot be
computed, with the reason. docs/validation.md explains the comparison; tools/validation/run.sh
regenerates the table there. Needs h5py and numpy (Debian: python3-h5py, run /usr/bin/python3).

Conventions (also stated in the printed notes):
- A stock "in year Y" is the state at 31.12.Y: the December value of the run. The run's start
  (31.12. of the year before its first month) is not in the file; the total population then is
  recovered per district from the accounting identity of the first month:
  population[0] - births[0] + deaths[0] - arrivals[0] + departures[0].
- A flow "in year Y" is the sum over the 12 months of Y (only when the run covers all of them).
- Indicators by age need the age bands to have boundaries at the ages asked for. The baseline
  run of tools/validation/run.sh uses single years (output.age_bands = 0, 1, ..., 100; 100+).
  Mean age is the mean of (completed years + 0.5), the official definition; the open top band
  counts as its lower bound + 1.5 years (negligible with a 100+ band; refused when the open band
  starts below 95 or a closed band is wider than 5 years).
- "Working age 20-66" is 20 to under 67 years, and the dependency ratio is
  (persons outside 20-66) / (persons aged 20-66) x 100: this reproduces the RBP7 figures
  (2019: 2,194,782 persons, 1,313,179 aged 20-66 -> 67.1, printed 67; 2035: 91.5, printed 91).
- With several replications, every value is the mean over replications.
- Relative error = (model - official) / |official|.
"""
from __future__ import annotations

import argparse
import calendar
import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np

STATE_AGS = "15"
REPO = Path(__file__).resolve().parents[2]
DEFAULT_PROJECTIONS = REPO / "data" / "sachsen-anhalt" / "projections.csv"


class NotComputable(Exception):
    """The model output cannot produce a value; the message says why."""


# --------------------------------------------------------------------------------------------
# The run


class Run:
    def __init__(self, path: Path):
        self.path = path
        with h5py.File(path, "r") as f:
            self.attrs = {k: _attr(v) for k, v in f.attrs.items()}
            reps = "replication" in f
            self.replications = int(f["replication"].shape[0]) if reps else 1
            self.districts = [str(s) for s in f["district"].asstr()[:]]
            self.district_names = [str(s) for s in f["district_name"].asstr()[:]]
            units = _attr(f["time"].attrs["units"])
            m = re.fullmatch(r"days since (\d{4})-(\d{2})-01", units)
            if not m:
                raise ValueError(f"unexpected time units {units!r}")
            self.start_year, self.start_month = int(m.group(1)), int(m.group(2))
            self.months = int(f["time"].shape[0])
            self.var = {}
            for name in ("population", "births", "deaths", "arrivals", "departures"):
                a = np.asarray(f[name][:], dtype=float)
                self.var[name] = a.mean(axis=0) if reps else a  # (time, district)
            self.bands = None
            self.by_age = None
            if "demography/population_by_age_sex" in f:
                labels = [str(s) for s in f["age_band"].asstr()[:]]
                self.bands = [_parse_band(s) for s in labels]
                a = np.asarray(f["demography/population_by_age_sex"][:], dtype=float)
                self.by_age = a.mean(axis=0) if reps else a  # (time, district, band, sex)
                self.sexes = [str(s) for s in f["sex"].asstr()[:]]

    # --- time

    def first_label(self) -> str:
        return f"{self.start_year}-{self.start_month:02d}"

    def last_label(self) -> str:
        y, m = self.calendar(self.months - 1)
        return f"{y}-{m:02d}"

    def calendar(self, t: int) -> tuple[int, int]:
        idx = self.start_year * 12 + self.start_month - 1 + t
        return idx // 12, idx % 12 + 1

    def index(self, year: int, month: int) -> int | None:
        t = year * 12 + month - 1 - (self.start_year * 12 + self.start_month - 1)
        return t if 0 <= t < self.months else None

    def start_stock_year(self) -> int | None:
        """The year Y whose 31.12. is the run's starting point (only for a January start)."""
        return self.start_year - 1 if self.start_month == 1 else None

    def period(self) -> str:
        return f"{self.first_label()} to {self.last_label()}"

    # --- areas

    def columns(self, ags: str) -> list[int]:
        if ags == STATE_AGS:
            return list(range(len(self.districts)))
        if ags in self.districts:
            return [self.districts.index(ags)]
        raise NotComputable(f"area {ags} is not a district of the run")

    # --- values

    def year_end(self, year: int) -> int:
        t = self.index(year, 12)
        if t is None:
            raise NotComputable(f"31.12.{year} is outside the run ({self.period()})")
        return t

    def stock(self, name: str, ags: str, year: int) -> float:
        cols = self.columns(ags)
        if year == self.start_stock_year():
            if name != "population":
                raise NotComputable("the start is not in the file")
            v = self.var
            return float(sum(v["population"][0, c] - v["births"][0, c] + v["deaths"][0, c]
                             - v["arrivals"][0, c] + v["departures"][0, c] for c in cols))
        return float(self.var[name][self.year_end(year), cols].sum())

    def flow(self, name: str, ags: str, year: int) -> float:
        cols = self.columns(ags)
        ts = [self.index(year, m) for m in range(1, 13)]
        if any(t is None for t in ts):
            raise NotComputable(f"the run ({self.period()}) does not cover all of {year}")
        return float(self.var[name][ts][:, cols].sum())

    def _age_table(self, ags: str, t: int) -> np.ndarray:
        if self.by_age is None:
            raise NotComputable("the file has no population by age")
        return self.by_age[t, self.columns(ags)].sum(axis=0)  # (band, sex)

    def count(self, ags: str, t: int, lo: int, hi: int | None, sex: str | None = None) -> float:
        """Persons aged lo to under hi (hi None: no upper limit) at the end of month t."""
        table = self._age_table(ags, t)
        lowers = [b[0] for b in self.bands]
        for edge in (lo, hi):
            if edge is not None and edge not in lowers:
                raise NotComputable(
                    f"needs an age band boundary at {edge} (bands {_bands_text(self.bands)}; "
                    "tools/validation/run.sh runs with single years)")
        cols = slice(None) if sex is None else self.sexes.index(sex)
        total = 0.0
        for k, (blo, _) in enumerate(self.bands):
            if blo >= lo and (hi is None or blo < hi):
                total += float(np.sum(table[k, cols]))
        return total

    def mean_age(self, ags: str, t: int) -> float:
        table = self._age_table(ags, t).sum(axis=1)
        mids = []
        for lo, hi in self.bands:
            if hi is None:
                if lo < 95:
                    raise NotComputable(f"the open age band starts at {lo} (needs >= 95)")
                mids.append(lo + 1.5)
            else:
                if hi - lo > 5:
                    raise NotComputable(
                        f"age bands up to {hi - lo} years wide ({_bands_text(self.bands)}; "
                        "tools/validation/run.sh runs with single years)")
                mids.append((lo + hi) / 2.0)
        return float(np.dot(table, mids) / table.sum())


def _attr(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.ndarray) and v.size == 1:
        return v.item()
    return v


def _parse_band(label: str) -> tuple[int, int | None]:
    if label.endswith("+"):
        return int(label[:-1]), None
    lo, hi = label.split("-")
    return int(lo), int(hi) + 1


def _bands_text(bands) -> str:
    if len(bands) > 8:
        return f"{len(bands)} bands"
    return ", ".join(f"{lo}+" if hi is None else f"{lo}-{hi - 1}" for lo, hi in bands)


# --------------------------------------------------------------------------------------------
# Indicators


@dataclass
class Indicator:
    kind: str  # "ratio" (change as %) or "difference" (change in the indicator's unit)
    unit: str
    value: callable  # (run, ags, year) -> float
    start: callable | None = None  # (run, ags) -> (value, label, years before the first Dec.)


def _stock_at_year(run: Run, ags: str, year: int, f) -> float:
    return f(run, ags, run.year_end(year))


def _band_indicator(f):
    """An indicator from the age table; its start value is the first month's (31.01.)."""

    def value(run, ags, year):
        return f(run, ags, run.year_end(year))

    def start(run, ags):
        y, m = run.calendar(0)
        return f(run, ags, 0), f"{calendar.monthrange(y, m)[1]:02d}.{m:02d}.{y}", 1

    return value, start


def _population_start(run: Run, ags: str):
    y = run.start_stock_year()
    if y is None:
        raise NotComputable("the run does not start in January")
    return run.stock("population", ags, y), f"31.12.{y}", 0


def _aged_20_66(run, ags, t):
    return run.count(ags, t, 20, 67)


def _women_15_49(run, ags, t):
    return run.count(ags, t, 15, 50, "female")


def _dependency(run, ags, t):
    working = run.count(ags, t, 20, 67)
    total = run.count(ags, t, 0, None)
    return (total - working) / working * 100.0


def _make_indicators() -> dict[str, Indicator]:
    out = {
        "population": Indicator("ratio", "persons",
                                lambda run, ags, y: run.stock("population", ags, y),
                                _population_start),
        "live_births": Indicator("ratio", "persons",
                                 lambda run, ags, y: run.flow("births", ags, y)),
        "deaths": Indicator("ratio", "persons", lambda run, ags, y: run.flow("deaths", ags, y)),
    }
    for name, f, kind, unit in (
        ("population_aged_20_66", _aged_20_66, "ratio", "persons"),
        ("women_aged_15_49", _women_15_49, "ratio", "persons"),
        ("mean_age", lambda run, ags, t: run.mean_age(ags, t), "difference", "years"),
        ("dependents_per_100_working_age", _dependency, "difference", "per 100"),
    ):
        value, start = _band_indicator(f)
        out[name] = Indicator(kind, unit, value, start)
    return out


INDICATORS = _make_indicators()

# Change indicators printed in the CSV: name pattern -> the level indicator it is a change of.
CHANGE_PATTERNS = (
    (re.compile(r"population_change_(\d{4})_(\d{4})"), "population"),
    (re.compile(r"population_change"), "population"),
    (re.compile(r"working_age_20_66_change"), "population_aged_20_66"),
)

NOT_OUTPUTS = {
    "TFR_assumption": "an input assumption of the 6th RBP, not an output (the model's fertility "
                      "is an input: tfr_reference, docs/model.md)",
    "life_expectancy_at_birth_male_assumption": "an input assumption of the 6th RBP, not an "
                                                "output (the model's mortality is an input: "
                                                "life_table_period)",
    "life_expectancy_at_birth_female_assumption": "an input assumption of the 6th RBP, not an "
                                                  "output (the model's mortality is an input: "
                                                  "life_table_period)",
    "labour_force_potential_change_without_immigration":
        "needs the labour-force potential (including the hidden reserve) of a scenario without "
        "immigration; the output has neither, and the base year is not stated",
    "working_age_population_change": "the age range of 'working age' and the base year are not "
                                     "stated in the source",
}


# --------------------------------------------------------------------------------------------
# Projections


@dataclass
class Row:
    line: int
    projection: str
    ags: str
    area: str
    indicator: str
    year: int
    value: float
    unit: str
    source: str
    used: list = field(default_factory=list)


def read_projections(path: Path) -> list[Row]:
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [(n, ln) for n, ln in enumerate(fh, start=1) if not ln.startswith("#")]
    reader = csv.DictReader([ln for _, ln in lines])
    for (n, _), rec in zip(lines[1:], reader):
        rows.append(Row(n, rec["projection"], rec["ags"], rec["area"], rec["indicator"],
                        int(rec["year"]), float(rec["value"]), rec["unit"], rec["source"]))
    return rows


def _basis_note(row: Row) -> str:
    if row.projection.startswith("RBP7"):
        return "RBP7 level on the old basis (2019 about 1.8 % above Zensus 2022)"
    return ""


def _qualifier(row: Row) -> str:
    u = row.unit
    if "upper bound" in u:
        return "≤ "
    if "approx" in u or "about" in u:
        return "≈ "
    return ""


# --------------------------------------------------------------------------------------------
# Formatting


def fmt_value(v: float, unit: str) -> str:
    if unit in ("years change", "per 100 change"):
        return f"{v:+.1f} {unit[:-7]}"
    if unit.startswith("persons"):
        return f"{v:,.0f}"
    if unit.startswith("percent"):
        return f"{v:+.1f} %"
    if unit == "%/yr":
        return f"{v:+.2f} %/yr"
    if unit.endswith("/yr"):
        return f"{v:+.3f} {unit}"
    return f"{v:.1f}"


def difference(model: float, official: float, unit: str) -> str:
    d = model - official
    if unit == "percent":
        return f"{d:+.1f} pp"
    if unit == "%/yr":
        return f"{d:+.2f} pp/yr"
    if unit.endswith("/yr"):
        return f"{d:+.3f} {unit}"
    return fmt_value(d, unit)


def rel_error(model: float, official: float) -> str:
    if official == 0:
        return "–"
    return f"{(model - official) / abs(official) * 100:+.1f} %"


def md_table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def area_label(row: Row) -> str:
    return f"{row.area} ({row.ags})"


# --------------------------------------------------------------------------------------------
# Comparison


def compare(run: Run, rows: list[Row]):
    levels, changes, skipped = [], [], []

    # 1. Levels and flows, as printed.
    for row in rows:
        ind = INDICATORS.get(row.indicator)
        if ind is None:
            continue
        try:
            model = ind.value(run, row.ags, row.year)
        except NotComputable as e:
            row.used.append(("skip", str(e)))
            continue
        row.used.append(("level", ""))
        note = [_basis_note(row)] if row.indicator == "population" and _basis_note(row) else []
        q = _qualifier(row)
        if q == "≤ ":
            note.append("official value is an upper bound: the model is "
                        + ("below it" if model <= row.value else "above it"))
        levels.append([row.projection, area_label(row), row.indicator, str(row.year),
                       q + fmt_value(row.value, ind.unit), fmt_value(model, ind.unit),
                       rel_error(model, row.value), "; ".join(note)])

    # 2. Changes relative to a base printed in the CSV (same projection, area and indicator).
    for target in rows:
        ind = INDICATORS.get(target.indicator)
        if ind is None or _qualifier(target) == "≤ ":
            continue
        for base in rows:
            if (base.projection, base.ags, base.indicator) != (
                    target.projection, target.ags, target.indicator) or base.year >= target.year:
                continue
            if _qualifier(base) == "≤ ":
                continue  # a change from a bound says nothing
            try:
                changes.append(_change_row(run, ind, base, target))
                base.used.append(("base", ""))
                target.used.append(("change", ""))
            except NotComputable as e:
                target.used.append(("skip", f"change since {base.year}: {e}"))

    # 3. Changes printed as such.
    for row in rows:
        for pattern, level in CHANGE_PATTERNS:
            m = pattern.fullmatch(row.indicator)
            if not m:
                continue
            try:
                changes.append(_printed_change_row(run, INDICATORS[level], row, m))
                row.used.append(("change", ""))
            except NotComputable as e:
                row.used.append(("skip", str(e)))
            break

    # 4. Everything not used.
    for row in rows:
        kinds = {k for k, _ in row.used}
        if kinds & {"level", "change", "base"}:
            continue
        reasons = [r for k, r in row.used if k == "skip"]
        reason = NOT_OUTPUTS.get(row.indicator) or (reasons[0] if reasons else (
            "no model output for this indicator"))
        value = f"{row.value:,.0f}" if abs(row.value) >= 1000 else f"{row.value:g}"
        skipped.append([row.projection, area_label(row), row.indicator, str(row.year),
                        f"{value} {row.unit}", reason])
    return levels, changes, skipped


def _change(ind: Indicator, a: float, b: float) -> float:
    return (b / a - 1.0) * 100.0 if ind.kind == "ratio" else b - a


def _per_year(ind: Indicator, a: float, b: float, years: float) -> float:
    if ind.kind == "ratio":
        return ((b / a) ** (1.0 / years) - 1.0) * 100.0
    return (b - a) / years


def _change_unit(ind: Indicator, annual: bool) -> str:
    if ind.kind == "ratio":
        return "%/yr" if annual else "percent"
    return f"{ind.unit}/yr" if annual else f"{ind.unit} change"


def _model_start_year(run: Run) -> float:
    """Years from the run's start (31.12.) to the 31.12. of its start year - 1, i.e. 0."""
    return (run.start_year - 1) + (run.start_month - 1) / 12.0


def _change_row(run: Run, ind: Indicator, base: Row, target: Row) -> list[str]:
    official_change = _change(ind, base.value, target.value)
    model_target = ind.value(run, target.ags, target.year)
    try:
        model_base = ind.value(run, base.ags, base.year)
        same_period = True
    except NotComputable:
        same_period = False
    if ind.kind == "difference":
        off_text = f"{base.value:g} → {target.value:g}"
    else:
        off_text = f"{base.value:,.0f} → {target.value:,.0f}"
    if same_period:
        model_change = _change(ind, model_base, model_target)
        unit = _change_unit(ind, False)
        return [base.projection, area_label(target), target.indicator,
                f"{base.year}–{target.year}", f"{fmt_value(official_change, unit)} ({off_text})",
                f"{base.year}–{target.year}", fmt_value(model_change, unit),
                difference(model_change, official_change, unit),
                rel_error(model_change, official_change), "same period"]
    # The base lies before the run: compare average yearly changes over different periods.
    if ind.start is None:
        raise NotComputable(f"{base.year} is outside the run ({run.period()})")
    start_value, start_label, months_in = ind.start(run, target.ags)
    years_model = target.year - _model_start_year(run) - months_in / 12.0
    off_py = _per_year(ind, base.value, target.value, target.year - base.year)
    mod_py = _per_year(ind, start_value, model_target, years_model)
    unit = _change_unit(ind, True)
    return [base.projection, area_label(target), target.indicator,
            f"{base.year}–{target.year}",
            f"{fmt_value(off_py, unit)} ({fmt_value(official_change, _change_unit(ind, False))} "
            f"in {target.year - base.year} years)",
            f"{start_label} – 31.12.{target.year}", fmt_value(mod_py, unit),
            difference(mod_py, off_py, unit), rel_error(mod_py, off_py),
            f"per year: the base {base.year} lies before the run's start"]


def _printed_change_row(run: Run, ind: Indicator, row: Row, m: re.Match) -> list[str]:
    unit = "percent"
    model_target = ind.value(run, row.ags, row.year)
    start_value, start_label, months_in = ind.start(run, row.ags)
    model_change = _change(ind, start_value, model_target)
    if m.groups():
        base_year, target_year = int(m.group(1)), int(m.group(2))
        if target_year != row.year:
            raise NotComputable(f"period {base_year}-{target_year} does not end in {row.year}")
        try:
            base_value = ind.value(run, row.ags, base_year)
            model_change = _change(ind, base_value, model_target)
            return [row.projection, area_label(row), row.indicator, f"{base_year}–{target_year}",
                    fmt_value(row.value, unit), f"{base_year}–{target_year}",
                    fmt_value(model_change, unit), difference(model_change, row.value, unit),
                    rel_error(model_change, row.value),
                    "same period"]
        except NotComputable:
            pass
        years_off = target_year - base_year
        years_model = target_year - _model_start_year(run) - months_in / 12.0
        off_py = ((1.0 + row.value / 100.0) ** (1.0 / years_off) - 1.0) * 100.0
        mod_py = _per_year(ind, start_value, model_target, years_model)
        return [row.projection, area_label(row), row.indicator, f"{base_year}–{target_year}",
                f"{fmt_value(off_py, '%/yr')} ({fmt_value(row.value, unit)} in {years_off} years)",
                f"{start_label} – 31.12.{target_year}", fmt_value(mod_py, "%/yr"),
                difference(mod_py, off_py, "%/yr"), rel_error(mod_py, off_py),
                f"per year: the base {base_year} lies before the run's start"]
    # No base year printed: show the model's change since its start, without an error.
    return [row.projection, area_label(row), row.indicator, f"? – {row.year}",
            _qualifier(row) + fmt_value(row.value, unit), f"{start_label} – 31.12.{row.year}",
            fmt_value(model_change, unit), "–", "–",
            "not comparable: the source does not state the base year"]


# --------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", type=Path, help="output file of `brocken run` (HDF5)")
    ap.add_argument("--projections", type=Path, default=DEFAULT_PROJECTIONS,
                    help="projections CSV (default: data/sachsen-anhalt/projections.csv)")
    args = ap.parse_args(argv)
    try:
        run = Run(args.run)
        rows = read_projections(args.projections)
    except (OSError, KeyError, ValueError) as e:
        print(f"compare_projections: {e}", file=sys.stderr)
        return 2
    levels, changes, skipped = compare(run, rows)

    a = run.attrs
    print(f"Model run: `{a.get('scenario_file', run.path.name)}`, {run.period()} (stocks at "
          f"31.12.), scale {a.get('population_scale', '?')}, seed {a.get('seed', '?')}, "
          f"{run.replications} replication{'s' if run.replications > 1 else ''}"
          f"{' (means)' if run.replications > 1 else ''}, commit `{a.get('git_commit', '?')}`.")
    print()
    print("**Levels and flows** (relative error = (model − official) / |official|):")
    print()
    print(md_table(["projection", "area", "indicator", "year", "official", "model", "rel. error",
                    "note"], levels))
    print()
    print("**Changes** (relative to the base the source gives; per year when the base lies "
          "before the run's start):")
    print()
    print(md_table(["projection", "area", "indicator", "official period", "official",
                    "model period", "model", "difference", "rel. error", "note"], changes))
    print()
    print("**Not computed:**")
    print()
    print(md_table(["projection", "area", "indicator", "year", "official", "reason"], skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
