// Arrivals across the state border: two free streams (from the rest of Germany, from abroad), each
// a mix of channels (docs/model.md, "Arrival"), and the entrants of the admission pipeline of
// third-country skilled workers (admission/: recognition, agency approval, visa appointment and
// decision, entry, as Blue Card or 18a/b skilled-worker visa holders).
// Serial: new rows are appended in a fixed order (district, then stream, then sequence), and every
// attribute of a new person, its channel first, is drawn from its own key, so the result does not
// depend on threads.
#include "models/migration/arrival.hpp"

#include <algorithm>
#include <cmath>

#include "models/migration/admission/admission.hpp"
#include "models/migration/integration.hpp"
#include "models/migration/stages.hpp"

namespace brocken::migration {
namespace {

enum Stream : std::uint64_t { kFromGermany = 1, kFromAbroad = 2, kSkilled = 3 };

/// The key stream of a stream's arrivals into district d: the arrivals of one district are
/// numbered on their own, so that their keys (and all their random numbers) do not depend on how
/// many arrived in the other districts (a policy that changes one district leaves the others'
/// newcomers as they were).
constexpr std::uint64_t key_stream(Stream s, std::size_t d) {
  return (static_cast<std::uint64_t>(d) << 8U) | s;
}

class ArrivalStage final : public sim::Stage {
 public:
  explicit ArrivalStage(ModelState& s) : s_(s) {}
  [[nodiscard]] std::string_view name() const override { return "arrival"; }

  void run(sim::StepContext& ctx) override {
    const auto& p = s_.params.arrival;
    const std::size_t nd = s_.n_districts();
    for (auto& pipeline : s_.admission.districts) pipeline.flows = admission::DistrictFlows{};
    for (std::size_t d = 0; d < nd; ++d) {
      DistrictState& ds = s_.districts[d];
      std::uint64_t seq_germany = 0;
      std::uint64_t seq_abroad = 0;
      // Free streams. The observed inflows contain the returns of former residents, which the
      // departure stage has already brought back this month: the streams bring the rest.
      const std::size_t n_de =
          take(ds.arrival_carry[0], p.from_germany_per_year / 12.0 * s_.scale * s_.arrival_share[d],
               s_.flow(d, MonthFlows::kReturnsGermany));
      const std::size_t n_ab =
          take(ds.arrival_carry[1], p.from_abroad_per_year / 12.0 * s_.scale * s_.arrival_share[d],
               s_.flow(d, MonthFlows::kReturnsAbroad));
      for (std::size_t k = 0; k < n_de; ++k) {
        add_person(ctx,
                   rng::agent_key::arrival(key_stream(kFromGermany, d), ctx.tick, seq_germany++), d,
                   0, nullptr);
      }
      for (std::size_t k = 0; k < n_ab; ++k) {
        add_person(ctx, rng::agent_key::arrival(key_stream(kFromAbroad, d), ctx.tick, seq_abroad++),
                   d, 1, nullptr);
      }
      // The admission pipeline (admission/): this month's applications and steps; those who
      // complete the entry step arrive.
      entered_.clear();
      admission::month(s_, d, ctx.tick, ctx.run, key_stream(kSkilled, d), entered_);
      const std::size_t n_sk = entered_.size();
      for (const admission::Candidate& c : entered_) add_person(ctx, c.key, d, kPipeline, &c);
      s_.flow(d, MonthFlows::kArrivals) += static_cast<double>(n_de + n_ab + n_sk);
      s_.flow(d, MonthFlows::kArrivalsSkilled) += static_cast<double>(n_sk);
    }
  }

 private:
  static constexpr int kPipeline = -1;  ///< add_person's `stream` for the admission pipeline

  /// Whole persons from an expected count less those already counted (`returned`), carrying
  /// the fraction to the next month. More returns than the stream's month are carried as a
  /// deficit of at most a year of the stream, so that newcomers plus returns keep the stream's
  /// volume over time.
  static std::size_t take(double& carry, double expected, double returned) {
    const double total = carry + expected - returned;
    if (total < 0) {
      carry = std::max(total, -12.0 * expected);
      return 0;
    }
    const double whole = std::floor(total);
    carry = total - whole;
    return static_cast<std::size_t>(whole);
  }

  static std::size_t pick(double u, const double* shares, std::size_t n) {
    double acc = 0;
    for (std::size_t k = 0; k + 1 < n; ++k) {
      acc += shares[k];
      if (u < acc) return k;
    }
    return n - 1;
  }

  /// The channel of a newcomer of free stream `stream` (0 rest of Germany, 1 abroad) from a
  /// uniform number: in proportion to the channels' shares of the stream.
  [[nodiscard]] Channel stream_channel(int stream, double u) const {
    const auto& ch = s_.params.arrival.channels;
    double acc = 0;
    Channel last = Channel::kInitial;
    for (int c = 0; c < kChannels; ++c) {
      if (channel_stream(static_cast<Channel>(c)) != stream) continue;
      last = static_cast<Channel>(c);
      acc += ch[static_cast<std::size_t>(c)].share;
      if (u < acc) return last;
    }
    return last;
  }

