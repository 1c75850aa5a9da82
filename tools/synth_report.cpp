#include "tools/synth_report.hpp"

#include <array>
#include <cstdio>
#include <fstream>
#include <span>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "engine/io/hdf5_writer.hpp"

namespace brocken::tools {
namespace {

void print_margins(std::ostream& out, const fit::IpfReport& r) {
  out << fmt::format("  {:<32} {:>14} {:>14} {:>12} {:>12}\n", "margin", "target total",
                     "fitted total", "max |diff|", "max rel");
  for (const auto& m : r.residuals) {
    out << fmt::format("  {:<32} {:>14.1f} {:>14.1f} {:>12.3g} {:>12.3g}\n", m.name, m.target_total,
                       m.fitted_total, m.max_abs, m.max_rel);
  }
}

}  // namespace

void print_synth_report(std::ostream& out, const migration::Scenario& sc) {
  const auto& p = *sc.synth;
  const auto& region = *sc.region;
  out << fmt::format(
      "Synthetic population of 31.12.{} from {}\n"
      "{} districts x {} ages (last open) x 2 sexes x 3 nationality groups, {:.0f} persons\n\n",
      sc.run.start.year - 1, region.dir.string(), p.districts, p.ages, [&] {
        double t = 0;
        for (const double v : p.counts) t += v;
        return t;
      }());
  out << fmt::format("Broad-age targets reconciled with the state table: {} iterations, {}\n",
                     p.broad_age_reconciliation.iterations,
                     p.broad_age_reconciliation.converged ? "converged" : "NOT converged");
  print_margins(out, p.broad_age_reconciliation);
  out << fmt::format("\nIPF of the full table: {} iterations, {}\n", p.report.iterations,
                     p.report.converged ? "converged" : "NOT converged");
  print_margins(out, p.report);

  out << "\nPer district: fitted shares (%) beside the published ones (Deutschlandatlas; the fit "
         "meets the reconciled targets, which differ from these by the reconciliation)\n";
  out << fmt::format("  {:<24} {:>10} {:>13} {:>13} {:>13} {:>13} {:>8}\n", "district", "persons",
                     "<18 fit/pub", "18-64 fit/pub", "65+ fit/pub", "foreign f/p", "mean age");
  const std::size_t per_age =
      migration::SyntheticPopulation::kSexes * migration::SyntheticPopulation::kNationalities;
  for (std::size_t d = 0; d < p.districts; ++d) {
    std::array<double, 3> broad{};
    double total = 0;
    double foreign = 0;
    double age_sum = 0;
    for (std::size_t a = 0; a < p.ages; ++a) {
      const auto k = static_cast<int>(a) < migration::kBroadAgeBounds[0]   ? 0U
                     : static_cast<int>(a) < migration::kBroadAgeBounds[1] ? 1U
                                                                           : 2U;
      for (std::size_t j = 0; j < per_age; ++j) {
        const double v = p.counts[(d * p.ages + a) * per_age + j];
        broad[k] += v;
        total += v;
        // Mean age: completed years + 0.5 (the open group at its lower bound + 0.5).
        age_sum += v * (static_cast<double>(a) + 0.5);
        if (j % migration::SyntheticPopulation::kNationalities != 0) foreign += v;
      }
    }
    const auto& dd = region.districts[d];
    out << fmt::format(
        "  {:<24} {:>10.0f} {:>6.2f}/{:<6.2f} {:>6.2f}/{:<6.2f} {:>6.2f}/{:<6.2f} "
        "{:>6.2f}/{:<6.2f} {:>8.2f}\n",
        dd.name, total, 100 * broad[0] / total, 100 * dd.broad_age_shares[0],
        100 * broad[1] / total, 100 * dd.broad_age_shares[1], 100 * broad[2] / total,
        100 * dd.broad_age_shares[2], 100 * foreign / total, 100 * dd.foreign_share,
        age_sum / total);
  }
}

void write_synth_csv(const migration::Scenario& sc, const std::filesystem::path& path, bool force) {
  // Built in memory and written like every other output file (io::write_file_atomically): a
  // full disk or a file-size limit leaves no partial file and no temporary file behind.
  const auto& p = *sc.synth;
  std::string text = fmt::format(
      "# Synthetic starting population (31.12.{}), expected persons at full scale, fitted by IPF "
      "(brocken synth; docs/model.md)\nags,age,sex,nationality,persons\n",
      sc.run.start.year - 1);
  constexpr std::array<const char*, 2> kSex{"male", "female"};
  constexpr std::array<const char*, 3> kNat{"german", "eu", "third_country"};
  for (std::size_t d = 0; d < p.districts; ++d) {
    for (std::size_t a = 0; a < p.ages; ++a) {
      for (std::size_t s = 0; s < 2; ++s) {
        for (std::size_t n = 0; n < 3; ++n) {
          text += fmt::format("{},{}{},{},{},{:.6f}\n", sc.region->districts[d].ags, a,
                              a + 1 == p.ages ? "+" : "", kSex[s], kNat[n], p.at(d, a, s, n));
        }
      }
    }
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  io::write_file_atomically(path, std::span<const unsigned char>(bytes, text.size()), force);
}

}  // namespace brocken::tools
