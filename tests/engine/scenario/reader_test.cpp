// Tests for engine/scenario/reader.hpp: typed reads with exact messages and positions, missing
// and unknown keys with "did you mean", sections, and did_you_mean itself.
#include "engine/scenario/reader.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "engine/scenario/load.hpp"
#include "tests/engine/scenario/test_util.hpp"

namespace brocken::scenario {
namespace {

using testing::lines_of;
using Lines = std::vector<std::string>;

/// A parsed document plus the diagnostics its reads produce.
struct Doc {
  explicit Doc(std::string_view text) {
    Diagnostics parse_diags;
    root = parse_yaml(text, "t.yaml", parse_diags);
    EXPECT_TRUE(parse_diags.empty());
  }
  Reader reader() { return Reader(root, diags); }
  Lines lines() const { return lines_of(diags); }

  Node root;
  Diagnostics diags;
};

// ---------------------------------------------------------------------------------------------
// double

TEST(ReadDouble, AcceptsDecimalForms) {
  Doc d("a: 0.5\nb: -2\nc: 1e-3\nd: +3\ne: .5\nf: 5.\ng: 1E+2\nh: !!float 0.25\ni: -0\n");
  Reader r = d.reader();
  double a = 0, b = 0, c = 0, dd = 0, e = 0, f = 0, g = 0, h = 0, i = 1;
  r.read("a", a);
  r.read("b", b);
  r.read("c", c);
  r.read("d", dd);
  r.read("e", e);
  r.read("f", f);
  r.read("g", g);
  r.read("h", h);
  r.read("i", i);
  r.finish();
  EXPECT_TRUE(d.diags.empty()) << d.lines().front();
  EXPECT_EQ(a, 0.5);
  EXPECT_EQ(b, -2.0);
  EXPECT_EQ(c, 1e-3);
  EXPECT_EQ(dd, 3.0);
  EXPECT_EQ(e, 0.5);
  EXPECT_EQ(f, 5.0);
  EXPECT_EQ(g, 100.0);
  EXPECT_EQ(h, 0.25);
  EXPECT_EQ(i, 0.0);
}

TEST(ReadDouble, WrongTypeLeavesValueUnchanged) {
  Doc d("a: abc\nb: [1]\nc: {x: 1}\nd:\ne: 0x10\nf: 1_000\ng: 1.5.2\nh: ' 1'\ni: ''\n");
  Reader r = d.reader();
  double v = 7;
  for (const char* k : {"a", "b", "c", "d", "e", "f", "g", "h", "i"}) r.read(k, v);
  EXPECT_EQ(v, 7);
  EXPECT_EQ(d.lines(), (Lines{
                           "t.yaml:1:1: a: expected a number, got \"abc\"",
                           "t.yaml:2:1: b: expected a number, got a list",
                           "t.yaml:3:1: c: expected a number, got a mapping",
                           "t.yaml:4:1: d: expected a number, got null",
                           "t.yaml:5:1: e: expected a number, got \"0x10\"",
                           "t.yaml:6:1: f: expected a number, got \"1_000\"",
                           "t.yaml:7:1: g: expected a number, got \"1.5.2\"",
                           "t.yaml:8:1: h: expected a number, got the quoted string \" 1\"",
                           "t.yaml:9:1: i: expected a number, got the quoted string \"\"",
                       }));
}

TEST(ReadDouble, NonFiniteIsRefused) {
  Doc d("a: .nan\nb: .NaN\nc: nan\nd: .inf\ne: -.inf\nf: +.Inf\ng: inf\nh: -Infinity\ni: NAN\n");
  Reader r = d.reader();
  double v = 7;
  for (const char* k : {"a", "b", "c", "d", "e", "f", "g", "h", "i"}) r.read(k, v);
  EXPECT_EQ(v, 7);
  EXPECT_EQ(d.lines(), (Lines{
                           "t.yaml:1:1: a: expected a finite number, got \".nan\"",
                           "t.yaml:2:1: b: expected a finite number, got \".NaN\"",
                           "t.yaml:3:1: c: expected a finite number, got \"nan\"",
                           "t.yaml:4:1: d: expected a finite number, got \".inf\"",
                           "t.yaml:5:1: e: expected a finite number, got \"-.inf\"",
                           "t.yaml:6:1: f: expected a finite number, got \"+.Inf\"",
                           "t.yaml:7:1: g: expected a finite number, got \"inf\"",
                           "t.yaml:8:1: h: expected a finite number, got \"-Infinity\"",
                           "t.yaml:9:1: i: expected a finite number, got \"NAN\"",
                       }));
}

TEST(ReadDouble, OverflowIsRefused) {
  Doc d("a: 1e999\nb: -1e999\n");
  Reader r = d.reader();
  double v = 7;
  r.read("a", v);
  r.read("b", v);
  EXPECT_EQ(v, 7);
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:1:1: a: value 1e999 cannot be represented as a double",
                              "t.yaml:2:1: b: value -1e999 cannot be represented as a double"}));
}

