#!/usr/bin/python3
"""The bad-input corpus: every case runs the real `brocken` command line on hostile input.

Each case must end with exit code exactly 2 (invalid input), print the expected message with
the file and line/column (or key) it is about, and never crash, hang or trip a sanitizer.

Cases come from three places (docs/fuzzing.md, "The bad-input corpus"):
  scenario/<name>.yaml   a stored scenario; its header comments `# expect: <text>` and
                         `# at: <text>` are the expected message and location (substrings of
                         stderr; `at` is matched against the same diagnostic line)
  data/<name>/<file>     a stored broken data file, copied over a fresh copy of
                         data/sachsen-anhalt (expectations in DATA_FILES below)
  this file              generated cases (huge, deep, binary, FIFOs, broken copies of the real
                         data made at run time), `--set` overrides and bad command lines

  hostile.py --list                                   case names, one a line (for CTest)
  hostile.py --brocken BIN --source DIR NAME...       run cases (exit 0 when all pass)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
TIMEOUT_S = 240  # far above any case (a few seconds even under the sanitizers)
SANITIZER_MARKS = (
    "AddressSanitizer",
    "LeakSanitizer",
    "ThreadSanitizer",
    "UndefinedBehaviorSanitizer",
    "runtime error:",
    "internal error",
    "terminate called",
    "Segmentation fault",
)


@dataclass
class Ctx:
    """What a case needs at run time."""

    brocken: str
    source: Path  # the source tree
    work: Path  # a scratch directory of this case

    @property
    def smoke(self) -> str:
        return str(self.source / "scenarios/smoke.yaml")

    def data_copy(self) -> Path:
        """A fresh copy of the real region data, to break one file of."""
        dst = self.work / "data"
        shutil.copytree(self.source / "data/sachsen-anhalt", dst)
        return dst


@dataclass
class Case:
    name: str
    # Builds the inputs in ctx.work and returns the arguments after `brocken`.
    make: Callable[[Ctx], list[str]]
    expect: str  # substring of stderr
    at: str = ""  # substring of the same stderr line (the location); "" = not checked
    at_regex: bool = False
    loader_error: bool = True  # ends with "N problems found; nothing was run."
    stdin: bytes | None = None


CASES: list[Case] = []


def case(name: str, expect: str, at: str = "", **kw):
    def wrap(make: Callable[[Ctx], list[str]]):
        CASES.append(Case(name, make, expect, at, **kw))
        return make

    return wrap


# ---------------------------------------------------------------------------------------------
# Stored scenarios: tests/hostile/scenario/*.yaml


def header_value(text: str, key: str) -> str:
    m = re.search(rf"^# {key}: (.*)$", text, re.M)
    return m.group(1).strip() if m else ""


def stored_scenario(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    expect = header_value(text, "expect")
    if not expect:
        raise SystemExit(f"{path}: missing '# expect:' header")
    return Case(
        "scenario_" + path.stem,
        lambda ctx, p=path: ["validate", str(p)],
        expect,
        header_value(text, "at"),
    )


for _p in sorted((HERE / "scenario").glob("*.yaml")):
    CASES.append(stored_scenario(_p))


# ---------------------------------------------------------------------------------------------
# Generated scenarios


def write_scenario(ctx: Ctx, name: str, body: bytes, extends: bool = True) -> str:
    path = ctx.work / name
    head = f"extends: {ctx.smoke}\n".encode() if extends else b""
    path.write_bytes(head + body)
    return str(path)


@case("gen_deep_flow_nesting_10000", "nesting is deeper than 256 levels", "deep.yaml:2:")
def _(ctx):
    return ["validate", write_scenario(ctx, "deep.yaml", b"x: " + b"[" * 10000 + b"]" * 10000 + b"\n")]


@case("gen_deep_flow_unclosed_100000", "nesting is deeper than 256 levels", "deep.yaml:")
def _(ctx):
    return ["validate", write_scenario(ctx, "deep.yaml", b"x: " + b"{a: [" * 50000 + b"\n")]


@case("gen_deep_block_nesting_300", "nesting is deeper than 256 levels", "deep.yaml:")
def _(ctx):
    lines = [b"  " * i + b"k:" for i in range(300)]
    return ["validate", write_scenario(ctx, "deep.yaml", b"\n".join(lines) + b" 1\n")]


@case("gen_long_key_1mib", "unknown key 'kkkkkkkk", "long.yaml:2:3: kkkk")
def _(ctx):
    # An explicit key (`? key`): yaml-cpp limits implicit keys to 1024 characters.
    return ["validate", write_scenario(ctx, "long.yaml", b"? " + b"k" * (1 << 20) + b"\n: 1\n")]


@case("gen_many_long_keys", "unknown key", "long.yaml:400:3: 199kkk")
def _(ctx):
    body = b"".join(b"? %d%s\n: 1\n" % (i, b"k" * 60000) for i in range(200))
    return ["validate", write_scenario(ctx, "long.yaml", body)]


@case("gen_long_integer_10mib", "out of range for a 64-bit integer", "long.yaml:2:1: seed")
def _(ctx):
    return ["validate", write_scenario(ctx, "long.yaml", b"seed: " + b"9" * (10 << 20) + b"\n")]


@case("gen_long_number_10mib", "cannot be represented as a double", "long.yaml:3:3: population.scale")
def _(ctx):
    return [
        "validate",
        write_scenario(ctx, "long.yaml", b"population:\n  scale: 1" + b"0" * (10 << 20) + b".5\n"),
    ]


@case("gen_many_nodes_600k", "document is too large", "many.yaml:")
def _(ctx):
    return ["validate", write_scenario(ctx, "many.yaml", b"x: [" + b"0," * 600000 + b"0]\n")]


@case("gen_file_over_16mib", "larger than the 16 MiB limit", "big.yaml")
def _(ctx):
    path = ctx.work / "big.yaml"
    with open(path, "wb") as f:
        f.write(f"extends: {ctx.smoke}\n# ".encode())
        f.truncate((16 << 20) + 1)  # sparse: costs no disk
    return ["validate", str(path)]


@case("gen_invalid_utf8", "invalid UTF-8 byte 0xe9", "latin1.yaml:3:20")
def _(ctx):
    return ["validate", write_scenario(ctx, "latin1.yaml", b"months: 12\nmodels: {name: Stra\xe9e}\n")]


@case("gen_utf16", "file is UTF-16 text", "utf16.yaml:1:1")
def _(ctx):
    text = f"extends: {ctx.smoke}\n".encode("utf-16")
    return ["validate", write_scenario(ctx, "utf16.yaml", text, extends=False)]


@case("gen_nul_byte", "control character U+0000", "nul.yaml:2:7")
def _(ctx):
    return ["validate", write_scenario(ctx, "nul.yaml", b"seed: \x0012\n")]


@case("gen_escape_character", "control character U+001B", "esc.yaml:2:")
def _(ctx):
    return ["validate", write_scenario(ctx, "esc.yaml", b"seed: 1\x1b[2J\n")]


@case("gen_binary_junk", "", "junk.yaml:")
def _(ctx):
    import random

    rnd = random.Random(5)
    return ["validate", write_scenario(ctx, "junk.yaml", bytes(rnd.randrange(256) for _ in range(4096)), False)]


@case("gen_empty_file", "file is empty", "empty.yaml:1:1")
def _(ctx):
    return ["validate", write_scenario(ctx, "empty.yaml", b"", extends=False)]


@case("gen_only_comments", "file is empty", "comments.yaml:1:1")
def _(ctx):
    return ["validate", write_scenario(ctx, "comments.yaml", b"# nothing\n\n# here\n", extends=False)]


@case("gen_truncated_scenario", "missing required key", "cut.yaml:")
def _(ctx):
    text = (ctx.source / "scenarios/migration/default.yaml").read_bytes()
    cut = text[: len(text) // 2]
    path = ctx.work / "cut.yaml"
    # Keep the relative data path of default.yaml working from the scratch directory.
    path.write_bytes(cut.replace(b"../../data/sachsen-anhalt", str(ctx.source / "data/sachsen-anhalt").encode()))
    return ["validate", str(path)]


@case("gen_scenario_is_fifo", "file is empty", "fifo.yaml")
def _(ctx):
    path = ctx.work / "fifo.yaml"
    os.mkfifo(path)  # nobody ever writes to it: reading must not wait for a writer
    return ["validate", str(path)]


@case("gen_extends_fifo", "file is empty", "fifo.yaml:1:1")
def _(ctx):
    os.mkfifo(ctx.work / "fifo.yaml")
    return ["validate", write_scenario(ctx, "base.yaml", b"extends: fifo.yaml\n", extends=False)]


@case("gen_extends_chain_65", "extends chain is longer than 64 files", ": extends")
def _(ctx):
    for i in range(70):
        (ctx.work / f"s{i}.yaml").write_text(f"extends: s{i + 1}.yaml\n")
    (ctx.work / "s70.yaml").write_text(f"extends: {ctx.smoke}\n")
    return ["validate", str(ctx.work / "s0.yaml")]


@case("gen_extends_cycle_of_two", "extends cycle", "b.yaml:1:1: extends")
def _(ctx):
    (ctx.work / "a.yaml").write_text("extends: b.yaml\n")
    (ctx.work / "b.yaml").write_text("extends: a.yaml\n")
    return ["validate", str(ctx.work / "a.yaml")]


# ---------------------------------------------------------------------------------------------
# --set overrides on the command line


def sets(*values: str):
    return lambda ctx: ["validate", ctx.smoke] + [a for v in values for a in ("--set", v)]


case("set_nan", 'expected a finite number, got ".nan"', "<command line>:1:1: population.scale")(
    sets("population.scale=.nan"))
case("set_inf", 'expected a finite number, got "-inf"', "<command line>:1:2: models.labour.matching_elasticity")(
    sets("seed=3", "models.labour.matching_elasticity=-inf"))
case("set_huge_number", "cannot be represented as a double", "<command line>:1:1: population.scale")(
    sets("population.scale=1e999"))
case("set_int_overflow", "out of range for a 64-bit integer", "<command line>:1:1: replications")(
    sets("replications=18446744073709551617"))
case("set_out_of_range", "value 0 is out of range [1, 1200]", "<command line>:1:1: months")(sets("months=0"))
case("set_wrong_type", "expected a list of numbers, got a mapping", "<command line>:1:1: output.age_bands")(
    sets("output.age_bands={a: 1}"))
case("set_no_equals", "must have the form key.path=value", "<command line>:1:1")(sets("months"))
case("set_empty_key", "has an empty key", "<command line>:1:1")(sets("=5"))
case("set_empty_path_part", "empty key (check the dots)", "<command line>:1:1: models..x")(sets("models..x=1"))
case("set_through_scalar", "cannot set a key inside 'months'", "<command line>:1:1: months.x")(sets("months.x=1"))
case("set_extends", "'extends' cannot be overridden", "<command line>:1:1: extends")(sets("extends=x.yaml"))
case("set_bad_yaml", "invalid YAML", "<command line>:1:1: seed")(sets("seed=[1,"))
case("set_deep_value", "nesting is deeper than 256 levels", "<command line>:1:1")(
    sets("x=" + "[" * 10000 + "]" * 10000))
case("set_deep_path", "nesting is deeper than 256 levels", "<command line>:1:1")(sets(".".join(["a"] * 300) + "=1"))
case("set_long_key", "unknown key", "<command line>:1:1: kkkk")(sets("k" * 100000 + "=1"))
case("set_alias_bomb", "document is too large", "<command line>:1:1")(
    sets("x=[" + ",".join(f"&a{i} [" + ",".join([f"*a{i - 1}" if i else "1"] * 9) + "]" for i in range(9)) + "]"))
case("set_control_character", "control character U+001B", "<command line>:1:1")(sets("seed=1\x1b"))
case("set_two_documents", "expected one YAML document", "<command line>:1:1: seed")(sets("seed=1\n---\n2"))
case("set_data_missing", "data directory does not exist", "/no/such/dir: data")(sets("data=/no/such/dir"))
case("set_unknown_key", "unknown key 'sead', did you mean 'seed'?", "<command line>:1:2: sead")(
    sets("seed=1", "sead=3"))


@case("set_invalid_utf8", "override is not valid text: invalid UTF-8", "<command line>:1:1")
def _(ctx):
    return ["validate", ctx.smoke, "--set", os.fsdecode(b"seed=\xff\xfe")]


# ---------------------------------------------------------------------------------------------
# Bad command lines (CLI11 reports these; no diagnostics summary)


def cli(*args: str, **kw):
    return lambda ctx: [a.replace("{smoke}", ctx.smoke).replace("{work}", str(ctx.work)) for a in args]


def cli_case(name, expect, *args):
    case(name, expect, "", loader_error=False)(cli(*args))


cli_case("cli_no_subcommand", "A subcommand is required")
cli_case("cli_unknown_subcommand", "A subcommand is required", "frobnicate")
cli_case("cli_unknown_option", "--frobnicate", "validate", "{smoke}", "--frobnicate")
cli_case("cli_missing_scenario", "scenario is required", "validate")
cli_case("cli_scenario_does_not_exist", "/no/such/scenario.yaml", "validate", "/no/such/scenario.yaml")
cli_case("cli_scenario_is_directory", "File is actually a directory", "validate", "{work}")
cli_case("cli_run_without_output", "--output is required", "run", "{smoke}")
cli_case("cli_threads_zero", "--threads", "run", "{smoke}", "-o", "{work}/o.h5", "--threads", "0")
cli_case("cli_threads_text", "--threads", "run", "{smoke}", "-o", "{work}/o.h5", "--threads", "many")
cli_case("cli_threads_overflow", "--threads", "run", "{smoke}", "-o", "{work}/o.h5", "--threads",
         "99999999999999999999999")
cli_case("cli_threads_negative", "--threads", "run", "{smoke}", "-o", "{work}/o.h5", "--threads", "-4")
cli_case("cli_output_directory_missing", "/no/such/dir", "run", "{smoke}", "-o", "/no/such/dir/o.h5")
cli_case("cli_set_without_value", "--set", "validate", "{smoke}", "--set")


@case("cli_output_exists", "exists", "", loader_error=False)
def _(ctx):
    (ctx.work / "o.h5").write_bytes(b"keep me")
    return ["run", ctx.smoke, "-o", str(ctx.work / "o.h5")]


# ---------------------------------------------------------------------------------------------
# Data files: broken copies of data/sachsen-anhalt made at run time


def split_fields(line: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the fields of one CSV line (RFC 4180 quotes)."""
    spans, i, start, quoted = [], 0, 0, False
    while i <= len(line):
        c = line[i] if i < len(line) else ","
        if quoted:
            if c == '"' and i + 1 < len(line) and line[i + 1] == '"':
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c == ",":
            spans.append((start, i))
            start = i + 1
        i += 1
    return spans


