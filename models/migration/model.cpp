#include "models/migration/model.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "engine/policy/stage.hpp"
#include "models/migration/admission/admission.hpp"
#include "models/migration/arrival.hpp"
#include "models/migration/departure.hpp"
#include "models/migration/setup.hpp"
#include "models/migration/stages.hpp"

namespace brocken::migration {
namespace {

using scenario::Bounds;
using scenario::Diagnostics;
using scenario::Reader;

/// Declares the model's regions (the districts), levers, programmes and indicators (names are
/// the policy-facing API: docs/model.md).
void declare_board(ModelState& s) {
  auto& b = s.board;
  std::vector<policy::RegionName> regions;
  if (s.region != nullptr) {
    for (const auto& d : s.region->districts) regions.push_back({d.name, d.ags});
  }
  b.set_regions(std::move(regions));
  auto& l = s.levers;
  using policy::Extent;
  struct LeverSpec {
    policy::LeverId* id;
    const char* name;
    const char* unit;
    double neutral;
    const char* description;
    Extent extent;
  };
  const LeverSpec levers[] = {
      {&l.language_pace, "integration.language_pace", "factor", 1.0,
       "multiplies the pace of German learning", Extent::kRegional},
      {&l.discrimination_resolution, "integration.discrimination_resolution", "factor", 1.0,
       "multiplies the monthly chance that experienced discrimination ends", Extent::kRegional},
      {&l.ties_growth, "integration.ties_growth", "factor", 1.0,
       "multiplies the growth of social ties (native and co-ethnic)", Extent::kRegional},
      {&l.course_participation, "integration.course_participation", "factor", 1.0,
       "multiplies the share of newcomers below B1 who take a federal integration course",
       Extent::kRegional},
      {&l.recognition_speed, "integration.recognition_speed", "factor", 1.0,
       "multiplies the monthly chance that a recognition application is decided",
       Extent::kRegional},
      {&l.discrimination_incidence, "integration.discrimination_incidence", "factor", 1.0,
       "multiplies the incidence of discrimination events (everyday, job and dwelling "
       "applications)",
       Extent::kRegional},
      {&l.skilled_applications, "arrival.skilled_applications", "factor", 1.0,
       "multiplies skilled-worker applications", Extent::kRegional},
      {&l.office_capacity, "arrival.office_capacity", "factor", 1.0,
       "multiplies the capacity of the visa appointment step (immigration office)",
       Extent::kRegional},
      {&l.accelerated_share, "arrival.accelerated_share", "share", 0.0,
       "added to the share of applications in the accelerated procedure (section 81a AufenthG)",
       Extent::kRegional},
      {&l.points_shortage, "arrival.points_shortage", "points", 0.0,
       "selection points added for a job offer in a shortage occupation group", Extent::kRegional},
      {&l.min_points, "arrival.min_points", "points", 0.0,
       "added to the selection points the agency approval asks for", Extent::kRegional},
      {&l.matching_efficiency, "labour.matching_efficiency", "factor", 1.0,
       "multiplies A of the matching function", Extent::kRegional},
      {&l.housing_offers, "housing.offers", "factor", 1.0,
       "multiplies the offer rate of dwelling searchers", Extent::kRegional},
      {&l.departure_hazard, "departure.foreign_hazard", "factor", 1.0,
       "multiplies the departure hazard of foreign residents", Extent::kRegional},
      {&l.return_hazard, "departure.return_hazard", "factor", 1.0,
       "multiplies the return hazard of the away pool (by the district left)", Extent::kRegional},
  };
  for (const LeverSpec& v : levers) {
    *v.id = b.declare_lever(v.name, v.unit, v.neutral, v.description, v.extent);
  }
  l.dwellings =
      b.declare_stock("housing.dwellings", "dwellings",
                      "dwellings added to the district's stock, vacant and usable once effective");
  l.language_course = b.declare_programme(
      "integration.language_course", "places", kCourseMonths,
      "German course places; filled with present foreign residents of working age below B1");
  auto& n = s.indicators;
  struct IndicatorSpec {
    policy::IndicatorId* id;
    const char* name;
    const char* unit;
    const char* description;
  };
  const IndicatorSpec indicators[] = {
      {&n.population, "population", "persons", "population at the end of last month"},
      {&n.foreign_population, "foreign_population", "persons",
       "foreign nationals, end of last month"},
      {&n.arrivals, "arrivals", "persons", "arrivals across the state border last month"},
      {&n.arrivals_skilled, "arrivals_skilled", "persons",
       "skilled workers entering through the pipeline last month"},
      {&n.departures, "departures", "persons", "departures across the state border last month"},
      {&n.returns, "returns", "persons", "returns last month"},
      {&n.unemployed, "unemployed", "persons", "registered unemployed, end of last month"},
      {&n.unemployed_foreign, "unemployed_foreign", "persons",
       "foreign unemployed, end of last month"},
      {&n.vacancies, "vacancies", "jobs", "open registered vacancies, end of last month"},
      {&n.newcomers_below_b1, "newcomers_below_b1", "persons",
       "foreign residents arrived within 3 years with German below B1"},
      {&n.away_pool, "away_pool", "persons",
       "former residents in the away pool (may return); state total only"},
      {&n.course_participants, "language_course_participants", "persons",
       "residents in a funded German course last month (integration.language_course)"},
  };
  for (const IndicatorSpec& v : indicators) {
    *v.id = b.declare_indicator(v.name, v.unit, v.description);
  }
}

/// Resolves a path written in a scenario relative to the file that wrote it.
std::filesystem::path relative_to_node(const scenario::Node* node, const std::string& value) {
  std::filesystem::path p(value);
  if (p.is_absolute() || node == nullptr || node->pos().file.empty() ||
      node->pos().file.front() == '<') {
    return p.lexically_normal();
  }
  return (std::filesystem::path(node->pos().file).parent_path() / p).lexically_normal();
}

void parse_run(Reader& root, RunSettings& run, Diagnostics& diags) {
  std::string data;
  root.read("data", data);
  run.data_dir = relative_to_node(root.raw("data"), data);
  root.read("start", run.start);
  root.read("months", run.months, {1, 1200});
  std::int64_t seed = 0;
  root.read("seed", seed, {0, 9.007199254740992e15});
  run.seed = static_cast<std::uint64_t>(seed);
  root.read("replications", run.replications, {1, 10000});
  Reader pop = root.section("population");
  pop.read("scale", run.scale, {1e-6, 1.0});
  pop.finish();
  Reader engine = root.section("engine");
  std::int64_t block = 0;
  engine.read("block_size", block, {64, 1 << 24});
  run.block_size = static_cast<std::size_t>(block);
  engine.finish();
  Reader out = root.section("output");
  std::vector<double> bands;
  out.read("age_bands", bands, {0, 120});
  if (!bands.empty()) {
    bool ok = bands.front() == 0.0;
    for (std::size_t i = 0; i < bands.size(); ++i) {
      ok = ok && bands[i] == std::floor(bands[i]) && (i == 0 || bands[i] > bands[i - 1]);
      run.output_age_bands.push_back(static_cast<int>(bands[i]));
    }
    if (!ok) {
      const scenario::Node* n = out.raw("age_bands");
      diags.add(n != nullptr ? n->pos() : out.pos(), out.path() + ".age_bands",
                "expected ascending whole years starting at 0");
    }
  }
  out.finish();
}

}  // namespace

policy::LeverBoard declared_board() {
  ModelState s;
  declare_board(s);
  return s.board;
}

namespace {

/// Makes the resolved scenario stand alone: the data path, written relative to the file (or, from
/// `--set`, to the working directory), becomes absolute in the tree and in resolved_yaml, so that
/// the copy a checkpoint keeps reads the same data from any directory.
void make_paths_absolute(Scenario& sc) {
  if (sc.run.data_dir.empty()) return;
  std::error_code ec;
  const std::filesystem::path abs = std::filesystem::absolute(sc.run.data_dir, ec);
  if (ec) return;
  sc.run.data_dir = abs.lexically_normal();
  if (scenario::Node* node = sc.doc.root.find_mutable("data");
      node != nullptr && node->is_scalar()) {
    *node = scenario::Node::make_scalar(sc.run.data_dir.string(), node->pos(), node->path());
  }
  sc.doc.resolved_yaml = scenario::to_yaml(sc.doc.root);
}

Scenario load_from_document(scenario::Document doc, const policy::Registry& registry);

}  // namespace

Scenario load_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                       const policy::Registry& registry) {
  return load_from_document(scenario::load_document(file, overrides), registry);
}