TEST(ReadDouble, Bounds) {
  Doc d("p: 1.7\nq: -0.1\nr: 1\ns: 0\nt: -5\nu: 1e300\n");
  Reader r = d.reader();
  double p = 0, q = 0, rr = 0, s = 1, t = 0, u = 0;
  r.read("p", p, {0.0, 1.0});
  r.read("q", q, {.min = 0.0, .max = 1.0});
  r.read("r", rr, {0.0, 1.0});  // bounds are inclusive
  r.read("s", s, {0.0, 1.0});
  r.read("t", t, {.min = 0.0});
  r.read("u", u, {.max = 1e-6});
  EXPECT_EQ(rr, 1.0);
  EXPECT_EQ(s, 0.0);
  EXPECT_EQ(p, 0.0);
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:1:1: p: value 1.7 is out of range [0, 1]",
                              "t.yaml:2:1: q: value -0.1 is out of range [0, 1]",
                              "t.yaml:5:1: t: value -5 is out of range [0, inf]",
                              "t.yaml:6:1: u: value 1e300 is out of range [-inf, 1e-06]"}));
}

TEST(ReadDouble, ErrorsPointAtTheEntryInNestedMaps) {
  Doc d("models:\n  departure:\n    base_hazard: 1.7\n");
  Reader r = d.reader();
  Reader dep = r.section("models").section("departure");
  double h = 0;
  dep.read("base_hazard", h, {0, 1});
  EXPECT_EQ(d.lines(),
            Lines{"t.yaml:3:5: models.departure.base_hazard: value 1.7 is out of range [0, 1]"});
}

TEST(ReadFloat, RangeOfFloat) {
  Doc d("a: 1.5\nb: 1e39\nc: -1e39\n");
  Reader r = d.reader();
  float a = 0, b = 2, c = 2;
  r.read("a", a);
  r.read("b", b);
  r.read("c", c, {-1e40, 1e40});
  EXPECT_EQ(a, 1.5F);
  EXPECT_EQ(b, 2.0F);
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:2:1: b: value 1e39 is out of range for a float",
                              "t.yaml:3:1: c: value -1e39 is out of range for a float"}));
}

// ---------------------------------------------------------------------------------------------
// integers

TEST(ReadInt, AcceptsOnlyIntegerText) {
  Doc d("a: 42\nb: -7\nc: +3\nd: 1.5\ne: 1e3\nf: 1.0\ng: abc\nh: 0x10\ni: [1]\nj: 007\n");
  Reader r = d.reader();
  std::int64_t a = 0, b = 0, c = 0, v = 9;
  int j = 0;
  r.read("a", a);
  r.read("b", b);
  r.read("c", c);
  for (const char* k : {"d", "e", "f", "g", "h", "i"}) r.read(k, v);
  r.read("j", j);
  EXPECT_EQ(a, 42);
  EXPECT_EQ(b, -7);
  EXPECT_EQ(c, 3);
  EXPECT_EQ(v, 9);
  EXPECT_EQ(j, 7);  // leading zeros are decimal, not YAML 1.1 octal
  EXPECT_EQ(d.lines(), (Lines{
                           "t.yaml:4:1: d: expected an integer, got \"1.5\"",
                           "t.yaml:5:1: e: expected an integer, got \"1e3\"",
                           "t.yaml:6:1: f: expected an integer, got \"1.0\"",
                           "t.yaml:7:1: g: expected an integer, got \"abc\"",
                           "t.yaml:8:1: h: expected an integer, got \"0x10\"",
                           "t.yaml:9:1: i: expected an integer, got a list",
                       }));
}

TEST(ReadInt, RangeOfTheCppType) {
  Doc d(
      "a: 9223372036854775807\nb: 9223372036854775808\nc: -9223372036854775809\n"
      "d: 2147483647\ne: 2147483648\nf: -2147483649\n");
  Reader r = d.reader();
  std::int64_t a = 0, b = 5, c = 5;
  int dd = 0, e = 5, f = 5;
  r.read("a", a);
  r.read("b", b);
  r.read("c", c);
  r.read("d", dd);
  r.read("e", e);
  r.read("f", f);
  EXPECT_EQ(a, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(dd, std::numeric_limits<int>::max());
  EXPECT_EQ(b, 5);
  EXPECT_EQ(e, 5);
  EXPECT_EQ(d.lines(),
            (Lines{"t.yaml:2:1: b: value 9223372036854775808 is out of range for a 64-bit integer",
                   "t.yaml:3:1: c: value -9223372036854775809 is out of range for a 64-bit "
                   "integer",
                   "t.yaml:5:1: e: value 2147483648 is out of range for a 32-bit integer",
                   "t.yaml:6:1: f: value -2147483649 is out of range for a 32-bit integer"}));
}

TEST(ReadInt, Bounds) {
  Doc d("months: 0\nyears: 5\nbig: 100\n");
  Reader r = d.reader();
  int months = 3;
  std::int64_t years = 0, big = 0;
  r.read("months", months, {.min = 1});
  r.read("years", years, {1, 10});
  r.read("big", big, {1, 10});
  EXPECT_EQ(months, 3);
  EXPECT_EQ(years, 5);
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:1:1: months: value 0 is out of range [1, inf]",
                              "t.yaml:3:1: big: value 100 is out of range [1, 10]"}));
}