  /// Appends one newcomer of free stream `stream` (0, 1) or of the pipeline (kPipeline, with its
  /// case `cand`: channel, occupation, German level, recognition and job offer come from the
  /// case). Every number is drawn from the person's key, in a fixed order whatever the branches.
  void add_person(sim::StepContext& ctx, std::uint64_t key, std::size_t d, int stream,
                  const admission::Candidate* cand) {
    auto& a = *ctx.agents;
    const auto& c = s_.cols;
    const auto& p = s_.params;
    const std::size_t i = a.append_rows(1);
    rng::Draw draw(ctx.run, key, ctx.tick, decisions::kArrivalAttributes);
    const bool skilled = stream == kPipeline;
    const double u_channel = draw.uniform();
    const Channel channel =
        skilled ? ((cand->flags & admission::kAcademic) != 0 ? Channel::kBlueCard
                                                             : Channel::kSkilledVisa)
                : stream_channel(stream, u_channel);
    const ChannelParams& cp = p.arrival.channels[static_cast<std::size_t>(channel)];
    const std::size_t band = pick(draw.uniform(), cp.age_band_shares.data(), kAgeBands);
    const int lo = age_band_lower(static_cast<int>(band));
    const int hi = band + 1 < kAgeBands ? age_band_lower(static_cast<int>(band) + 1)
                                        : p.arrival.oldest_arrival_age_years;
    const int age_months =
        lo * 12 + static_cast<int>(draw.below(static_cast<std::uint32_t>((hi - lo) * 12)));
    const Nationality nat = channel_nationality(channel, draw.uniform() < cp.eu_share);
    const int entry = static_cast<int>(p.demography.labour_entry_age_years * 12.0);

    a.span(c.key)[i] = key;
    a.span(c.age_months)[i] = static_cast<std::int16_t>(age_months);
    a.span(c.months_here)[i] = 0;
    a.span(c.away_months)[i] = 0;
    a.span(c.arrival_tick)[i] = static_cast<std::int16_t>(ctx.tick);
    a.span(c.ties)[i] = 0.0F;
    a.span(c.sex)[i] = static_cast<std::uint8_t>(draw.uniform() < 0.5 ? Sex::kMale : Sex::kFemale);
    a.span(c.district)[i] = static_cast<std::uint8_t>(d);
    a.span(c.nationality)[i] = static_cast<std::uint8_t>(nat);
    a.span(c.residence)[i] = static_cast<std::uint8_t>(Residence::kPresent);
    a.span(c.housed)[i] = housing::kTemporaryCode;
    a.span(c.channel)[i] = static_cast<std::uint8_t>(channel);
    a.span(c.lived_here_before)[i] = 0;
    s_.channel_flow(ChannelFlows::kArrivals, static_cast<std::size_t>(channel)) += 1.0;

    Status status = Status::kUnemployed;
    const double u_job = draw.uniform();
    if (age_months < entry) {
      status = Status::kChild;
    } else if (age_months >= s_.retirement_months(ctx.tick, age_months)) {
      status = Status::kRetired;
    } else if (skilled ? (cand->flags & admission::kJobOffer) != 0 : u_job < cp.employed_share) {
      status = Status::kEmployed;  // the job offer of the application (Blue Card, 18a/b)
    }
    a.span(c.status)[i] = static_cast<std::uint8_t>(status);
    // Occupation group: an arrival with a job takes an open registered vacancy of the district
    // (group in proportion to the open vacancies) if the job was registered with the BA, which
    // holds for the registered share of all vacancies (labour.replacement_share, BIBB); the
    // others' jobs are in the district's employee mix. Arrivals without a job search in the
    // district's mix of the unemployed for their nationality group (labour/labour.hpp). The
    // registration is decided by the same uniform as the job: u_job below the employed share
    // times the registered share (or, in the pipeline, below the registered share).
    const double u_group = draw.uniform();
    const bool foreign = nat != Nationality::kGerman;
    if (foreign) s_.flow(d, MonthFlows::kArrivalsForeign) += 1.0;
    const double registered = p.labour.replacement_share;
    const bool registered_job =
        skilled ? u_job < registered : u_job < cp.employed_share * registered;
    if (skilled) {
      // The group of the job offer; a registered one is taken from the district's vacancies.
      a.span(c.occupation)[i] = cand->occupation;
      if (status == Status::kEmployed && registered_job) {
        s_.labour.take_vacancy_in(d, cand->occupation);
        s_.flow(d, MonthFlows::kHires) += 1.0;
      }
    } else if (status == Status::kEmployed && registered_job) {
      a.span(c.occupation)[i] = s_.labour.take_vacancy(d, foreign, u_group);
      s_.flow(d, MonthFlows::kHires) += 1.0;
    } else if (status == Status::kEmployed) {
      a.span(c.occupation)[i] = s_.labour.draw_group(s_.labour.employed_cdf, d, foreign, u_group);
    } else {
      a.span(c.occupation)[i] = s_.labour.draw_group(
          status == Status::kUnemployed ? s_.labour.unemployed_cdf : s_.labour.employed_cdf, d,
          foreign, u_group);
    }

    const double u_lang = draw.uniform();
    a.span(c.language)[i] = skilled ? cand->language
                            : foreign
                                ? static_cast<std::uint8_t>(pick(u_lang, cp.language.data(), 5))
                                : std::uint8_t{4};
    Recognition rec = Recognition::kNotNeeded;
    Qualification qual = Qualification::kUnknown;
    const double u_rec = draw.uniform();
    const double u_qual = draw.uniform();
    if (skilled) {
      // The outcome of the pipeline's recognition step (not needed: a degree in a
      // non-regulated occupation).
      rec = static_cast<Recognition>(cand->recognition);
      qual = channel == Channel::kBlueCard ? Qualification::kAcademic : Qualification::kVocational;
    } else if (status != Status::kChild) {
      qual = cp.qualification_as_residents
                 ? static_cast<Qualification>(labour::draw_qualification(s_, status, u_qual))
                 : static_cast<Qualification>(1 + pick(u_qual, cp.qualification.data(), 3));
      rec = newcomer_recognition(s_, foreign, qual, a.span(c.occupation)[i], d, u_rec);
    }
    a.span(c.recognition)[i] = static_cast<std::uint8_t>(rec);
    a.span(c.qualification)[i] = static_cast<std::uint8_t>(qual);
    const double u_disc = draw.uniform();
    (void)u_disc;  // experienced discrimination comes from events (integration.cpp)
    a.span(c.discriminated)[i] = 0;
  }