def set_cell(data: Path, file: str, row: int, column: str, value: str) -> str:
    """Replaces one field (data row `row`, 0-based) and returns its `file:line:col: column`."""
    path = data / file
    lines = path.read_text(encoding="utf-8").split("\n")
    header = None
    rows_seen = -1
    for n, line in enumerate(lines):
        if not line.strip() or (header is None and line.startswith("#")):
            continue
        if header is None:
            header = [line[a:b] for a, b in split_fields(line)]
            continue
        rows_seen += 1
        if rows_seen == row:
            a, b = split_fields(line)[header.index(column)]
            lines[n] = line[:a] + value + line[b:]
            path.write_text("\n".join(lines), encoding="utf-8")
            return f"{file}:{n + 1}:{a + 1}: {column}"
    raise SystemExit(f"{file} has no data row {row}")


def data_case(name: str, expect: str, command: str = "validate"):
    """A case that breaks the copied data; `mutate(data)` returns the expected location."""

    def wrap(mutate: Callable[[Path], str]):
        def make(ctx: Ctx):
            data = ctx.data_copy()
            CURRENT_AT[0] = mutate(data)
            args = [command, ctx.smoke, "--set", f"data={data}"]
            if command == "run":
                args += ["-o", str(ctx.work / "out.h5"), "-q"]
            return args

        CASES.append(Case(name, make, expect, "<from mutation>"))
        return mutate

    return wrap