TEST(ReadInt, BoundsAreComparedExactly) {
  // As doubles, 2^53 + 1 rounds to 2^53 and would pass a bound of 2^53 (issue 5, hostile input).
  Doc d("at: 9007199254740992\nabove: 9007199254740993\nmax: 9223372036854775807\n");
  Reader r = d.reader();
  std::int64_t at = 0, above = 0, max = 0;
  r.read("at", at, {0, 9.007199254740992e15});
  r.read("above", above, {0, 9.007199254740992e15});
  r.read("max", max, {0, 9.223372036854775807e18});
  EXPECT_EQ(at, std::int64_t{1} << 53);
  EXPECT_EQ(above, 0);
  // 2^63 - 1 is below the double 9.223372036854775807e18 (= 2^63), so it passes.
  EXPECT_EQ(max, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:2:1: above: value 9007199254740993 is out of range [0, "
                              "9.0072e+15]"}));
}

TEST(Messages, HugeValuesAreShortened) {
  const std::string digits(1 << 20, '9');
  Doc d("i: " + digits + "\nd: 1" + digits + "\n");
  Reader r = d.reader();
  std::int64_t i = 0;
  double x = 0;
  r.read("i", i);
  r.read("d", x);
  const Lines lines = d.lines();
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0], "t.yaml:1:1: i: value " + std::string(60, '9') +
                          "... is out of range for a 64-bit integer");
  EXPECT_EQ(lines[1], "t.yaml:2:1: d: value 1" + std::string(59, '9') +
                          "... cannot be represented as a double");
}

// ---------------------------------------------------------------------------------------------
// bool, string, YearMonth

TEST(ReadBool, OnlyTrueAndFalse) {
  Doc d("a: true\nb: false\nc: yes\nd: True\ne: 1\nf: on\ng:\n");
  Reader r = d.reader();
  bool a = false, b = true, v = true;
  r.read("a", a);
  r.read("b", b);
  for (const char* k : {"c", "d", "e", "f", "g"}) r.read(k, v);
  EXPECT_TRUE(a);
  EXPECT_FALSE(b);
  EXPECT_TRUE(v);
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:3:1: c: expected true or false, got \"yes\"",
                              "t.yaml:4:1: d: expected true or false, got \"True\"",
                              "t.yaml:5:1: e: expected true or false, got \"1\"",
                              "t.yaml:6:1: f: expected true or false, got \"on\"",
                              "t.yaml:7:1: g: expected true or false, got null"}));
}

TEST(ReadString, ScalarsOnly) {
  Doc d("a: hello\nb: 3\nc: ''\nd: [x]\ne:\nf: {k: v}\n");
  Reader r = d.reader();
  std::string a, b, c = "x", v = "keep";
  r.read("a", a);
  r.read("b", b);
  r.read("c", c);
  for (const char* k : {"d", "e", "f"}) r.read(k, v);
  EXPECT_EQ(a, "hello");
  EXPECT_EQ(b, "3");
  EXPECT_EQ(c, "");
  EXPECT_EQ(v, "keep");
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:4:1: d: expected a string, got a list",
                              "t.yaml:5:1: e: expected a string, got null",
                              "t.yaml:6:1: f: expected a string, got a mapping"}));
}

TEST(ReadYearMonth, Format) {
  Doc d("a: 2020-03\nb: \"1999-12\"\nc: 2020-13\nd: 2020-3\ne: March\nf: 2020-01-15\ng: 2020-00\n");
  Reader r = d.reader();
  YearMonth a, b, v{1, 1};
  r.read("a", a);
  r.read("b", b);
  for (const char* k : {"c", "d", "e", "f", "g"}) r.read(k, v);
  EXPECT_EQ(a, (YearMonth{2020, 3}));
  EXPECT_EQ(a.index(), 2020 * 12 + 2);
  EXPECT_EQ(b, (YearMonth{1999, 12}));
  EXPECT_EQ(v, (YearMonth{1, 1}));
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:3:1: c: expected a YYYY-MM month, got \"2020-13\"",
                              "t.yaml:4:1: d: expected a YYYY-MM month, got \"2020-3\"",
                              "t.yaml:5:1: e: expected a YYYY-MM month, got \"March\"",
                              "t.yaml:6:1: f: expected a YYYY-MM month, got \"2020-01-15\"",
                              "t.yaml:7:1: g: expected a YYYY-MM month, got \"2020-00\""}));
}

TEST(Messages, LongAndControlTextIsQuotedSafely) {
  Doc d("a: \"tab\\there \\\"q\\\" back\\\\slash\"\nb: " + std::string(100, 'x') + "\n");
  Reader r = d.reader();
  double v = 0;
  r.read("a", v);
  r.read("b", v);
  EXPECT_EQ(d.lines(),
            (Lines{"t.yaml:1:1: a: expected a number, got the quoted string \"tab\\x09here "
                   "\\\"q\\\" back\\\\slash\"",
                   "t.yaml:2:1: b: expected a number, got \"" + std::string(60, 'x') + "...\""}));
}

// ---------------------------------------------------------------------------------------------
// lists and choices

