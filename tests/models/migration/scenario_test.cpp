// Every class of scenario and data error is reported, all together, with file:line:column.
// Positions point at the key that holds the offending value (for --set: <command line>:1:N,
// N = the index of the override).
#include <algorithm>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "tests/models/migration/test_support.hpp"

namespace brocken::migration {
namespace {

using testing::TempDir;

std::vector<std::string> errors_of(const std::filesystem::path& file,
                                   const std::vector<std::string>& sets = {}) {
  try {
    (void)load_scenario(file, sets, testing::registry());
  } catch (const scenario::InputError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics()) out.push_back(d.str());
    return out;
  }
  return {};
}

bool any_matches(const std::vector<std::string>& lines, const std::string& pattern) {
  const std::regex re(pattern);
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return std::regex_search(l, re); });
}

std::string extends_baseline() {
  return "extends: " + testing::scenario_path("baseline.yaml").string() + "\n";
}

TEST(Scenario, BaselineAndSmokeAreValid) {
  EXPECT_TRUE(errors_of(testing::scenario_path("baseline.yaml")).empty());
  EXPECT_TRUE(errors_of(testing::scenario_path("smoke.yaml")).empty());
  EXPECT_TRUE(errors_of(testing::scenario_path("policies/language_courses.yaml")).empty());
}

TEST(Scenario, UnknownKeyWrongTypeAndOutOfRangeAreAllReported) {
  TempDir dir;
  const auto f = dir.write("bad.yaml", extends_baseline() +
                                           "seed: \"not-a-number\"\n"
                                           "no_such_key_anywhere: 1\n"
                                           "models:\n"
                                           "  departure:\n"
                                           "    base_hazard_germna: 0.001\n"
                                           "  housing:\n"
                                           "    vacancy_available_share: 1.7\n");
  const auto e = errors_of(f);
  ASSERT_EQ(e.size(), 4U) << ::testing::PrintToString(e);
  EXPECT_TRUE(any_matches(
      e, R"(bad\.yaml:2:1: seed: expected an integer, got the quoted string \"not-a-number\")"));
  EXPECT_TRUE(any_matches(e, R"(bad\.yaml:3:1: no_such_key_anywhere: unknown key)"));
  EXPECT_TRUE(any_matches(
      e,
      R"(bad\.yaml:6:5: models\.departure\.base_hazard_germna: unknown key .*did you mean 'base_hazard_german')"));
  EXPECT_TRUE(any_matches(
      e,
      R"(bad\.yaml:8:5: models\.housing\.vacancy_available_share: value 1\.7 is out of range \[0, 1\])"));
}

TEST(Scenario, ModelLevelChecksNameTheKey) {
  TempDir dir;
  const auto f = dir.write("shares.yaml", extends_baseline() +
                                              "months: 0\n"
                                              "population:\n  scale: 2\n"
                                              "models:\n  arrival:\n    channels:\n      family:\n "
                                              "       age_band_shares: [0.5, 0.5, 0.5, 0, 0]\n"
                                              "output:\n  age_bands: [5, 3]\n");
  const auto e = errors_of(f);
  EXPECT_TRUE(any_matches(e, R"(shares\.yaml:2:1: months: .*out of range)"));
  EXPECT_TRUE(any_matches(e, R"(shares\.yaml:4:3: population\.scale: .*out of range)"));
  EXPECT_TRUE(any_matches(
      e,
      R"(shares\.yaml:9:9: models\.arrival\.channels\.family\.age_band_shares: shares must sum to 1)"));
  EXPECT_TRUE(any_matches(e, R"(shares\.yaml:11:3: output\.age_bands: expected ascending)"));
}

TEST(Scenario, UnknownPolicyAndBadPolicyParameters) {
  TempDir dir;
  const auto f = dir.write("pol.yaml", extends_baseline() +
                                           "policies:\n"
                                           "  language_course:\n    budget_eur_per_year: 1\n"
                                           "  language_courses:\n    budget_eur_per_year: -5\n");
  const auto e = errors_of(f);
  EXPECT_TRUE(any_matches(
      e,
      R"(pol\.yaml:3:3: policies\.language_course: unknown policy 'language_course', did you mean 'language_courses'\?)"));
  EXPECT_TRUE(any_matches(
      e, R"(pol\.yaml:6:5: policies\.language_courses\.budget_eur_per_year: .*out of range)"));
  EXPECT_TRUE(any_matches(
      e, R"(policies\.language_courses\.cost_per_participant_eur: missing required key)"));
}

