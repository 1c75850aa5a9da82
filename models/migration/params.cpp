#include "models/migration/params.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace brocken::migration {
namespace {

using scenario::Bounds;
using scenario::Reader;

constexpr Bounds kProbability{0.0, 1.0};
constexpr Bounds kNonNegative{0.0, 1e12};
constexpr Bounds kPositive{1e-12, 1e12};
constexpr Bounds kCoefficient{-20.0, 20.0};

/// Reads a list of n shares at `key` that must sum to 1 (an error names the key).
template <std::size_t N>
void read_shares(Reader& r, std::string_view key, std::array<double, N>& out) {
  std::vector<double> v;
  r.read(key, v, kProbability);
  if (v.size() != N) {
    r.diagnostics().add(r.pos(), r.path() + "." + std::string(key),
                        fmt::format("expected a list of {} shares, got {}", N, v.size()));
    return;
  }
  double sum = 0;
  for (std::size_t k = 0; k < N; ++k) sum += out[k] = v[k];
  if (std::abs(sum - 1.0) > 1e-6) {
    r.diagnostics().add(r.pos(), r.path() + "." + std::string(key),
                        fmt::format("shares must sum to 1, they sum to {:g}", sum));
  }
}

/// One channel's composition. Free-stream channels have a share of their stream and an
/// employed share; German channels have no language and take the residents' qualification; the
/// pipeline channels' qualification follows from the channel; the nationality group follows from
/// the channel except for foreign nationals from the rest of Germany (eu_share).
void parse_channel(Reader r, Channel c, ChannelParams& p) {
  const bool pipeline = c == Channel::kBlueCard || c == Channel::kSkilledVisa;
  const bool german = c == Channel::kGermanFromGermany || c == Channel::kGermanFromAbroad;
  if (!pipeline) {
    r.read("share", p.share, kProbability);
    r.read("employed_share", p.employed_share, kProbability);
  }
  if (c == Channel::kForeignFromGermany) r.read("eu_share", p.eu_share, kProbability);
  read_bands(r, "age_band_shares", p.age_band_shares, kProbability, true);
  if (!pipeline) {
    if (german) {
      // German arrivals: as the residents of the same labour status (no other data).
      std::string residents;
      r.read_choice("qualification", residents, {"residents"});
      p.qualification_as_residents = true;
    } else {
      read_shares(r, "qualification", p.qualification);
    }
  }
  if (!german) read_shares(r, "language", p.language);
  r.finish();
}

void parse_arrival(Reader r, ArrivalParams& p) {
  r.read("from_germany_per_year", p.from_germany_per_year, {0, 1e8});
  r.read("from_abroad_per_year", p.from_abroad_per_year, {0, 1e8});
  r.read("oldest_arrival_age_years", p.oldest_arrival_age_years, {66, 110});
  {
    Reader channels = r.section("channels");
    for (int c = static_cast<int>(Channel::kGermanFromGermany); c < kChannels; ++c) {
      parse_channel(channels.section(kChannelNames[static_cast<std::size_t>(c)]),
                    static_cast<Channel>(c), p.channels[static_cast<std::size_t>(c)]);
    }
    channels.finish();
    // The shares of each free stream's channels sum to 1.
    for (const int stream : {0, 1}) {
      double sum = 0;
      for (int c = 0; c < kChannels; ++c) {
        if (channel_stream(static_cast<Channel>(c)) == stream)
          sum += p.channels[static_cast<std::size_t>(c)].share;
      }
      if (std::abs(sum - 1.0) > 1e-6 && !channels.path().empty()) {
        r.diagnostics().add(
            channels.pos(), channels.path(),
            fmt::format("the shares of the channels from {} must sum to 1, they sum to {:g}",
                        stream == 0 ? "the rest of Germany" : "abroad", sum));
      }
    }
  }
  admission::parse(r.section("skilled"), p.skilled);
  r.finish();
}

void parse_integration(Reader r, IntegrationParams& p) {
  r.read("self_study_months_per_level", p.self_study_months_per_level, {0.5, 1200});
  r.read("employed_learning_factor", p.employed_learning_factor, {0, 100});
  r.read("language_flattening_months", p.language_flattening_months, {0, 1200});
  r.read("language_flattening_factor", p.language_flattening_factor, kProbability);
  {
    Reader by = r.section("course_participation");
    by.read("male", p.course_participation[0], kProbability);
    by.read("female", p.course_participation[1], kProbability);
    by.finish();
  }
  r.read("course_wait_months", p.course_wait_months, {0, 120});
  r.read("course_b1_share", p.course_b1_share, kProbability);
  r.read("course_a2_share", p.course_a2_share, kProbability);
  if (p.course_b1_share + p.course_a2_share > 1.0 + 1e-9) {
    r.diagnostics().add(r.pos(), r.path() + ".course_a2_share",
                        "course_b1_share + course_a2_share must not exceed 1");
  }
  r.read("initial_discrimination_share", p.initial_discrimination_share, kProbability);
  r.read("discrimination_resolution_months", p.discrimination_resolution_months, {0.5, 1200});
  r.read("everyday_discrimination_per_month", p.everyday_discrimination_per_month, kProbability);
  r.read("ties_growth_per_month", p.ties_growth_per_month, kProbability);
  r.read("ties_growth_employed_bonus", p.ties_growth_employed_bonus, kProbability);
  r.read("coethnic_ties_growth_per_month", p.coethnic_ties_growth_per_month, kProbability);
  r.read("ties_job_weight", p.ties_job_weight, {0, 100});
  r.read("ties_housing_weight", p.ties_housing_weight, {0, 100});
  r.read("recognition_application_share", p.recognition_application_share, kProbability);
  r.read("recognition_days", p.recognition_days, {1, 3650});
  labour::read_days_by_group(r, "recognition_days_by_group", {1, 3650}, p.recognition_day_groups,
                             p.recognition_days_by_group);
  r.read("recognition_full", p.recognition_full, kProbability);
  r.read("recognition_none", p.recognition_none, kProbability);
  if (p.recognition_full + p.recognition_none > 1.0 + 1e-9) {
    r.diagnostics().add(r.pos(), r.path() + ".recognition_none",
                        "recognition_full + recognition_none must not exceed 1");
  }
  r.read("compensation_months", p.compensation_months, {0.5, 600});
  r.finish();
}

void parse_departure(Reader r, DepartureParams& p) {
  r.read("base_hazard_german", p.base_hazard_german, kProbability);
  r.read("base_hazard_foreign", p.base_hazard_foreign, kProbability);
  read_bands(r, "age_band_multipliers", p.age_band_multipliers, {0, 100}, false);
  r.read("early_years_months", p.early_years_months, {0, 1200});
  r.read("early_years_multiplier", p.early_years_multiplier, {0, 100});
  r.read("coef_employed", p.coef_employed, kCoefficient);
  r.read("coef_unhoused", p.coef_unhoused, kCoefficient);
  r.read("coef_ties", p.coef_ties, kCoefficient);
  r.read("coef_discriminated", p.coef_discriminated, kCoefficient);
  r.read("coef_recognised", p.coef_recognised, kCoefficient);
  r.read("coef_language", p.coef_language, kCoefficient);
  {
    Reader m = r.section("channel_multipliers");
    p.channel_multipliers.fill(1.0);
    for (int c = static_cast<int>(Channel::kGermanFromGermany); c < kChannels; ++c) {
      m.read(kChannelNames[static_cast<std::size_t>(c)],
             p.channel_multipliers[static_cast<std::size_t>(c)], {0, 100});
    }
    m.finish();
  }
  r.read("abroad_share_german", p.abroad_share_german, kProbability);
  r.read("abroad_share_foreign", p.abroad_share_foreign, kProbability);
  r.read("away_pool_months", p.away_pool_months, {0, 1200});
  r.read("seed_leavers_per_year", p.seed_leavers_per_year, {0, 1e8});
  r.read("return_hazard_german", p.return_hazard_german, kProbability);
  r.read("return_hazard_foreign", p.return_hazard_foreign, kProbability);
  r.finish();
}

}  // namespace

void parse_model_params(scenario::Reader& models, ModelParams& out) {
  parse_demography_params(models.section("demography"), out.demography);
  parse_arrival(models.section("arrival"), out.arrival);
  parse_integration(models.section("integration"), out.integration);
  housing::parse_params(models.section("housing"), out.housing);
  {
    Reader labour = models.section("labour");
    labour::parse_labour_params(labour, out.labour);
  }
  parse_departure(models.section("departure"), out.departure);
  relocation::parse_params(models.section("relocation"), out.relocation);
  models.finish();
  (void)kNonNegative;
  (void)kPositive;
}

}  // namespace brocken::migration