Scenario load_resolved_scenario(const std::string& resolved_yaml, const std::string& display,
                                const policy::Registry& registry) {
  // A resolved scenario has no `extends:` and only absolute paths: nothing else is read.
  const scenario::FileReader no_files = [](const std::filesystem::path& p) {
    scenario::FileText t;
    t.error = "a resolved scenario extends nothing ('" + p.string() + "')";
    return t;
  };
  return load_from_document(scenario::load_document(resolved_yaml, display, {}, no_files),
                            registry);
}

namespace {

Scenario load_from_document(scenario::Document doc, const policy::Registry& registry) {
  Scenario sc;
  sc.doc = std::move(doc);
  Diagnostics diags;
  Reader root(sc.doc.root, diags);
  parse_run(root, sc.run, diags);
  make_paths_absolute(sc);
  Reader models = root.section("models");
  parse_model_params(models, sc.params);
  if (const scenario::Node* pol = root.raw("policies")) {
    sc.policies = policy::parse_policy_specs(*pol, registry, diags);
  } else {
    diags.add(root.pos(), "policies", "missing required key (use `policies: {}` for none)");
  }
  root.finish();
  // Region data: only when its path was read (its own errors are added, not thrown one by one).
  if (!sc.run.data_dir.empty()) {
    try {
      sc.region = std::make_shared<const RegionData>(
          load_region(sc.run.data_dir, sc.params.demography.life_table_period));
      if (sc.region->districts.size() > 255) {
        diags.add(root.pos(), "data", "at most 255 districts are supported");
      }
    } catch (const scenario::InputError& e) {
      for (const auto& d : e.diagnostics()) diags.add(d.pos, d.key_path, d.message);
    }
  }
  // Policies are configured and bound against the model's levers now, so that a misspelt
  // parameter or lever is reported before anything runs.
  // Districts named in a policy's scope are checked against the region data when it loaded.
  ModelState probe;
  probe.region = sc.region.get();
  declare_board(probe);
  (void)policy::instantiate(sc.policies, registry, probe.board, diags);
  if (sc.region && diags.empty()) {
    // Derived rates can still fail on inconsistent data (e.g. an unreachable life expectancy).
    try {
      sc.synth = std::make_shared<const SyntheticPopulation>(synthesize_population(
          *sc.region, sc.params.demography.district_age_shape_year, sc.run.start.year - 1,
          foreign_age_profile(foreign_arrival_age_bands(sc.params.arrival),
                              sc.params.arrival.oldest_arrival_age_years,
                              sc.region->population_age_sex.size())));
      probe.params = sc.params;
      probe.region = sc.region.get();
      probe.synth = sc.synth.get();
      probe.scale = sc.run.scale;
      probe.start = sc.run.start;
      derive_rates(probe);
      sc.derived = std::make_shared<const ModelState>(probe);
    } catch (const scenario::InputError& e) {
      for (const auto& d : e.diagnostics()) diags.add(d.pos, d.key_path, d.message);
    } catch (const std::invalid_argument& e) {
      diags.add(scenario::SourcePos{sc.run.data_dir.string(), 0, 0}, "data", e.what());
    }
  }
  diags.throw_if_any();
  return sc;
}

}  // namespace