TEST(ReadList, Numbers) {
  Doc d("a: [0.1, 0.2, 0.7]\nb: 3\nc:\n  - 0.5\n  - abc\n  - 1.5\n  - .nan\nd: [1, 2]\ne: []\n");
  Reader r = d.reader();
  std::vector<double> a, b{9}, c{9}, dd{9}, e{9};
  r.read("a", a, {0, 1}, 3);
  r.read("b", b);
  r.read("c", c, {0, 1});
  r.read("d", dd, {}, 3);
  r.read("e", e);
  EXPECT_EQ(a, (std::vector<double>{0.1, 0.2, 0.7}));
  EXPECT_EQ(b, std::vector<double>{9});  // unchanged on error
  EXPECT_EQ(c, std::vector<double>{9});
  EXPECT_EQ(dd, std::vector<double>{9});
  EXPECT_TRUE(e.empty());
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:2:1: b: expected a list of numbers, got \"3\"",
                              "t.yaml:5:5: c[1]: expected a number, got \"abc\"",
                              "t.yaml:6:5: c[2]: value 1.5 is out of range [0, 1]",
                              "t.yaml:7:5: c[3]: expected a finite number, got \".nan\"",
                              "t.yaml:8:1: d: expected a list of 3 numbers, got 2"}));
}

TEST(ReadList, Strings) {
  Doc d("a: [x, 'y', 3]\nb: x\nc: [x, [y], ~]\n");
  Reader r = d.reader();
  std::vector<std::string> a, b{"keep"}, c{"keep"};
  r.read("a", a);
  r.read("b", b);
  r.read("c", c);
  EXPECT_EQ(a, (std::vector<std::string>{"x", "y", "3"}));
  EXPECT_EQ(b, std::vector<std::string>{"keep"});
  EXPECT_EQ(c, std::vector<std::string>{"keep"});
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:2:1: b: expected a list of strings, got \"x\"",
                              "t.yaml:3:8: c[1]: expected a string, got a list",
                              "t.yaml:3:13: c[2]: expected a string, got null"}));
}

TEST(ReadChoice, ExactMatchAndDidYouMean) {
  Doc d("a: beta\nb: betta\nc: x\nd: [alpha]\n");
  Reader r = d.reader();
  const std::vector<std::string> choices = {"alpha", "beta", "gamma"};
  std::string a, v = "keep";
  r.read_choice("a", a, choices);
  r.read_choice("b", v, choices);
  r.read_choice("c", v, choices);
  r.read_choice("d", v, choices);
  EXPECT_EQ(a, "beta");
  EXPECT_EQ(v, "keep");
  EXPECT_EQ(d.lines(),
            (Lines{"t.yaml:2:1: b: expected one of alpha, beta, gamma, got \"betta\"; did you "
                   "mean 'beta'?",
                   "t.yaml:3:1: c: expected one of alpha, beta, gamma, got \"x\"",
                   "t.yaml:4:1: d: expected one of alpha, beta, gamma, got a list"}));
}

// ---------------------------------------------------------------------------------------------
// quoting and tags: a number or a bool must be written plain (or with its own core tag); text
// may be plain, quoted or !!str

TEST(QuotingAndTags, QuotedNumbersAndBoolsAreRefused) {
  Doc d(
      "a: \"12\"\nb: '0.5'\nc: \"abc\"\nd: \"true\"\ne: [1, \"2\"]\nf: \"1.5\"\ng: |\n  3\n"
      "h: ! 4\ni: '7'\nj: \"1e3\"\nk: \"-1\"\n");
  Reader r = d.reader();
  int a = 5, f = 5;
  double b = 5, c = 5, g = 5, h = 5;
  bool dd = false;
  std::vector<double> e{9};
  float j = 5;
  std::int64_t i = 5, k = 5;
  r.read("a", a);
  r.read("b", b);
  r.read("c", c);
  r.read("d", dd);
  r.read("e", e);
  r.read("f", f);
  r.read("g", g);
  r.read("h", h);
  r.read_optional("i", i);
  r.read("j", j);
  r.read_optional("k", k);
  r.finish();
  EXPECT_EQ(a, 5);
  EXPECT_EQ(b, 5);
  EXPECT_FALSE(dd);
  EXPECT_EQ(e, std::vector<double>{9});
  EXPECT_EQ(i, 5);
  EXPECT_EQ(j, 5);
  EXPECT_EQ(d.lines(),
            (Lines{
                "t.yaml:1:1: a: expected an integer, got the quoted string \"12\" (remove the "
                "quotes)",
                "t.yaml:2:1: b: expected a number, got the quoted string \"0.5\" (remove the "
                "quotes)",
                "t.yaml:3:1: c: expected a number, got the quoted string \"abc\"",
                "t.yaml:4:1: d: expected true or false, got the quoted string \"true\" (remove "
                "the quotes)",
                "t.yaml:5:8: e[1]: expected a number, got the quoted string \"2\" (remove the "
                "quotes)",
                "t.yaml:6:1: f: expected an integer, got the quoted string \"1.5\"",
                "t.yaml:7:1: g: expected a number, got the quoted string \"3\\x0a\"",
                "t.yaml:9:1: h: expected a number, got the quoted string \"4\" (remove the "
                "quotes)",
                "t.yaml:10:1: i: expected an integer, got the quoted string \"7\" (remove the "
                "quotes)",
                "t.yaml:11:1: j: expected a number, got the quoted string \"1e3\" (remove the "
                "quotes)",
                "t.yaml:12:1: k: expected an integer, got the quoted string \"-1\" (remove the "
                "quotes)",
            }));
}