  ModelState& s_;
  std::vector<admission::Candidate> entered_;
};

}  // namespace

void derive_arrival(ModelState& s) {
  const RegionData& r = *s.region;
  double pop_total = 0, v_total = 0;
  for (const auto& d : r.districts) {
    pop_total += d.population_base;
    v_total += d.vacancies;
  }
  s.arrival_share.assign(r.districts.size(), 0.0);
  s.application_share.assign(r.districts.size(), 0.0);
  for (std::size_t d = 0; d < r.districts.size(); ++d) {
    s.arrival_share[d] = r.districts[d].population_base / pop_total;
    s.application_share[d] = v_total > 0 ? r.districts[d].vacancies / v_total : s.arrival_share[d];
  }
  admission::derive_admission(s);
}

double channel_per_year(const ArrivalParams& p, Channel c) noexcept {
  const int stream = channel_stream(c);
  if (stream < 0) return 0.0;
  return (stream == 0 ? p.from_germany_per_year : p.from_abroad_per_year) *
         p.channels[static_cast<std::size_t>(c)].share;
}

double channel_working_age_share(const ModelState& s, Channel c) {
  const auto& pa = s.params.arrival;
  const auto& shares = pa.channels[static_cast<std::size_t>(c)].age_band_shares;
  const int entry_months = static_cast<int>(s.params.demography.labour_entry_age_years * 12.0);
  const int retire_months = s.retirement_months(0, s.retirement_months(0, 0));
  double share = 0;
  for (int b = 0; b < kAgeBands; ++b) {
    const int lo = age_band_lower(b) * 12;
    const int hi = (b + 1 < kAgeBands ? age_band_lower(b + 1) : pa.oldest_arrival_age_years) * 12;
    const int overlap = std::max(0, std::min(hi, retire_months) - std::max(lo, entry_months));
    share += shares[static_cast<std::size_t>(b)] * static_cast<double>(overlap) /
             static_cast<double>(hi - lo);
  }
  return share;
}

AgeBandShares foreign_arrival_age_bands(const ArrivalParams& p) noexcept {
  // Weighted by newcomers a year; by the channels' shares alone where the streams are empty (a
  // closed population still has the foreign residents that past arrivals brought).
  const bool empty = p.from_germany_per_year + p.from_abroad_per_year <= 0;
  AgeBandShares mix{};
  double total = 0;
  for (int c = 0; c < kChannels; ++c) {
    const auto ch = static_cast<Channel>(c);
    if (channel_stream(ch) < 0 || channel_nationality(ch, true) == Nationality::kGerman) continue;
    const double w =
        empty ? p.channels[static_cast<std::size_t>(c)].share : channel_per_year(p, ch);
    total += w;
    for (std::size_t b = 0; b < mix.size(); ++b)
      mix[b] += w * p.channels[static_cast<std::size_t>(c)].age_band_shares[b];
  }
  if (total > 0) {
    for (double& x : mix) x /= total;
  }
  return mix;
}

std::unique_ptr<sim::Stage> make_arrival_stage(ModelState& state) {
  return std::make_unique<ArrivalStage>(state);
}

}  // namespace brocken::migration