namespace {

/// End-of-month reporting: one agent-local reduction over all persons (the census), then every
/// declared output (outputs.cpp) appends its values to the series, and the indicators are
/// published for next month's policies. Run once before the first month (`start`), it records
/// the stocks' state at the start instead.
class ReportStage final : public sim::Stage {
 public:
  ReportStage(ModelState& s, Series& out, std::vector<int> bands, io::DimensionSizes sizes)
      : s_(s), out_(out), bands_(std::move(bands)), sizes_(std::move(sizes)) {}
  [[nodiscard]] std::string_view name() const override { return "report"; }
  /// @brief The next run() records the state at the start (see class comment).
  void record_start_next() { start_ = true; }

  void run(sim::StepContext& ctx) override {
    const Census census = take_census(ctx);
    const ReportView view{s_, census, s_.board.spending(), start_ ? -1 : ctx.tick};
    record_outputs(view, sizes_, out_, start_);
    if (start_) {
      start_ = false;
      return;
    }
    publish(census);
    std::fill(s_.flows.begin(), s_.flows.end(), 0.0);
    std::fill(s_.labour.flows.begin(), s_.labour.flows.end(), 0.0);
  }

 private:
  /// Joint (qualification 4 x working age 2 x housing code 4 x newcomer 2) counts per district.
  static constexpr std::size_t kPersonCodes = 64;
  /// Fills the census slots of one district that take_census() derives from its joint counts:
  /// `status` by (occupation group, employed / unemployed / neither, nationality, skilled =
  /// vocational or academic qualification), `person` by (qualification, working age, housing
  /// code, newcomer below B1), and the age bands (by band, sex and nationality) already in `row`.
  static void derive_slots(std::uint32_t* row, const std::uint32_t* status,
                           const std::uint32_t* person, const Census& shape) {
    const std::size_t occ_off = shape.occupation_offset();
    const std::size_t nat_off = shape.employed_nationality_offset();
    const std::size_t skilled_off = shape.skilled_offset();
    for (std::size_t b = 0; b < shape.age_bands * 2; ++b) {
      for (std::size_t n = 0; n < 3; ++n) {
        const std::uint32_t v = row[Census::kBands + b * 3 + n];
        row[Census::kPopulation] += v;
        if (n != 0) row[Census::kForeign] += v;
      }
    }
    for (std::size_t g = 0; g < shape.groups; ++g) {
      for (std::size_t n = 0; n < 3; ++n) {
        const std::uint32_t skilled = status[((g * 3 + 0) * 3 + n) * 2 + 1];
        const std::uint32_t employed = status[((g * 3 + 0) * 3 + n) * 2] + skilled;
        const std::uint32_t unemployed =
            status[((g * 3 + 1) * 3 + n) * 2] + status[((g * 3 + 1) * 3 + n) * 2 + 1];
        row[skilled_off + g * 3 + n] += skilled;
        row[Census::kEmployed] += employed;
        row[Census::kUnemployed] += unemployed;
        if (n != 0) row[Census::kForeignUnemployed] += unemployed;
        row[occ_off + g * 2] += employed;
        row[occ_off + g * 2 + 1] += unemployed;
        row[nat_off + n] += employed;
      }
    }
    for (std::size_t k = 0; k < kPersonCodes; ++k) {
      const std::uint32_t v = person[k];
      const auto housed = static_cast<std::uint8_t>((k >> 1U) & 3U);
      row[Census::kQualification + k / 16] += v;
      if ((k & 8U) != 0) row[Census::kWorkingAge] += v;
      if (housing::searching(housed)) row[Census::kSearchers] += v;
      if (housed == housing::kTemporaryCode) row[Census::kTemporaryHousing] += v;
      if (housed == housing::kOwnCode) row[Census::kOwnHousehold] += v;
      if ((k & 1U) != 0) row[Census::kNewcomersBelowB1] += v;
    }
  }