CURRENT_AT = [""]


def cell_case(name, file, row, column, value, expect, command="validate"):
    data_case(name, expect, command)(lambda d: set_cell(d, file, row, column, value))


cell_case("csv_nan", "districts.csv", 3, "population_2022_12_31", "nan", 'expected a number in [1, 1e+09], got "nan"')
cell_case("csv_inf", "labour_districts.csv", 0, "vacancies", "inf", 'expected a number in [0, 1e+09], got "inf"')
cell_case("csv_negative_infinity", "life_expectancy.csv", 0, "e0_state", "-Infinity", 'got "-Infinity"')
cell_case("csv_1e999", "population_age_sex.csv", 40, "female", "1e999", 'got "1e999"', command="run")
cell_case("csv_out_of_range", "mortality_germany.csv", 5, "qx_male", "1.5", 'expected a number in [0, 1], got "1.5"')
cell_case("csv_negative", "district_structure.csv", 2, "share_foreigners_pct", "-0.5", 'expected a number in [0, 100]')
cell_case("csv_text_for_number", "fertility_germany.csv", 1, "births_per_1000_women_2023", "n/a", 'got "n/a"')
cell_case("csv_empty_number", "labour_districts.csv", 4, "employees_svb", "", 'got ""')
cell_case("csv_hex_number", "district_age_groups_2019.csv", 0, "age_3_5", "0x10", 'got "0x10"')
cell_case("csv_spaces_around_number", "districts.csv", 0, "population_2022_12_31", " 76042", 'got " 76042"')
cell_case("csv_figure_nan", "state_figures.csv", 0, "value", "NaN", 'expected a number, got "NaN"', command="run")
cell_case("csv_int_overflow", "mortality_germany.csv", 0, "age", "99999999999999999999", "expected an integer in [0, 150]")
cell_case("csv_age_not_consecutive", "population_age_sex.csv", 10, "age", "11", "expected consecutive ages from 0, got 11")
cell_case("csv_fraction_age", "fertility_germany.csv", 0, "age", "15.5", 'got "15.5"')
cell_case("csv_unknown_district", "labour_districts.csv", 2, "ags", "99999", "district '99999' is not in districts.csv")
cell_case("csv_duplicate_district", "districts.csv", 1, "ags", "15001", "duplicate district key 15001")
cell_case("csv_bad_sex", "life_expectancy.csv", 0, "sex", "Male", 'expected male or female, got "Male"')
cell_case("csv_age_shares_sum", "district_structure.csv", 0, "share_under_18_pct", "50", "the three age shares sum to")


