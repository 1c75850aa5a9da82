// Arrival channels (models/migration/arrival.cpp): newcomers split by the channels' shares of
// their stream, and the pipeline's entrants by the academic share, against the binomial
// expectation computed in the test from the scenario's parameters.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "models/migration/model.hpp"
#include "tests/models/migration/test_support.hpp"

namespace brocken::migration {
namespace {

using testing::load;
using testing::run_all;
using testing::series;

TEST(ArrivalChannels, NewcomersSplitByTheSharesOfTheirStream) {
  constexpr int kMonths = 24;
  const Scenario sc =
      load("baseline.yaml", {"months=" + std::to_string(kMonths), "population.scale=0.2"});
  const auto f = run_all(sc, 2);
  const ModelState& st = f.run->state();
  const auto& by_channel = series(f.run->series(), "arrival/arrivals_by_channel");
  ASSERT_EQ(by_channel.size(), static_cast<std::size_t>(kMonths) * kChannels);
  // Simulated persons per channel over the run.
  std::array<double, kChannels> n{};
  for (int t = 0; t < kMonths; ++t)
    for (int c = 0; c < kChannels; ++c)
      n[static_cast<std::size_t>(c)] +=
          by_channel[static_cast<std::size_t>(t * kChannels + c)] * st.scale;
  EXPECT_EQ(n[static_cast<std::size_t>(Channel::kInitial)], 0.0);
  EXPECT_EQ(n[static_cast<std::size_t>(Channel::kBorn)], 0.0);
  for (const int stream : {0, 1}) {
    double total = 0;
    for (int c = 0; c < kChannels; ++c)
      if (channel_stream(static_cast<Channel>(c)) == stream)
        total += n[static_cast<std::size_t>(c)];
    ASSERT_GT(total, 5000.0);
    for (int c = 0; c < kChannels; ++c) {
      if (channel_stream(static_cast<Channel>(c)) != stream) continue;
      const double share = st.params.arrival.channels[static_cast<std::size_t>(c)].share;
      const double sd = std::sqrt(total * share * (1.0 - share));
      EXPECT_NEAR(n[static_cast<std::size_t>(c)], total * share, 4.0 * sd + 1.0)
          << kChannelNames[static_cast<std::size_t>(c)];
    }
  }
  // The pipeline: Blue Card with the academic share, 18a/b otherwise.
  const double blue = n[static_cast<std::size_t>(Channel::kBlueCard)];
  const double visa = n[static_cast<std::size_t>(Channel::kSkilledVisa)];
  const double a = st.params.arrival.skilled.academic_share;
  ASSERT_GT(blue + visa, 500.0);
  EXPECT_NEAR(blue, (blue + visa) * a, 4.0 * std::sqrt((blue + visa) * a * (1 - a)));
  // Every newcomer is counted once: the channels add up to the arrivals less the returns.
  const auto& arrivals = series(f.run->series(), "arrivals");
  const auto& returns = series(f.run->series(), "returns");
  double newcomers = 0;
  for (std::size_t k = 0; k < arrivals.size(); ++k)
    newcomers += (arrivals[k] - returns[k]) * st.scale;
  double channels = 0;
  for (const double x : n) channels += x;
  EXPECT_NEAR(channels, newcomers, 1e-6 * newcomers);
}

}  // namespace
}  // namespace brocken::migration