TEST(Scenario, PolicyInstancesAndTheirDistricts) {
  TempDir dir;
  const auto good = dir.write("ok.yaml", extends_baseline() +
                                             "policies:\n"
                                             "  language_courses:\n"
                                             "    budget_eur_per_year: 1\n"
                                             "    cost_per_participant_eur: 3500\n"
                                             "  courses_halle:\n"
                                             "    module: language_courses\n"
                                             "    districts: [Halle (Saale), '15003']\n"
                                             "    start: 2025-01\n"
                                             "    end: 2026-12\n"
                                             "    budget_eur_per_year: 1\n"
                                             "    cost_per_participant_eur: 3500\n");
  EXPECT_TRUE(errors_of(good).empty());
  const auto f = dir.write("pol.yaml", extends_baseline() +
                                           "policies:\n"
                                           "  courses_halle:\n"
                                           "    module: language_courses\n"
                                           "    districts: [Hale (Saale)]\n"
                                           "    budget_eur_per_year: 1\n"
                                           "    cost_per_participant_eur: 3500\n"
                                           "  second:\n"
                                           "    module: language_course\n");
  const auto e = errors_of(f);
  EXPECT_TRUE(any_matches(
      e,
      R"(pol\.yaml:5:17: policies\.courses_halle\.districts\[0\]: unknown district 'Hale \(Saale\)', did you mean 'Halle \(Saale\)'\?)"));
  EXPECT_TRUE(any_matches(
      e,
      R"(pol\.yaml:9:5: policies\.second\.module: unknown policy 'language_course', did you mean 'language_courses'\?)"));
}

TEST(Scenario, CommandLineOverridesAreValidatedToo) {
  const auto e = errors_of(testing::scenario_path("smoke.yaml"),
                           {"models.labour.matching_elasticity=2", "sead=3"});
  EXPECT_TRUE(
      any_matches(e, R"(<command line>:1:1: models\.labour\.matching_elasticity: .*out of range)"));
  EXPECT_TRUE(any_matches(e, R"(<command line>:1:2: sead: unknown key .*did you mean 'seed')"));
}

TEST(Scenario, MissingDataDirectoryIsReported) {
  const auto e =
      errors_of(testing::scenario_path("smoke.yaml"), {"data=/nonexistent/brocken-data"});
  EXPECT_TRUE(any_matches(e, R"(/nonexistent/brocken-data.*data directory does not exist)"));
}

/// A copy of the data directory with some files edited.
std::filesystem::path corrupt_copy(const TempDir& dir) {
  auto data = dir.path / "data";
  std::filesystem::copy(testing::source_dir() / "data/sachsen-anhalt", data);
  auto edit = [&](const char* file, const std::string& from, const std::string& to) {
    std::ifstream in(data / file);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    const auto pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << file << ": " << from;
    text.replace(pos, from.size(), to);
    std::ofstream(data / file, std::ios::trunc) << text;
  };
  edit("mortality_germany.csv", "\n2,", "\n2,abc");      // not a number
  edit("labour_districts.csv", "\n15001,", "\n15999,");  // unknown district, and 15001 then missing
  edit("population_age_sex.csv", "\n1,", "\n1,-");       // negative count
  return data;
}

TEST(Scenario, CorruptDataFilesGiveFileLineColumnErrors) {
  TempDir dir;
  auto data = corrupt_copy(dir);
  const auto e = errors_of(testing::scenario_path("smoke.yaml"), {"data=" + data.string()});
  EXPECT_TRUE(any_matches(e, R"(mortality_germany\.csv:\d+:\d+: qx_male: expected a number)"))
      << ::testing::PrintToString(e);
  EXPECT_TRUE(any_matches(
      e, R"(labour_districts\.csv:\d+:1: ags: district '15999' is not in districts\.csv)"));
  EXPECT_TRUE(any_matches(e, R"(labour_districts\.csv:.*district 15001 appears 0 times)"));
  EXPECT_TRUE(any_matches(e, R"(population_age_sex\.csv:\d+:\d+: male: expected a number)"));
}

}  // namespace
}  // namespace brocken::migration