def replace_in(data: Path, file: str, old: str, new: str, count: int = 1) -> None:
    path = data / file
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"{file}: '{old}' not found")
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@data_case("csv_missing_column", "missing column 'vacancies'")
def _(d):
    replace_in(d, "labour_districts.csv", "ags,employees_svb,unemployed,vacancies,", "ags,employees_svb,unemployed,vacancy,")
    return "labour_districts.csv:"


@data_case("csv_duplicate_column", "duplicate column name 'male'")
def _(d):
    replace_in(d, "population_age_sex.csv", "age,male,female", "age,male,male")
    return "population_age_sex.csv:5:10"


@data_case("csv_extra_field", "expected 3 fields, got 4")
def _(d):
    replace_in(d, "mortality_germany.csv", "\n0,0.00338118,0.00299336", "\n0,0.00338118,0.00299336,7")
    return "mortality_germany.csv:"


@data_case("csv_unterminated_quote", "unterminated quoted field")
def _(d):
    replace_in(d, "districts.csv", "15001,Dessau-Roßlau,", '15001,"Dessau-Roßlau,')
    return "districts.csv:"


@data_case("csv_quote_in_unquoted_field", "quote inside an unquoted field")
def _(d):
    replace_in(d, "districts.csv", "15001,Dessau-Roßlau,", '15001,Dessau"Roßlau,')
    return "districts.csv:"