  Census take_census(sim::StepContext& ctx) {
    const PersonRows rows(*ctx.agents, s_.cols);
    Census census;
    census.districts = s_.n_districts();
    census.age_bands = bands_.size();
    census.groups = s_.labour.groups;
    const std::size_t nd = census.districts;
    const std::size_t per = census.per_district();
    std::vector<int> band_of(130, 0);
    for (std::size_t y = 0; y < band_of.size(); ++y) {
      for (std::size_t b = 0; b < bands_.size(); ++b) {
        if (static_cast<int>(y) >= bands_[b]) band_of[y] = static_cast<int>(b);
      }
    }
    // By age in months (every value of the column), this month: the output age band and whether
    // the age is working age (the retirement age depends on the cohort, i.e. on the tick), so that
    // the loop below reads one table instead of dividing and looking up the cohort per person.
    const int entry_months = static_cast<int>(s_.params.demography.labour_entry_age_years * 12.0);
    const RetirementTable retirement_months = s_.retirement_table(ctx.tick);
    const std::size_t top_year = band_of.size() - 1;
    age_table_.resize(static_cast<std::size_t>(INT16_MAX) + 1);
    for (std::size_t a = 0; a < age_table_.size(); ++a) {
      const int age = static_cast<int>(a);
      const auto band = static_cast<std::uint32_t>(band_of[std::min(a / 12, top_year)]);
      const auto working =
          static_cast<std::uint32_t>(age >= entry_months && age < retirement_months(age));
      age_table_[a] = band << 1U | working;
    }
    const std::size_t cells = nd * per;
    // The loop counts into a block-local scratch table: per district, the census's own slots
    // (those counted directly, like the age bands) and two joint counts from which the other
    // slots are derived at the end of the block, so that a person updates four counters instead
    // of one per slot: (occupation group, employed / unemployed / neither, nationality) and
    // (qualification, working age, housing code, newcomer below B1).
    const std::size_t groups = census.groups;
    const std::size_t status_off = per;
    const std::size_t person_off = status_off + groups * 18;
    const std::size_t span = person_off + kPersonCodes;
    const std::size_t scratch = nd * span;
    auto t = ctx.for_agents(cells + 1, [&](const sched::BlockRange& r, sim::BlockEffects& fx) {
      // Locals, so that they stay in registers (see PersonRows).
      const PersonRows p = rows;
      const std::uint32_t* const by_age = age_table_.data();
      const std::size_t scratch_cells = scratch;
      const std::size_t district_span = span;
      const std::size_t status_at = status_off;
      const std::size_t person_at = person_off;
      const std::size_t n_districts = nd;
      constexpr auto kEmployedCode = static_cast<std::uint8_t>(Status::kEmployed);
      constexpr auto kUnemployedCode = static_cast<std::uint8_t>(Status::kUnemployed);
      // Integer counts in kLanes interleaved copies: consecutive persons (often of the same
      // district and age band) update different copies, so their additions do not wait for each
      // other. The sums are exact integers, equal to adding 1.0 (or the age) in any order.
      constexpr std::size_t kLanes = 4;
      std::vector<std::uint32_t> count(kLanes * scratch_cells, 0);
      std::vector<std::uint64_t> age_sum(kLanes * nd, 0);
      std::uint32_t* const counts = count.data();
      std::uint64_t* const age_sums = age_sum.data();
      std::uint32_t away = 0;
      for (std::size_t i = r.begin; i < r.end; ++i) {
        if (p.residence[i] != static_cast<std::uint8_t>(Residence::kPresent)) {
          away += is_away(p.residence[i]) ? 1U : 0U;  // not the gone (Residence::kGone)
          continue;
        }
        const std::size_t lane = i % kLanes;
        const std::size_t d = p.district[i];
        const int age = p.age[i];
        const std::uint32_t age_code = by_age[static_cast<std::uint16_t>(age)];
        std::uint32_t* row = counts + lane * scratch_cells + d * district_span;
        // Bitwise & instead of &&: no branches on the (scattered) labour status.
        const std::uint8_t nat = p.nationality[i];
        const auto employed = static_cast<std::uint32_t>(p.status[i] == kEmployedCode);
        const auto unemployed = static_cast<std::uint32_t>(p.status[i] == kUnemployedCode);
        const auto foreign =
            static_cast<std::uint32_t>(nat != static_cast<std::uint8_t>(Nationality::kGerman));
        const std::uint32_t newcomer = foreign & static_cast<std::uint32_t>(p.here[i] >= 0) &
                                       static_cast<std::uint32_t>(p.here[i] < 36) &
                                       static_cast<std::uint32_t>(p.language[i] < 3);
        age_sums[lane * n_districts + d] += static_cast<std::uint64_t>(age);
        row[Census::kBands + (static_cast<std::size_t>(age_code >> 1U) * 2 + p.sex[i]) * 3 + nat] +=
            1;
        const std::size_t status_code = 2 - 2 * std::size_t{employed} - unemployed;
        const auto skilled = static_cast<std::size_t>(
            p.qualification[i] >= static_cast<std::uint8_t>(Qualification::kVocational));
        row[status_at + ((std::size_t{p.occupation[i]} * 3 + status_code) * 3 + nat) * 2 +
            skilled] += 1;
        // Foreign residents by German level and by recognition (0 for Germans: branch-free).
        row[Census::kForeignLanguage + p.language[i]] += foreign;
        row[Census::kForeignRecognition + p.recognition[i]] += foreign;
        row[Census::kForeignDiscriminated] += foreign & std::uint32_t{p.discriminated[i]};
        row[person_at + std::size_t{p.qualification[i]} * 16 + std::size_t{age_code & 1U} * 8 +
            std::size_t{p.housed[i]} * 2 + newcomer] += 1;
      }
      for (std::size_t lane = 1; lane < kLanes; ++lane) {
        for (std::size_t k = 0; k < scratch_cells; ++k) count[k] += count[lane * scratch_cells + k];
        for (std::size_t d = 0; d < nd; ++d) age_sum[d] += age_sum[lane * nd + d];
      }
      auto tl = fx.tally();
      for (std::size_t d = 0; d < nd; ++d) {
        std::uint32_t* row = counts + d * district_span;
        derive_slots(row, row + status_at, row + person_at, census);
        for (std::size_t k = 0; k < per; ++k) tl[d * per + k] += row[k];
        tl[d * per + Census::kAgeMonthsSum] += static_cast<double>(age_sum[d]);
      }
      tl[cells] += away;
    });
    census.cells = std::move(t);
    census.cohorts = take_cohorts(ctx);
    // The away pool: the dormant agents but their gone (waiting for the sweep), and those who
    // left since the demography stage's last sweep (they join the dormant agents at the next).
    census.away = census.cells[cells] + census.cohorts.back();
    census.cells.resize(cells);
    census.cohorts.pop_back();
    return census;
  }