TEST(QuotingAndTags, TheMatchingCoreTagIsAccepted) {
  Doc d(
      "a: !!int 12\nb: !!float 0.5\nc: !!int -3\nd: !!bool true\ne: !!float 12\n"
      "f: [!!int 1, !!float 2.5, 3]\ng: !<tag:yaml.org,2002:int> 7\nh: !!bool false\n"
      "i: !!float 1e-3\n");
  Reader r = d.reader();
  int a = 0;
  double b = 0, c = 0, e = 0;
  bool dd = false, h = true;
  std::vector<double> f;
  std::int64_t g = 0;
  float i = 0;
  r.read("a", a);
  r.read("b", b);
  r.read("c", c);
  r.read("d", dd);
  r.read("e", e);
  r.read("f", f);
  r.read("g", g);
  r.read_optional("h", h);
  r.read("i", i);
  r.finish();
  EXPECT_TRUE(d.diags.empty()) << d.lines().front();
  EXPECT_EQ(a, 12);
  EXPECT_EQ(b, 0.5);
  EXPECT_EQ(c, -3.0);  // !!int is a number too
  EXPECT_TRUE(dd);
  EXPECT_EQ(e, 12.0);
  EXPECT_EQ(f, (std::vector<double>{1, 2.5, 3}));
  EXPECT_EQ(g, 7);
  EXPECT_FALSE(h);
  EXPECT_EQ(i, 1e-3F);
}

TEST(QuotingAndTags, OtherTagsOnNumbersAndBoolsAreRefused) {
  Doc d(
      "a: !!str 12\nb: !!float 12\nc: !!bool 1\nd: !!int 1.5\ne: !!int true\nf: !custom 3\n"
      "g: !!str true\nh: !!null 5\ni: !!float 1.5\nj: !!float abc\nk: !!bool yes\n"
      "l: !!float .nan\nm: [0.5, !!str 1]\nn: !<tag:example.com,2000:n> 2\n");
  Reader r = d.reader();
  int a = 5, b = 5;
  std::int64_t c = 5;
  double dd = 5, f = 5, h = 5, j = 5, l = 5, n = 5;
  bool e = false, g = false, i = false, k = false;
  std::vector<double> m{9};
  r.read("a", a);
  r.read("b", b);
  r.read("c", c);
  r.read("d", dd);
  r.read("e", e);
  r.read("f", f);
  r.read("g", g);
  r.read("h", h);
  r.read("i", i);
  r.read("j", j);
  r.read("k", k);
  r.read("l", l);
  r.read("m", m);
  r.read_optional("n", n);
  r.finish();
  EXPECT_EQ(a, 5);
  EXPECT_EQ(c, 5);
  EXPECT_EQ(dd, 5);
  EXPECT_FALSE(e);
  EXPECT_EQ(m, std::vector<double>{9});
  EXPECT_EQ(d.lines(),
            (Lines{
                "t.yaml:1:1: a: expected an integer, got \"12\" tagged !!str (remove the tag)",
                "t.yaml:2:1: b: expected an integer, got \"12\" tagged !!float (remove the tag)",
                "t.yaml:3:1: c: expected an integer, got \"1\" tagged !!bool (remove the tag)",
                "t.yaml:4:1: d: expected an integer, got \"1.5\" tagged !!int",
                "t.yaml:5:1: e: expected true or false, got \"true\" tagged !!int (remove the "
                "tag)",
                "t.yaml:6:1: f: expected a number, got \"3\" tagged !custom (remove the tag)",
                "t.yaml:7:1: g: expected true or false, got \"true\" tagged !!str (remove the "
                "tag)",
                "t.yaml:8:1: h: expected a number, got \"5\" tagged !!null (remove the tag)",
                "t.yaml:9:1: i: expected true or false, got \"1.5\" tagged !!float",
                "t.yaml:10:1: j: expected a number, got \"abc\" tagged !!float",
                "t.yaml:11:1: k: expected true or false, got \"yes\" tagged !!bool",
                "t.yaml:12:1: l: expected a finite number, got \".nan\" tagged !!float",
                "t.yaml:13:10: m[1]: expected a number, got \"1\" tagged !!str (remove the tag)",
                "t.yaml:14:1: n: expected a number, got \"2\" tagged "
                "!<tag:example.com,2000:n> (remove the tag)",
            }));
}

TEST(QuotingAndTags, TextMayBePlainQuotedOrStr) {
  Doc d(
      "a: plain\nb: \"quoted\"\nc: 'single'\nd: !!str 12\ne: |\n  block\nf: ! x\ng: !!str\n"
      "h: \"2024-01\"\ni: !!str 2024-02\nj: !!str beta\nk: 'gamma'\nl: [x, 'y', !!str 3]\n");
  Reader r = d.reader();
  std::string a, b, c, dd, e, f, g = "x", j, k;
  YearMonth h, i;
  std::vector<std::string> l;
  r.read("a", a);
  r.read("b", b);
  r.read("c", c);
  r.read("d", dd);
  r.read("e", e);
  r.read("f", f);
  r.read_optional("g", g);
  r.read("h", h);
  r.read("i", i);
  r.read_choice("j", j, {"alpha", "beta", "gamma"});
  r.read_choice("k", k, {"alpha", "beta", "gamma"});
  r.read("l", l);
  r.finish();
  EXPECT_TRUE(d.diags.empty()) << d.lines().front();
  EXPECT_EQ(a, "plain");
  EXPECT_EQ(b, "quoted");
  EXPECT_EQ(c, "single");
  EXPECT_EQ(dd, "12");
  EXPECT_EQ(e, "block\n");
  EXPECT_EQ(f, "x");
  EXPECT_EQ(g, "");
  EXPECT_EQ(h, (YearMonth{2024, 1}));
  EXPECT_EQ(i, (YearMonth{2024, 2}));
  EXPECT_EQ(j, "beta");
  EXPECT_EQ(k, "gamma");
  EXPECT_EQ(l, (std::vector<std::string>{"x", "y", "3"}));
}