@data_case("csv_text_after_quote", "unexpected text after a closing quote")
def _(d):
    replace_in(d, "districts.csv", "15001,Dessau-Roßlau,", '15001,"Dessau"-Roßlau,')
    return "districts.csv:"


@data_case("csv_truncated", "")
def _(d):
    path = d / "mortality_germany.csv"
    text = path.read_bytes()
    path.write_bytes(text[: len(text) * 2 // 3].rstrip(b"0123456789\n") )  # cut inside a row
    return "mortality_germany.csv:"


@data_case("csv_invalid_utf8", "invalid UTF-8")
def _(d):
    path = d / "districts.csv"
    path.write_bytes(path.read_bytes().replace("Roßlau".encode(), b"Ro\xdflau", 1))
    return "districts.csv:"


@data_case("csv_nul_byte", "NUL byte in the file")
def _(d):
    path = d / "labour_districts.csv"
    path.write_bytes(path.read_bytes().replace(b"33140", b"33\x00140", 1))
    return "labour_districts.csv:"


@data_case("csv_utf16", "NUL byte in the file")
def _(d):
    path = d / "fertility_germany.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return "fertility_germany.csv:1:"


@data_case("csv_empty_file", "no header line")
def _(d):
    (d / "life_expectancy.csv").write_bytes(b"")
    return "life_expectancy.csv:1:1"


@data_case("csv_header_only_districts", "expected 1 to 255 districts, got 0")
def _(d):
    (d / "districts.csv").write_text("ags,name,kind,population_2022_12_31,population_2023_12_31\n")
    return "districts.csv"


@data_case("csv_header_only_mortality", "no rows")
def _(d):
    (d / "mortality_germany.csv").write_text("age,qx_male,qx_female\n")
    return "mortality_germany.csv:1:1"


@data_case("csv_missing_file", "cannot read the file: it does not exist")
def _(d):
    (d / "state_figures.csv").unlink()
    return "state_figures.csv"


@data_case("csv_file_is_directory", "cannot read the file: it is a directory")
def _(d):
    (d / "labour_districts.csv").unlink()
    (d / "labour_districts.csv").mkdir()
    return "labour_districts.csv"


@data_case("csv_file_is_fifo", "no header line")
def _(d):
    (d / "fertility_germany.csv").unlink()
    os.mkfifo(d / "fertility_germany.csv")  # no writer: reading must not wait for one
    return "fertility_germany.csv:1:1"


@data_case("csv_file_over_limit", "the file is larger than")
def _(d):
    with open(d / "mortality_germany.csv", "r+b") as f:
        f.truncate(300 << 20)  # sparse
    return "mortality_germany.csv"


@data_case("csv_huge_field", "expected a number in [1, 1e+09]")
def _(d):
    return set_cell(d, "districts.csv", 0, "population_2022_12_31", "9" * (20 << 20))


@data_case("csv_many_rows", "too many rows")
def _(d):
    with open(d / "labour_districts.csv", "a", encoding="utf-8") as f:
        f.write("1,2,3,4,5\n" * 2_000_000)
    return "labour_districts.csv:"


@data_case("csv_many_columns", "more than 10000 fields in one record")
def _(d):
    with open(d / "state_figures.csv", "a", encoding="utf-8") as f:
        f.write("," * 5_000_000 + "\n")
    return "state_figures.csv:"


@data_case("csv_many_errors", "too many errors; stopping here")
def _(d):
    with open(d / "mortality_germany.csv", "a", encoding="utf-8") as f:
        f.write("1,2\n" * 1000)
    return "mortality_germany.csv:"


@data_case("csv_many_bad_values", "and 1000 more problems not shown (the first 1000 are listed)")
def _(d):
    with open(d / "state_figures.csv", "a", encoding="utf-8") as f:
        for i in range(2000):
            f.write(f"tfr,x{i},n/a,u,s\n")
    CURRENT_AT[0] = ""
    return ""


@data_case("csv_age_group_overflow", "expected an age group column age_A_B or age_Aplus with ages 0 to 150")
def _(d):
    # Once parsed with sscanf("%d"): the next group's first age, last + 1, overflowed an int.
    replace_in(d, "district_age_groups_2019.csv", ",age_65_74,", ",age_65_2147483647,")
    return "district_age_groups_2019.csv:6:1: age_65_2147483647"


@data_case("csv_age_group_huge", "expected an age group column")
def _(d):
    replace_in(d, "district_age_groups_2019.csv", ",age_0_2,", ",age_0_99999999999999999999,")
    return "district_age_groups_2019.csv:6:1: age_0_99999999999999999999"


@data_case("csv_too_many_districts", "expected 1 to 255 districts, got 300")
def _(d):
    with open(d / "districts.csv", "a", encoding="utf-8") as f:
        for i in range(286):
            f.write(f"9{i:04d},X,landkreis,1000,1000\n")
    return "districts.csv:"


@data_case("csv_figure_missing", "missing figure 'persons_in_employment'")
def _(d):
    path = d / "state_figures.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(l for l in lines if not l.startswith("persons_in_employment,")), encoding="utf-8")
    return "state_figures.csv: indicator"


@data_case("csv_figure_negative", "expected a number in [0, 1e+09], got \"-1e300\"")
def _(d):
    return set_cell(d, "state_figures.csv", row_of(d, "state_figures.csv", "vacant_dwellings"), "value", "-1e300")


@data_case("csv_figure_huge_tfr", "expected a number in [0.1, 10], got \"1e300\"")
def _(d):
    return set_cell(d, "state_figures.csv", row_of(d, "state_figures.csv", "tfr,2023"), "value", "1e300")


@data_case("csv_figure_zero_employment", "expected a number in [1, 1e+09], got \"0\"")
def _(d):
    return set_cell(d, "state_figures.csv", row_of(d, "state_figures.csv", "persons_in_employment"), "value", "0")


@data_case("csv_population_all_zero", "age 0 has no persons")
def _(d):
    path = d / "population_age_sex.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^(\d+),\d+,\d+$", r"\1,0,0", text, flags=re.M), encoding="utf-8")
    return "population_age_sex.csv: age"