  /// The arrival cohorts (Census::cohorts): one pass over the residents (with the leavers not yet
  /// swept into the away pool) and one over the away pool, which also counts the pool's members
  /// (in a last slot after the cohorts).
  std::vector<double> take_cohorts(sim::StepContext& ctx) const {
    const std::size_t n_cohorts = sizes_.at("cohort");
    const std::size_t n = n_cohorts * kChannels * 4 * kWhereabouts + 1;
    const int start_month = s_.start.index();
    const int start_year = s_.start.year;
    const auto count = [&](const PersonRows& rows) {
      return [&rows, n_cohorts, start_month, start_year](const sched::BlockRange& r,
                                                         sim::BlockEffects& fx) {
        const PersonRows p = rows;
        auto t = fx.tally();
        double away = 0;
        for (std::size_t i = r.begin; i < r.end; ++i) {
          const std::uint8_t residence = p.residence[i];
          away += is_away(residence) ? 1.0 : 0.0;
          if (p.arrival_tick[i] < 0) continue;
          if (residence == static_cast<std::uint8_t>(Residence::kGone)) continue;
          const auto cohort =
              static_cast<std::size_t>((start_month + p.arrival_tick[i]) / 12 - start_year);
          if (cohort >= n_cohorts) continue;
          const std::size_t where = residence;  // kPresent 0, kAwayGermany 1, kAwayAbroad 2
          t[((cohort * kChannels + p.channel[i]) * 4 + p.qualification[i]) * kWhereabouts +
            where] += 1.0;
        }
        t[t.size() - 1] += away;
      };
    };
    const PersonRows residents(*ctx.agents, s_.cols);
    const PersonRows away(*ctx.dormant, s_.cols);
    std::vector<double> out = ctx.for_agents(n, count(residents));
    const std::vector<double> pool = ctx.for_dormant(n, count(away));
    for (std::size_t k = 0; k + 1 < n; ++k) out[k] += pool[k];
    out[n - 1] = pool[n - 1];  // the pool's members (the residents' leavers: the census)
    return out;
  }

  /// Publishes the indicators per district (weighted to full scale); their totals are the sums.
  void publish(const Census& c) {
    const double w = s_.weight;
    const std::size_t nd = c.districts;
    auto& b = s_.board;
    const auto& n = s_.indicators;
    std::vector<double> v(nd);
    auto per_district = [&](policy::IndicatorId id, auto f) {
      for (std::size_t d = 0; d < nd; ++d) v[d] = f(d) * w;
      b.publish(id, v);
    };
    per_district(n.population, [&](std::size_t d) { return c.at(d, Census::kPopulation); });
    per_district(n.foreign_population, [&](std::size_t d) { return c.at(d, Census::kForeign); });
    per_district(n.arrivals, [&](std::size_t d) { return s_.flow(d, MonthFlows::kArrivals); });
    per_district(n.arrivals_skilled,
                 [&](std::size_t d) { return s_.flow(d, MonthFlows::kArrivalsSkilled); });
    per_district(n.departures, [&](std::size_t d) {
      return s_.flow(d, MonthFlows::kDeparturesGermany) + s_.flow(d, MonthFlows::kDeparturesAbroad);
    });
    per_district(n.returns, [&](std::size_t d) { return s_.flow(d, MonthFlows::kReturns); });
    per_district(n.unemployed, [&](std::size_t d) { return c.at(d, Census::kUnemployed); });
    per_district(n.unemployed_foreign,
                 [&](std::size_t d) { return c.at(d, Census::kForeignUnemployed); });
    per_district(n.vacancies, [&](std::size_t d) { return s_.labour.open_in(d); });
    per_district(n.newcomers_below_b1,
                 [&](std::size_t d) { return c.at(d, Census::kNewcomersBelowB1); });
    per_district(n.course_participants, [&](std::size_t d) {
      return b.participants(s_.levers.language_course, d) / w;  // reported in persons already
    });
    b.publish_total(n.away_pool, c.away * w);
  }

  ModelState& s_;
  Series& out_;
  std::vector<int> bands_;
  std::vector<std::uint32_t> age_table_;  ///< by age in months: band << 1 | working age
  io::DimensionSizes sizes_;
  bool start_ = false;
};

io::DimensionSizes sizes_of(const Scenario& sc) {
  return output_sizes(sc.region->districts.size(), sc.run.output_age_bands.size(),
                      sc.region->occupation_groups.size(), sc.policies.size(),
                      cohort_years(sc.run.start, sc.run.months));
}

}  // namespace

struct ModelRun::Impl {
  ModelState state;
  std::unique_ptr<sim::Simulation> sim;
  Series series;
  policy::PolicyStage* policies = nullptr;
};

ModelRun::ModelRun(const Scenario& scenario, std::uint32_t replication, const sched::Executor& exec,
                   const policy::Registry& registry)
    : scenario_(&scenario), replication_(replication), impl_(std::make_unique<Impl>()) {
  ModelState& s = impl_->state;
  // The derived rates of the scenario (computed once at load), then this run's own board.
  s = *scenario.derived;
  s.board = policy::LeverBoard{};
  s.levers = Levers{};
  declare_board(s);
  s.synth = scenario.synth.get();
  s.weight = 1.0 / scenario.run.scale;
  s.start = scenario.run.start;
  s.flows.assign(s.flow_slots(), 0.0);

  const rng::RunKey run{scenario.run.seed, replication};
  storage::ColumnStore agents;
  s.cols = PersonColumns::declare(agents);
  build_population(s, agents, run);
  impl_->sim =
      std::make_unique<sim::Simulation>(std::move(agents), run, exec, scenario.run.block_size);
  seed_away_pool(s, impl_->sim->agents(), impl_->sim->dormant(), run);
  admission::warm_up(s, run);

  Diagnostics diags;
  auto policies = policy::instantiate(scenario.policies, registry, s.board, diags);
  diags.throw_if_any();
  auto policy_stage = std::make_unique<policy::PolicyStage>(
      s.board, std::move(policies), [&s](std::int32_t tick) { return s.calendar(tick); });
  impl_->policies = policy_stage.get();
  auto& sim = *impl_->sim;
  sim.add_stage(std::move(policy_stage));
  sim.add_stage(make_demography_stage(s));
  sim.add_stage(make_departure_stage(s));
  sim.add_stage(make_relocation_stage(s));
  sim.add_stage(make_arrival_stage(s));
  sim.add_stage(make_integration_stage(s));
  sim.add_stage(make_housing_stage(s));
  sim.add_stage(make_labour_stage(s));
  impl_->series = io::make_series(model_outputs().table);
  auto report = std::make_unique<ReportStage>(s, impl_->series, scenario.run.output_age_bands,
                                              sizes_of(scenario));
  // The state at the start (the end of the month before the first) goes into the file too.
  report->record_start_next();
  sim.observe(*report);
  sim.add_stage(std::move(report));
}