TEST(QuotingAndTags, OtherTagsOnTextAreRefused) {
  Doc d(
      "a: !!int abc\nb: !custom x\nc: !!timestamp 2024-01\nd: !!bool beta\ne: [x, !!int 3]\n"
      "f: !<tag:example.com,2000:t> x\ng: !!float 1.5\nh: !e 2024-13\n");
  Reader r = d.reader();
  std::string a = "keep", b = "keep", dd = "keep", f = "keep", g = "keep";
  YearMonth c{1, 1}, h{1, 1};
  std::vector<std::string> e{"keep"};
  r.read("a", a);
  r.read("b", b);
  r.read("c", c);
  r.read_choice("d", dd, {"alpha", "beta", "gamma"});
  r.read("e", e);
  r.read("f", f);
  r.read_optional("g", g);
  r.read("h", h);
  r.finish();
  EXPECT_EQ(a, "keep");
  EXPECT_EQ(b, "keep");
  EXPECT_EQ(c, (YearMonth{1, 1}));
  EXPECT_EQ(dd, "keep");
  EXPECT_EQ(e, std::vector<std::string>{"keep"});
  EXPECT_EQ(g, "keep");
  EXPECT_EQ(d.lines(),
            (Lines{
                "t.yaml:1:1: a: expected a string, got \"abc\" tagged !!int",
                "t.yaml:2:1: b: expected a string, got \"x\" tagged !custom",
                "t.yaml:3:1: c: expected a YYYY-MM month, got \"2024-01\" tagged !!timestamp",
                "t.yaml:4:1: d: expected one of alpha, beta, gamma, got \"beta\" tagged !!bool",
                "t.yaml:5:8: e[1]: expected a string, got \"3\" tagged !!int",
                "t.yaml:6:1: f: expected a string, got \"x\" tagged !<tag:example.com,2000:t>",
                "t.yaml:7:1: g: expected a string, got \"1.5\" tagged !!float",
                "t.yaml:8:1: h: expected a YYYY-MM month, got \"2024-13\" tagged !e",
            }));
}

TEST(QuotingAndTags, LongTagsAreShortenedInMessages) {
  Doc d("a: !" + std::string(100, 't') + " 1\n");
  Reader r = d.reader();
  double v = 0;
  r.read("a", v);
  EXPECT_EQ(d.lines(), Lines{"t.yaml:1:1: a: expected a number, got \"1\" tagged !" +
                             std::string(59, 't') + "... (remove the tag)"});
}

TEST(QuotingAndTags, SectionsAndListsOfTaggedScalars) {
  // A tagged scalar where a section or a list is expected is still "a scalar".
  Doc d("s: !!str x\nl: !!str y\n");
  Reader r = d.reader();
  Reader s = r.section("s");
  std::vector<double> l;
  r.read("l", l);
  EXPECT_EQ(d.lines(),
            (Lines{"t.yaml:1:1: s: expected a mapping, got a scalar",
                   "t.yaml:2:1: l: expected a list of numbers, got \"y\" tagged !!str"}));
}

// ---------------------------------------------------------------------------------------------
// missing, optional, has, raw

TEST(Missing, ReportedAtTheParentMapWithTheFullPath) {
  Doc d("# header\nseed: 1\nmodels:\n  departure:\n    other: 1\n");
  Reader r = d.reader();
  double x = 0;
  r.read("rate", x);
  Reader models = r.section("models");
  Reader dep = models.section("departure");
  dep.read("base_hazard", x);
  dep.read("other", x);
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:2:1: rate: missing required key",
                              "t.yaml:4:3: models.departure.base_hazard: missing required key"}));
}

TEST(Optional, AbsentKeepsPresentIsValidated) {
  Doc d("a: 2.5\nb: x\nc: 4\nd: true\ne: s\nf: 1.5\n");
  Reader r = d.reader();
  double a = 0, z = 9;
  std::int64_t c = 0, zi = 9, f = 3;
  int ci = 0, zn = 9;
  bool dd = false, zb = true;
  std::string e, zs = "keep";
  r.read_optional("a", a);
  r.read_optional("absent", z);
  r.read_optional("b", z);  // present and wrong: reported
  r.read_optional("c", c, {0, 10});
  r.read_optional("c", ci, {0, 3});
  r.read_optional("absent", zi);
  r.read_optional("absent", zn);
  r.read_optional("d", dd);
  r.read_optional("absent", zb);
  r.read_optional("e", e);
  r.read_optional("absent", zs);
  r.read_optional("f", f);
  r.finish();
  EXPECT_EQ(a, 2.5);
  EXPECT_EQ(z, 9);
  EXPECT_EQ(c, 4);
  EXPECT_EQ(ci, 0);
  EXPECT_EQ(zi, 9);
  EXPECT_EQ(zn, 9);
  EXPECT_TRUE(dd);
  EXPECT_TRUE(zb);
  EXPECT_EQ(e, "s");
  EXPECT_EQ(zs, "keep");
  EXPECT_EQ(f, 3);
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:2:1: b: expected a number, got \"x\"",
                              "t.yaml:3:1: c: value 4 is out of range [0, 3]",
                              "t.yaml:6:1: f: expected an integer, got \"1.5\""}));
}

