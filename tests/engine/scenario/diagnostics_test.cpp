// Tests for engine/scenario/diagnostics.hpp: the user-facing line format, collection order and
// the sorted, de-duplicated InputError.
#include "engine/scenario/diagnostics.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

#include "tests/engine/scenario/test_util.hpp"

namespace brocken::scenario {
namespace {

using testing::lines_of;

TEST(Diagnostic, FormatsFileLineColumnKeyPathMessage) {
  const Diagnostic d{{"scenarios/bad.yaml", 3, 1}, "seed", "expected an integer, got \"x\""};
  EXPECT_EQ(d.str(), "scenarios/bad.yaml:3:1: seed: expected an integer, got \"x\"");
}

TEST(Diagnostic, EmptyKeyPathIsLeftOut) {
  const Diagnostic d{{"a.yaml", 2, 5}, "", "invalid YAML"};
  EXPECT_EQ(d.str(), "a.yaml:2:5: invalid YAML");
}

TEST(Diagnostic, UnknownPartsOfThePositionAreLeftOut) {
  EXPECT_EQ((Diagnostic{{"a.yaml", 0, 0}, "", "cannot read file"}.str()),
            "a.yaml: cannot read file");
  EXPECT_EQ((Diagnostic{{"a.yaml", 4, 0}, "k", "m"}.str()), "a.yaml:4: k: m");
  EXPECT_EQ((Diagnostic{{"", 0, 0}, "k", "m"}.str()), "k: m");
  EXPECT_EQ((Diagnostic{{"<command line>", 1, 2}, "a.b", "m"}.str()), "<command line>:1:2: a.b: m");
}

TEST(Diagnostics, EmptyDoesNotThrow) {
  const Diagnostics diags;
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(diags.size(), 0U);
  EXPECT_NO_THROW(diags.throw_if_any());
}

TEST(Diagnostics, KeepsFoundOrderButThrowsSortedByFileLineColumn) {
  Diagnostics diags;
  diags.add({"b.yaml", 1, 1}, "z", "fourth");
  diags.add({"a.yaml", 10, 2}, "y", "third");
  diags.add({"a.yaml", 2, 9}, "x", "second");
  diags.add({"a.yaml", 2, 3}, "w", "first");
  diags.add({"<command line>", 1, 2}, "o", "zeroth");
  ASSERT_EQ(diags.size(), 5U);
  EXPECT_EQ(diags.items()[0].message, "fourth");  // collection order is untouched

  EXPECT_EQ(lines_of(diags), (std::vector<std::string>{
                                 "<command line>:1:2: o: zeroth",
                                 "a.yaml:2:3: w: first",
                                 "a.yaml:2:9: x: second",
                                 "a.yaml:10:2: y: third",  // numeric, not text, order
                                 "b.yaml:1:1: z: fourth",
                             }));
}

TEST(Diagnostics, SamePositionKeepsFoundOrder) {
  Diagnostics diags;
  diags.add({"a.yaml", 1, 1}, "k", "one");
  diags.add({"a.yaml", 1, 1}, "k", "two");
  diags.add({"a.yaml", 1, 1}, "k", "three");
  EXPECT_EQ(lines_of(diags), (std::vector<std::string>{"a.yaml:1:1: k: one", "a.yaml:1:1: k: two",
                                                       "a.yaml:1:1: k: three"}));
}

TEST(Diagnostics, IdenticalLinesAreReportedOnce) {
  Diagnostics diags;
  diags.add({"a.yaml", 1, 1}, "k", "same");
  diags.add({"a.yaml", 2, 1}, "k", "other");
  diags.add({"a.yaml", 1, 1}, "k", "same");
  EXPECT_EQ(lines_of(diags),
            (std::vector<std::string>{"a.yaml:1:1: k: same", "a.yaml:2:1: k: other"}));
}

TEST(Diagnostics, ThrowsInputErrorWithAllLinesJoinedByNewline) {
  Diagnostics diags;
  diags.add({"a.yaml", 2, 1}, "b", "second");
  diags.add({"a.yaml", 1, 1}, "a", "first");
  try {
    diags.throw_if_any();
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "a.yaml:1:1: a: first\na.yaml:2:1: b: second");
    ASSERT_EQ(e.diagnostics().size(), 2U);
    EXPECT_EQ(e.diagnostics()[0].key_path, "a");
    EXPECT_EQ(e.diagnostics()[1].pos.line, 2);
  }
}

TEST(Diagnostics, KeepsTheFirstThousandAndCountsTheRest) {
  Diagnostics diags;
  for (int i = 0; i < 2500; ++i) diags.add(SourcePos{"f.csv", i + 1, 1}, "x", "bad");
  EXPECT_EQ(diags.size(), 2500U);
  try {
    diags.throw_if_any();
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1001U);
    EXPECT_EQ(e.diagnostics()[999].str(), "f.csv:1000:1: x: bad");
    EXPECT_EQ(e.diagnostics().back().str(),
              "and 1500 more problems not shown (the first 1000 are listed)");
    EXPECT_EQ(e.problem_count(), 2500U);
    // Re-adding the lines to another collection (a nested loader) keeps the count.
    Diagnostics outer;
    outer.add(SourcePos{"a.yaml", 1, 1}, "k", "also bad");
    for (const auto& d : e.diagnostics()) outer.add(d.pos, d.key_path, d.message);
    EXPECT_EQ(outer.size(), 2501U);
    try {
      outer.throw_if_any();
    } catch (const InputError& again) {
      EXPECT_EQ(again.diagnostics().back().str(),
                "and 1501 more problems not shown (the first 1000 are listed)");
    }
  }
}

TEST(Diagnostic, LongKeyPathsAndMessagesAreShortened) {
  const Diagnostic d{SourcePos{"f.yaml", 1, 2}, std::string(5000, 'k'), std::string(5000, 'm')};
  const std::string line = d.str();
  EXPECT_EQ(line, "f.yaml:1:2: " + std::string(197, 'k') + "...: " + std::string(997, 'm') + "...");
  // Never inside a UTF-8 character.
  const Diagnostic u{SourcePos{}, {}, std::string(999, 'a') + "\xc3\xa9" + "tail"};
  EXPECT_EQ(u.str(), std::string(997, 'a') + "...");
}

TEST(InputError, IsARuntimeErrorKeepingGivenOrder) {
  const InputError e({Diagnostic{{"b", 1, 1}, "", "x"}, Diagnostic{{"a", 1, 1}, "", "y"}});
  const std::runtime_error& base = e;
  EXPECT_STREQ(base.what(), "b:1:1: x\na:1:1: y");
}

}  // namespace
}  // namespace brocken::scenario