@data_case("csv_mortality_all_one", "life expectancy target outside what scaling the table can reach")
def _(d):
    path = d / "mortality_germany.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^(\d+),[0-9.]+,[0-9.]+$", r"\1,1,1", text, flags=re.M), encoding="utf-8")
    return "/data: data"


@data_case("csv_one_age_only", "life expectancy target outside what scaling the table can reach")
def _(d):
    (d / "mortality_germany.csv").write_text("age,qx_male,qx_female\n0,0.5,0.5\n")
    return "/data: data"


@data_case("csv_zero_vacancies", "no district has a positive unemployment rate")
def _(d):
    path = d / "labour_districts.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^(\d+),([0-9.]+),([0-9.]+),([0-9.]+),", r"\1,0,0,0,", text, flags=re.M), encoding="utf-8")
    return "/data: data"


@data_case("csv_age_shapes_zero", "every table cell adding to it is zero")
def _(d):
    path = d / "district_age_groups_2019.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    out = []
    for l in lines:
        if l.startswith("15001,"):
            spans = split_fields(l)
            l = l[: spans[2][0]] + ",".join(["0"] * (len(spans) - 2))
        out.append(l)
    path.write_text("\n".join(out), encoding="utf-8")
    return "/data: data"


def row_of(data: Path, file: str, prefix: str) -> int:
    rows = [l for l in (data / file).read_text(encoding="utf-8").split("\n") if l.strip() and not l.startswith("#")][1:]
    for i, l in enumerate(rows):
        if l.startswith(prefix):
            return i
    raise SystemExit(f"{file}: no row starting with {prefix}")