TEST(HasAndRaw, MarkKeysKnownWithoutDiagnostics) {
  Doc d("a: 1\nb: [1, 2]\nc: 3\n");
  Reader r = d.reader();
  EXPECT_TRUE(r.has("a"));
  EXPECT_FALSE(r.has("zzz"));
  const Node* b = r.raw("b");
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->is_sequence());
  EXPECT_EQ(r.raw("nope"), nullptr);
  EXPECT_EQ(r.keys(), (std::vector<std::string>{"a", "b", "c"}));
  r.finish();
  EXPECT_EQ(d.lines(), Lines{"t.yaml:3:1: c: unknown key 'c'"});
}

// ---------------------------------------------------------------------------------------------
// sections and non-map readers

TEST(Section, NestedPathsAndPositions) {
  Doc d("models:\n  housing:\n    rent: 5\n    sise: 3\n");
  Reader r = d.reader();
  Reader models = r.section("models");
  EXPECT_EQ(models.path(), "models");
  EXPECT_EQ(models.pos().line, 1);
  Reader housing = models.section("housing");
  EXPECT_EQ(housing.path(), "models.housing");
  EXPECT_EQ(housing.pos().line, 2);
  EXPECT_EQ(housing.pos().column, 3);
  double rent = 0, size = 0;
  housing.read("rent", rent);
  housing.read("size", size);
  housing.finish();
  models.finish();
  r.finish();
  EXPECT_EQ(rent, 5);
  EXPECT_EQ(d.lines(),
            (Lines{"t.yaml:2:3: models.housing.size: missing required key",
                   "t.yaml:4:5: models.housing.sise: unknown key 'sise', did you mean 'size'?"}));
}

TEST(Section, MissingSectionReportsItselfAndItsRequiredKeys) {
  Doc d("seed: 1\n");
  Reader r = d.reader();
  Reader housing = r.section("housing");
  EXPECT_EQ(housing.path(), "housing");
  double rent = 4;
  housing.read("rent", rent);
  housing.read_optional("deposit", rent);
  Reader inner = housing.section("inner");
  inner.read("x", rent);
  EXPECT_EQ(housing.raw("rent"), nullptr);
  EXPECT_FALSE(housing.has("rent"));
  EXPECT_TRUE(housing.keys().empty());
  housing.finish();
  EXPECT_EQ(rent, 4);
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:1:1: housing: missing required key",
                              "t.yaml:1:1: housing.rent: missing required key",
                              "t.yaml:1:1: housing.inner: missing required key",
                              "t.yaml:1:1: housing.inner.x: missing required key"}));
}

TEST(Section, NotAMappingIsReportedOnce) {
  Doc d("housing: 3\nlist: [1, 2]\n");
  Reader r = d.reader();
  Reader housing = r.section("housing");
  double x = 0;
  housing.read("rent", x);
  housing.read("size", x);
  (void)housing.section("deeper").section("deepest");
  housing.finish();
  Reader list = r.section("list");
  list.read("a", x);
  r.finish();
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:1:1: housing: expected a mapping, got a scalar",
                              "t.yaml:2:1: list: expected a mapping, got a list"}));
}

TEST(Section, EmptySectionIsAnEmptyMapping) {
  Doc d("housing:\n  # all commented out\nother: 1\n");
  Reader r = d.reader();
  Reader housing = r.section("housing");
  double rent = 0, deposit = 2;
  housing.read("rent", rent);
  housing.read_optional("deposit", deposit);
  housing.finish();
  r.read("other", rent);
  r.finish();
  EXPECT_EQ(deposit, 2);
  EXPECT_EQ(d.lines(), Lines{"t.yaml:1:1: housing.rent: missing required key"});
}

TEST(ReaderOverNonMap, ReportsOnceThenNothing) {
  Diagnostics diags;
  const Node scalar = Node::make_scalar("x", {"t.yaml", 4, 7}, "models.departure");
  Reader r(scalar, diags);
  double v = 1;
  r.read("a", v);
  r.read_optional("b", v);
  (void)r.section("c");
  EXPECT_FALSE(r.has("a"));
  r.finish();
  EXPECT_EQ(v, 1);
  EXPECT_EQ(lines_of(diags),
            Lines{"t.yaml:4:7: models.departure: expected a mapping, got a scalar"});
}

TEST(ReaderOverNothing, RequiredReadsReportMissingAtParent) {
  Diagnostics diags;
  Reader r(SourcePos{"t.yaml", 3, 2}, "policies.cap", diags);
  EXPECT_EQ(r.path(), "policies.cap");
  EXPECT_EQ(r.pos().line, 3);
  int v = 0;
  std::string s;
  r.read("limit", v);
  r.read_optional("note", s);
  r.finish();
  EXPECT_EQ(&r.diagnostics(), &diags);
  EXPECT_EQ(lines_of(diags), Lines{"t.yaml:3:2: policies.cap.limit: missing required key"});
}

// ---------------------------------------------------------------------------------------------
// finish(): unknown keys