ModelRun::~ModelRun() = default;

void ModelRun::step() {
  impl_->sim->step();
}
std::int32_t ModelRun::tick() const noexcept {
  return impl_->sim->tick();
}
const Series& ModelRun::series() const noexcept {
  return impl_->series;
}
std::size_t ModelRun::agent_count() const noexcept {
  return impl_->sim->agents().size() + impl_->sim->dormant().size();
}
std::size_t ModelRun::bytes_per_agent() const noexcept {
  return impl_->sim->agents().bytes_per_row();
}
const storage::ColumnStore& ModelRun::agents() const noexcept {
  return impl_->sim->agents();
}
const storage::ColumnStore& ModelRun::away_pool() const noexcept {
  return impl_->sim->dormant();
}
const ModelState& ModelRun::state() const noexcept {
  return impl_->state;
}
Series ModelRun::take_series() noexcept {
  return std::move(impl_->series);
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

namespace {

[[noreturn]] void implausible(const std::string& entry, const std::string& what) {
  throw io::ArchiveError(fmt::format("entry '{}' {}", entry, what));
}

/// Every value of a column lies in [lo, hi].
template <class T>
void check_range(const storage::ColumnStore& a, storage::ColumnHandle<T> h, const std::string& name,
                 double lo, double hi) {
  for (const T v : a.span(h)) {
    const auto d = static_cast<double>(v);
    if (!(d >= lo && d <= hi)) {
      implausible(name, fmt::format("holds {}, outside [{}, {}]", d, lo, hi));
    }
  }
}

}  // namespace

void save_series(const Series& series, io::ArchiveWriter& ar, const std::string& prefix) {
  io::save_series(model_outputs().table, series, ar, prefix);
}

ResourcePlan plan_resources(const Scenario& sc) {
  ResourcePlan plan;
  double persons = 0;
  for (const double c : sc.synth->counts) persons += c;
  plan.initial_agents = persons * sc.run.scale;
  const auto& a = sc.params.arrival;
  const double arrivals_per_year =
      (a.from_germany_per_year + a.from_abroad_per_year + a.skilled.applications_per_year) * 1.25 *
      sc.run.scale;
  const double years = sc.run.months / 12.0;
  constexpr double kMaxBirthRate = 0.015;
  // Population growing by arrivals and births compounding: N(t) <= (N0 + A/b)(1+b)^t - A/b.
  const double growth = std::pow(1.0 + kMaxBirthRate, std::ceil(years));
  // The away pool seeded at the start (seed_away_pool) holds at most its leavers of the
  // away_pool_months before the start, none of them returned (+ one person per month of rounding).
  const auto& d = sc.params.departure;
  const double seeded =
      (d.seed_leavers_per_year / 12.0 * sc.run.scale + 1.0) * std::max(0, d.away_pool_months - 1);
  plan.peak_agents = (plan.initial_agents + arrivals_per_year / kMaxBirthRate) * growth -
                     arrivals_per_year / kMaxBirthRate + seeded;
  storage::ColumnStore probe;
  (void)PersonColumns::declare(probe);
  plan.bytes_per_agent = probe.bytes_per_row();
  const auto& table = model_outputs().table;
  const io::DimensionSizes sizes = sizes_of(sc);
  plan.series_bytes_per_replication =
      (table.per_month(sizes) * static_cast<std::size_t>(sc.run.months) +
       table.start_values(sizes)) *
      sizeof(double);
  return plan;
}

Series restore_series(const io::ArchiveReader& ar, const std::string& prefix, const Scenario& sc,
                      std::int32_t months_done) {
  if (months_done < 0 || months_done > sc.run.months) {
    throw io::ArchiveError(fmt::format("'{}': {} months done, the scenario has {}", prefix,
                                       months_done, sc.run.months));
  }
  // Every series value is a count, a mean age, a sum of euros or a stock: finite and far below
  // 1e15 (the archive reader has already refused NaN and infinities).
  return io::restore_series(model_outputs().table, sizes_of(sc), ar, prefix,
                            static_cast<std::size_t>(months_done), 1e15);
}

void ModelRun::save(io::ArchiveWriter& ar, const std::string& prefix) const {
  const ModelState& s = impl_->state;
  ar.put_scalar<std::int32_t>(prefix + "/tick", impl_->sim->tick());
  ar.put_scalar<std::uint32_t>(prefix + "/replication", replication_);
  impl_->sim->agents().save(ar, prefix + "/agents");
  impl_->sim->dormant().save(ar, prefix + "/away_pool");

  const std::size_t nd = s.n_districts();
  std::vector<double> carry0, carry1;
  for (const auto& d : s.districts) {
    carry0.push_back(d.arrival_carry[0]);
    carry1.push_back(d.arrival_carry[1]);
  }
  const std::string dp = prefix + "/districts/";
  ar.put_scalar<std::uint64_t>(dp + "count", nd);
  ar.put<double>(dp + "arrival_carry_germany", carry0);
  ar.put<double>(dp + "arrival_carry_abroad", carry1);
  s.admission.save(ar, prefix + "/admission");
  ar.put<double>(prefix + "/flows", s.flows);
  s.labour.save(ar, prefix + "/labour");
  s.housing.save(ar, prefix + "/housing");
  s.board.save(ar, prefix + "/board");
  impl_->policies->save(ar, prefix + "/policies");
  save_series(impl_->series, ar, prefix + "/series");
}

void ModelRun::restore(const io::ArchiveReader& ar, const std::string& prefix) {
  if (impl_->sim->tick() != 0) throw std::logic_error("ModelRun::restore after the first step");
  const auto tick = ar.get_scalar<std::int32_t>(prefix + "/tick");
  if (tick < 0 || tick > scenario_->run.months) {
    implausible(prefix + "/tick",
                fmt::format("is {}, the scenario has {} months", tick, scenario_->run.months));
  }
  const auto rep = ar.get_scalar<std::uint32_t>(prefix + "/replication");
  if (rep != replication_) {
    implausible(prefix + "/replication",
                fmt::format("is {}, expected replication {}", rep, replication_));
  }
  ModelState& s = impl_->state;
  const std::size_t nd = s.n_districts();
  const std::string dp = prefix + "/districts/";
  if (ar.get_scalar<std::uint64_t>(dp + "count") != nd) {
    implausible(dp + "count", fmt::format("differs from the scenario's {} districts", nd));
  }
  auto finite = [&](const char* name, double lo, double hi) {
    auto v = ar.get<double>(dp + name, nd);
    for (const double x : v) {
      if (!(x >= lo && x <= hi)) implausible(dp + name, fmt::format("holds {}", x));
    }
    return v;
  };
  constexpr double kHuge = 1e15;
  // Negative: returns beyond the stream carried as a deficit (arrival.cpp).
  const auto carry0 = finite("arrival_carry_germany", -kHuge, kHuge);
  const auto carry1 = finite("arrival_carry_abroad", -kHuge, kHuge);
  admission::State pipeline;
  pipeline.restore(ar, prefix + "/admission", nd, s.labour.groups);
  auto flows = ar.get<double>(prefix + "/flows", s.flows.size());
  for (const double x : flows) {
    if (!(std::abs(x) <= kHuge)) implausible(prefix + "/flows", fmt::format("holds {}", x));
  }
  Series series = restore_series(ar, prefix + "/series", *scenario_, tick);

  // Agents: restored into a scratch store first and checked, so that a bad checkpoint can never
  // reach a stage with an index out of range.
  storage::ColumnStore agents = impl_->sim->agents().empty_like();
  agents.restore(ar, prefix + "/agents");
  storage::ColumnStore away = impl_->sim->agents().empty_like();
  away.restore(ar, prefix + "/away_pool");
  const auto& c = s.cols;
  const std::size_t districts = nd;
  const std::size_t groups = s.labour.groups;
  for (const auto& [store, ap] :
       {std::pair{&agents, prefix + "/agents/"}, std::pair{&away, prefix + "/away_pool/"}}) {
#define BROCKEN_X(type, column, short_name, lo, hi) \
  check_range(*store, c.column, ap + #column, lo, hi);
    BROCKEN_PERSON_COLUMNS(BROCKEN_X)
#undef BROCKEN_X
  }
  // Only persons away are in the pool, and the gone of the pool until the next sweep (the agents
  // hold residents, those who left since the last sweep and the gone).
  for (const auto r : away.span(c.residence)) {
    if (!is_away(r) && r != static_cast<std::uint8_t>(Residence::kGone)) {
      implausible(prefix + "/away_pool/residence", "holds a resident");
    }
  }

  s.labour.restore(ar, prefix + "/labour");
  s.housing.restore(ar, prefix + "/housing");
  s.board.restore(ar, prefix + "/board");
  impl_->policies->restore(ar, prefix + "/policies");
  for (std::size_t d = 0; d < nd; ++d) s.districts[d].arrival_carry = {carry0[d], carry1[d]};
  s.admission.districts = std::move(pipeline.districts);
  s.flows = std::move(flows);
  // Persons in a language course, from the column (integration.cpp keeps the count).
  s.course_enrolled.assign(nd, 0.0);
  {
    const auto course = agents.span(c.course);
    const auto district = agents.span(c.district);
    for (std::size_t i = 0; i < course.size(); ++i) {
      if (course[i] > 0 && course[i] <= kCourseMonths) s.course_enrolled[district[i]] += 1;
    }
  }
  impl_->series = std::move(series);
  impl_->sim->agents() = std::move(agents);
  impl_->sim->dormant() = std::move(away);
  impl_->sim->restore_tick(tick);
}

io::Dataset make_dataset(const Scenario& sc, const std::vector<const Series*>& runs,
                         const std::vector<std::string>& policy_names, io::Attributes attrs) {
  io::Dataset ds;
  const std::size_t nt = static_cast<std::size_t>(sc.run.months);
  for (const Series* r : runs) {
    if (r->months(model_outputs().table, sizes_of(sc)) != nt) {
      throw std::logic_error("make_dataset: a replication's series do not cover the scenario");
    }
  }
  const bool ensemble = runs.size() > 1;
  const std::string start = fmt::format("{:04d}-{:02d}-01", sc.run.start.year, sc.run.start.month);

  // time: days since the first day of the start month, one value per month (its first day).
  io::Dimension time{"time", {}, {}, {}};
  for (std::size_t t = 0; t < nt; ++t) {
    const int idx = sc.run.start.index() + static_cast<int>(t);
    const int y = idx / 12;
    const int m = idx % 12 + 1;
    // Days from civil date (Howard Hinnant's algorithm), relative to the start month.
    auto days = [](int yy, int mm) {
      yy -= mm <= 2 ? 1 : 0;
      const int era = (yy >= 0 ? yy : yy - 399) / 400;
      const int yoe = yy - era * 400;
      const int doy = (153 * (mm + (mm > 2 ? -3 : 9)) + 2) / 5;
      const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
      return era * 146097 + doe;
    };
    time.numeric.push_back(
        static_cast<double>(days(y, m) - days(sc.run.start.year, sc.run.start.month)));
  }
  time.attrs["units"] = "days since " + start;
  time.attrs["calendar"] = "standard";
  time.attrs["long_name"] = "first day of the simulated month; stocks refer to the month's end";
  ds.dims.push_back(std::move(time));

  io::Dimension district{"district", {}, {}, {}};
  io::Variable names{
      "district_name", "", {"district"}, {}, {}, {{"long_name", std::string("district name")}}};
  for (const auto& d : sc.region->districts) {
    district.text.push_back(d.ags);
    names.text.push_back(d.name);
  }
  district.attrs["long_name"] = "official district key (AGS)";
  ds.dims.push_back(std::move(district));
  ds.vars.push_back(std::move(names));

  std::vector<std::string> lead;
  if (ensemble) {
    io::Dimension rep{"replication", {}, {}, {}};
    for (std::size_t r = 0; r < runs.size(); ++r) rep.numeric.push_back(static_cast<double>(r));
    rep.attrs["long_name"] = "replication index (random stream)";
    ds.dims.push_back(std::move(rep));
    lead.push_back("replication");
  }
  io::Dimension band{"age_band", {}, {}, {}};
  for (std::size_t b = 0; b < sc.run.output_age_bands.size(); ++b) {
    const int lo = sc.run.output_age_bands[b];
    band.text.push_back(b + 1 < sc.run.output_age_bands.size()
                            ? fmt::format("{}-{}", lo, sc.run.output_age_bands[b + 1] - 1)
                            : fmt::format("{}+", lo));
  }
  band.attrs["long_name"] = "age band in completed years";
  ds.dims.push_back(std::move(band));
  ds.dims.push_back(io::Dimension{"sex", {}, {"male", "female"}, {}});
  ds.dims.push_back(io::Dimension{"nationality", {}, {"german", "eu", "third_country"}, {}});
  ds.dims.push_back(
      io::Dimension{"qualification", {}, {"unknown", "low", "vocational", "academic"}, {}});
  io::Dimension occupation{"occupation", {}, sc.region->occupation_groups, {}};
  occupation.attrs["long_name"] =
      "occupation group (KldB 2010 3-digit groups mapped to the model's groups)";
  ds.dims.push_back(std::move(occupation));
  if (!policy_names.empty()) {
    io::Dimension policy{"policy", {}, policy_names, {}};
    policy.attrs["long_name"] = "policy instance (its key under `policies:` in the scenario)";
    ds.dims.push_back(std::move(policy));
    io::Dimension category{"cost_category", {}, {}, {}};
    for (const auto name : policy::kCostNames) category.text.emplace_back(name);
    category.attrs["long_name"] =
        "investment: one-off outlays; running: recurring costs; per_participant: programme "
        "places used";
    ds.dims.push_back(std::move(category));
  }
  io::Dimension channel{"channel", {}, {}, {}};
  for (const char* name : kChannelNames) channel.text.emplace_back(name);
  channel.attrs["long_name"] =
      "channel of the first arrival in the state (initial: resident at the start or in the away "
      "pool then; born: born in the state during the run)";
  ds.dims.push_back(std::move(channel));
  io::Dimension cohort{"cohort", {}, {}, {}};
  for (std::size_t y = 0; y < cohort_years(sc.run.start, sc.run.months); ++y)
    cohort.numeric.push_back(static_cast<double>(sc.run.start.year) + static_cast<double>(y));
  cohort.attrs["long_name"] = "calendar year of the first arrival in the state";
  ds.dims.push_back(std::move(cohort));
  io::Dimension language{"language", {}, {"A0", "A1", "A2", "B1", "B2+"}, {}};
  language.attrs["long_name"] = "German level (CEFR; B2+ = B2 or above)";
  ds.dims.push_back(std::move(language));
  io::Dimension recognition{
      "recognition", {}, {"not_needed", "none", "partial", "full", "pending"}, {}};
  recognition.attrs["long_name"] =
      "recognition of a foreign qualification (not_needed: no foreign qualification that needs "
      "recognition; none: needed, not applied for or refused; partial: in a compensation "
      "measure; pending: an application being processed)";
  ds.dims.push_back(std::move(recognition));
  io::Dimension step{"admission_step", {}, {}, {}};
  for (const char* name : admission::kStepNames) step.text.emplace_back(name);
  step.attrs["long_name"] =
      "step of the admission procedure of third-country skilled workers (docs/model.md)";
  ds.dims.push_back(std::move(step));
  io::Dimension where{"whereabouts", {}, {"resident", "away_germany", "away_abroad"}, {}};
  where.attrs["long_name"] =
      "where a member of an arrival cohort is: resident in the state, or in the away pool in "
      "the rest of Germany or abroad";
  ds.dims.push_back(std::move(where));
  // Every variable comes from the output table (outputs.cpp); those over a dimension of size 0
  // (no policies: no spending) are left out.
  io::add_series_variables(ds, model_outputs().table, sizes_of(sc), runs, lead);
  ds.attrs = std::move(attrs);
  return ds;
}

}  // namespace brocken::migration