# ---------------------------------------------------------------------------------------------
# Stored broken data files: tests/hostile/data/<case>/<file> replaces <file> of the copy

for _dir in sorted(p for p in (HERE / "data").glob("*") if p.is_dir()):
    _meta = (_dir / "expect.txt").read_text(encoding="utf-8")

    def _mutate(d, src=_dir, meta=_meta):
        for f in src.iterdir():
            if f.name != "expect.txt":
                shutil.copyfile(f, d / f.name)
        return header_value(meta, "at")

    data_case("data_" + _dir.name, header_value(_meta, "expect"))(_mutate)


# ---------------------------------------------------------------------------------------------


def run_case(c: Case, ctx: Ctx) -> list[str]:
    CURRENT_AT[0] = ""
    args = c.make(ctx)
    at = CURRENT_AT[0] if c.at == "<from mutation>" else c.at
    cmd = [ctx.brocken] + args
    try:
        p = subprocess.run(cmd, cwd=ctx.source, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return [f"timed out after {TIMEOUT_S} s (a hang)"]
    err = p.stderr.decode("utf-8", "replace")
    out = p.stdout.decode("utf-8", "replace")
    problems = []
    if p.returncode < 0:
        problems.append(f"killed by signal {signal.Signals(-p.returncode).name}")
    elif p.returncode != 2:
        problems.append(f"exit code {p.returncode}, expected 2")
    for mark in SANITIZER_MARKS:
        if mark in err:
            problems.append(f"stderr contains '{mark}'")
    lines = err.splitlines()
    if c.expect and c.expect not in err:
        problems.append(f"stderr lacks the message '{c.expect}'")
    if at:
        hit = [l for l in lines if at in l and (c.expect in l or not c.expect)]
        if not hit:
            problems.append(f"no stderr line has the location '{at}'" + (f" with '{c.expect}'" if c.expect else ""))
    if c.loader_error:
        if not lines or not re.fullmatch(r"\d+ problems? found; nothing was run\.", lines[-1]):
            problems.append("stderr does not end with 'N problems found; nothing was run.'")
        # Every diagnostic names a file (or <command line>) or a key before its message.
        for l in lines[:-1]:
            if re.fullmatch(r"and \d+ more problems not shown \(the first \d+ are listed\)", l):
                continue
            if not re.match(r"^[^:\s][^:]*(:\d+(:\d+)?)?: ", l):
                problems.append(f"diagnostic without a file or key: {l[:200]}")
                break
    if len(err) > 4 << 20:
        problems.append(f"stderr is {len(err)} bytes (a flood)")
    if "valid (" in out:
        problems.append("stdout says the scenario is valid")
    if any(ctx.work.glob("*.h5")) and "cli_output_exists" not in c.name:
        problems.append("an output file was written")
    if problems:
        problems.append("command: " + " ".join(a if len(a) < 200 else a[:200] + "..." for a in cmd))
        tail = err if len(err) < 3000 else err[:1500] + "\n...\n" + err[-1500:]
        problems.append("stderr:\n" + tail)
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--brocken")
    ap.add_argument("--source", default=str(HERE.parent.parent))
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    names = [c.name for c in CASES]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate case names")
    if a.list:
        print("\n".join(names))
        return 0
    if not a.brocken:
        ap.error("--brocken is required")
    wanted = a.names or names
    by_name = {c.name: c for c in CASES}
    failed = 0
    for name in wanted:
        if name not in by_name:
            print(f"{name}: no such case", file=sys.stderr)
            failed += 1
            continue
        with tempfile.TemporaryDirectory(prefix=f"brocken-hostile-{name}-") as tmp:
            problems = run_case(by_name[name], Ctx(os.path.abspath(a.brocken), Path(a.source).resolve(), Path(tmp)))
        if problems:
            failed += 1
            print(f"FAIL {name}\n  " + "\n  ".join(problems), file=sys.stderr)
        else:
            print(f"ok   {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