TEST(Finish, UnknownKeysWithSuggestionsAtTheKeyPosition) {
  Doc d("seed: 1\nseeed: 2\nmonths: 3\ntotally_unrelated: 4\n  # comment\n   \nmonht: 5\n");
  Reader r = d.reader();
  std::int64_t seed = 0;
  int months = 0;
  r.read("seed", seed);
  r.read("months", months);
  r.read_optional("month_count", months);
  r.finish();
  r.finish();  // a second call reports nothing new
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:2:1: seeed: unknown key 'seeed', did you mean 'seed'?",
                              "t.yaml:4:1: totally_unrelated: unknown key 'totally_unrelated'",
                              "t.yaml:7:1: monht: unknown key 'monht', did you mean 'months'?"}));
}

TEST(Finish, MissingKeyAndItsMisspellingReportedTogether) {
  Doc d("models:\n  departure:\n    base_hazrd: 0.1\n");
  Reader r = d.reader();
  Reader dep = r.section("models").section("departure");
  double h = 0;
  dep.read("base_hazard", h);
  dep.finish();
  EXPECT_EQ(d.lines(),
            (Lines{"t.yaml:2:3: models.departure.base_hazard: missing required key",
                   "t.yaml:3:5: models.departure.base_hazrd: unknown key 'base_hazrd', did you "
                   "mean 'base_hazard'?"}));
}

TEST(Finish, UnknownKeyInsideAListItem) {
  Doc d("policies:\n  - name: cap\n    limt: 3\n");
  Reader r = d.reader();
  const Node* list = r.raw("policies");
  ASSERT_NE(list, nullptr);
  Reader item(list->items().at(0), d.diags);
  std::string name;
  int limit = 0;
  item.read("name", name);
  item.read("limit", limit);
  item.finish();
  EXPECT_EQ(d.lines(), (Lines{"t.yaml:2:5: policies[0].limit: missing required key",
                              "t.yaml:3:5: policies[0].limt: unknown key 'limt', did you mean "
                              "'limit'?"}));
}

// ---------------------------------------------------------------------------------------------
// Reader over a loaded document

TEST(ReaderOnDocument, ErrorsPointIntoTheFileThatWroteTheValue) {
  const testing::TempDir dir;
  const auto base = dir.write("base.yaml", "seed: 1\nrate: 0.5\nunknwn: 1\n");
  const auto derived = dir.write("derived.yaml", "extends: base.yaml\nrate: 2\n");
  const Document doc = load_document(derived, {"seed=abc"});
  Diagnostics diags;
  Reader r(doc.root, diags);
  std::int64_t seed = 0;
  double rate = 0;
  r.read("seed", seed);
  r.read("rate", rate, {0, 1});
  r.finish();
  EXPECT_EQ(lines_of(diags), (Lines{base.string() + ":3:1: unknwn: unknown key 'unknwn'",
                                    derived.string() + ":2:1: rate: value 2 is out of range [0, 1]",
                                    "<command line>:1:1: seed: expected an integer, got \"abc\""}));
}

// ---------------------------------------------------------------------------------------------
// did_you_mean

TEST(DidYouMean, NearestWithinThreshold) {
  const std::vector<std::string> c = {"seed", "months", "base_hazard_german", "x"};
  EXPECT_EQ(did_you_mean("seeed", c), "seed");
  EXPECT_EQ(did_you_mean("sed", c), "seed");
  EXPECT_EQ(did_you_mean("monhts", c), "months");
  EXPECT_EQ(did_you_mean("base_hazard_germn", c), "base_hazard_german");
  EXPECT_EQ(did_you_mean("bse_hazrd_germn", c), "base_hazard_german");  // 3 edits, 15/3 = 5
  EXPECT_EQ(did_you_mean("completely_different", c), "");
  EXPECT_EQ(did_you_mean("seed", c), "seed");
  EXPECT_EQ(did_you_mean("anything", {}), "");
}

TEST(DidYouMean, ThresholdIsAtLeastTwo) {
  EXPECT_EQ(did_you_mean("ab", {"xb"}), "xb");    // distance 1
  EXPECT_EQ(did_you_mean("ab", {"axc"}), "axc");  // distance 2, threshold max(2, 2/3)
  EXPECT_EQ(did_you_mean("ab", {"xyz"}), "");     // distance 3
  EXPECT_EQ(did_you_mean("abcdefghi", {"abcdefxyz"}), "abcdefxyz");  // 3 <= 9/3
  EXPECT_EQ(did_you_mean("abcdefghi", {"abcdewxyz"}), "");           // 4 > 3
}

TEST(DidYouMean, NothingInCommonIsNoSuggestion) {
  EXPECT_EQ(did_you_mean("c", {"a"}), "");
  EXPECT_EQ(did_you_mean("ab", {"xy"}), "");
  EXPECT_EQ(did_you_mean("c", {"a", "cd"}), "cd");
}

TEST(DidYouMean, TiesGoToTheEarlierCandidate) {
  EXPECT_EQ(did_you_mean("cat", {"bat", "cut", "car"}), "bat");
  EXPECT_EQ(did_you_mean("cat", {"car", "bat"}), "car");
  EXPECT_EQ(did_you_mean("cat", {"dog", "cats", "at"}), "cats");
}

}  // namespace
}  // namespace brocken::scenario
