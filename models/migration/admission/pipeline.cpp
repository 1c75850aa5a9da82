// The admission pipeline's monthly arithmetic (pipeline.hpp).
#include "models/migration/admission/pipeline.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace brocken::migration::admission {

int next_step(const Candidate& c, int from) noexcept {
  for (int s = from; s < kSteps; ++s) {
    if (s == static_cast<int>(Step::kRecognition) && (c.flags & kNeedsRecognition) == 0) continue;
    if (s == static_cast<int>(Step::kApproval) && (c.flags & kJobOffer) == 0) continue;
    return s;
  }
  return kSteps;
}

double points(const Candidate& c, const Selection& sel) noexcept {
  return ((c.flags & kShortage) != 0 ? sel.points_shortage : 0.0) +
         ((c.flags & kAcademic) != 0 ? sel.points_academic : 0.0) +
         sel.points_per_language_level * static_cast<double>(c.language) +
         ((c.flags & kJobOffer) != 0 ? sel.points_job_offer : 0.0);
}

void advance(DistrictPipeline& p, const MonthRules& rules, const rng::RunKey& run,
             std::vector<Candidate>& entered) {
  const double month_start = static_cast<double>(rules.tick) * kDaysPerMonth;
  const double month_end = month_start + kDaysPerMonth;
  DistrictFlows& f = p.flows;
  // Cases that leave (abandoned, rejected, entered) are marked with step = kSteps + 1 and dropped
  // at the end.
  constexpr std::uint8_t kDropped = kSteps + 1;
  // Abandonment: cases waiting in a queue at the start of the month.
  if (rules.abandon > 0) {
    const rng::DecisionStream abandon(run, rules.tick, decisions::kAbandon);
    for (Candidate& c : p.cases) {
      if (c.in_service != 0 || c.ready >= month_start) continue;
      if (abandon(c.key).bernoulli(rules.abandon)) {
        c.step = kDropped;
        f.abandoned += 1;
      }
    }
  }
  std::vector<std::size_t> waiting;
  for (int s = 0; s < kSteps; ++s) {
    const auto su = static_cast<std::size_t>(s);
    // Take-up: the cases waiting in this step's queue by the month's end, § 81a first, then by
    // points, then by the day they joined the queue (the key breaks ties).
    waiting.clear();
    for (std::size_t i = 0; i < p.cases.size(); ++i) {
      const Candidate& c = p.cases[i];
      if (c.step == s && c.in_service == 0 && c.ready < month_end) waiting.push_back(i);
    }
    std::size_t take = waiting.size();
    const bool limited = rules.capacity[su] >= 0;
    double slots = 0;  // the month's whole capacity: one take-up every month / slots days
    if (limited) {
      const double available = rules.capacity[su] + p.capacity_carry[su];
      const double whole = std::floor(available);
      p.capacity_carry[su] = available - whole;
      slots = whole;
      take = std::min(take, static_cast<std::size_t>(whole));
      if (take < waiting.size()) {
        const auto order = [&](std::size_t a, std::size_t b) {
          const Candidate& x = p.cases[a];
          const Candidate& y = p.cases[b];
          const bool ax = (x.flags & kAccelerated) != 0;
          const bool ay = (y.flags & kAccelerated) != 0;
          if (ax != ay) return ax;
          const double px = points(x, rules.selection);
          const double py = points(y, rules.selection);
          if (px != py) return px > py;
          if (x.ready != y.ready) return x.ready < y.ready;
          return x.key < y.key;
        };
        std::partial_sort(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(take),
                          waiting.end(), order);
      }
    }
    if (take > 0) {
      const rng::DecisionStream duration(run, rules.tick, decisions::kDuration[su]);
      for (std::size_t k = 0; k < take; ++k) {
        Candidate& c = p.cases[waiting[k]];
        // A limited step takes cases up spread over the month (the k-th at its slot), an
        // unlimited one at once.
        const double slot =
            limited ? month_start + kDaysPerMonth * (static_cast<double>(k) + 0.5) / slots
                    : month_start;
        const double begin = std::max(c.ready, slot);
        f.started[su] += 1;
        f.wait_days[su] += begin - c.ready;
        const double mean =
            (c.flags & kAccelerated) != 0 ? rules.days_accelerated[su] : rules.days[su];
        const double u = duration(c.key).uniform();
        c.ready = begin - mean * std::log1p(-u);
        c.in_service = 1;
      }
    }
    // Completion within the month: the outcome, then the next step's queue (from the day of
    // completion) or entry.
    const rng::DecisionStream outcome(run, rules.tick, decisions::kOutcome);
    for (Candidate& c : p.cases) {
      if (c.step != s || c.in_service == 0 || c.ready >= month_end) continue;
      bool pass = true;
      if (s == static_cast<int>(Step::kRecognition)) {
        const double u = outcome(c.key).uniform();
        if (u < rules.recognition_full) {
          c.recognition = kRecognitionFull;
        } else if (u < rules.recognition_full + rules.recognition_none) {
          pass = false;
        } else {
          c.recognition = kRecognitionPartial;
        }
      } else if (s == static_cast<int>(Step::kApproval)) {
        pass = points(c, rules.selection) >= rules.selection.min_points;
      }
      if (!pass) {
        f.rejected[su] += 1;
        c.step = kDropped;
        continue;
      }
      f.passed[su] += 1;
      c.in_service = 0;
      c.step = static_cast<std::uint8_t>(next_step(c, s + 1));
      if (c.step == kSteps) {
        f.entered += 1;
        if (f.entered_by_group.size() <= c.occupation)
          f.entered_by_group.resize(c.occupation + 1U, 0.0);
        f.entered_by_group[c.occupation] += 1;
        f.procedure_days += c.ready - static_cast<double>(c.applied) * kDaysPerMonth;
        entered.push_back(c);
        c.step = kDropped;
      }
    }
  }
  std::erase_if(p.cases, [](const Candidate& c) { return c.step == kDropped; });
}

void State::clear_flows() noexcept {
  for (auto& d : districts) d.flows = DistrictFlows{};
}

std::size_t State::cases() const noexcept {
  std::size_t n = 0;
  for (const auto& d : districts) n += d.cases.size();
  return n;
}

void State::save(io::ArchiveWriter& ar, const std::string& prefix) const {
  std::vector<std::uint64_t> count, key;
  std::vector<double> ready, carry;
  std::vector<std::int16_t> applied;
  std::vector<std::uint8_t> bytes;  // step, in_service, occupation, language, flags, recognition
  for (const auto& d : districts) {
    count.push_back(d.cases.size());
    carry.push_back(d.application_carry);
    carry.insert(carry.end(), d.capacity_carry.begin(), d.capacity_carry.end());
    for (const Candidate& c : d.cases) {
      key.push_back(c.key);
      ready.push_back(c.ready);
      applied.push_back(c.applied);
      bytes.insert(bytes.end(),
                   {c.step, c.in_service, c.occupation, c.language, c.flags, c.recognition});
    }
  }
  ar.put<std::uint64_t>(prefix + "/count", count);
  ar.put<double>(prefix + "/carry", carry);
  ar.put<std::uint64_t>(prefix + "/key", key);
  ar.put<double>(prefix + "/ready", ready);
  ar.put<std::int16_t>(prefix + "/applied", applied);
  ar.put<std::uint8_t>(prefix + "/attributes", bytes);
}

namespace {
[[noreturn]] void implausible(const std::string& entry, const std::string& what) {
  throw io::ArchiveError(fmt::format("entry '{}' {}", entry, what));
}
}  // namespace

void State::restore(const io::ArchiveReader& ar, const std::string& prefix, std::size_t nd,
                    std::size_t groups) {
  const auto count = ar.get<std::uint64_t>(prefix + "/count", nd);
  std::uint64_t total = 0;
  for (const auto n : count) {
    if (n > 10'000'000) implausible(prefix + "/count", fmt::format("holds {}", n));
    total += n;
  }
  const auto n = static_cast<std::size_t>(total);
  const auto carry = ar.get<double>(prefix + "/carry", nd * (1 + kSteps));
  for (const double x : carry) {
    if (!(x >= 0 && x <= 1e15)) implausible(prefix + "/carry", fmt::format("holds {}", x));
  }
  const auto key = ar.get<std::uint64_t>(prefix + "/key", n);
  const auto ready = ar.get<double>(prefix + "/ready", n);
  const auto applied = ar.get<std::int16_t>(prefix + "/applied", n);
  const auto bytes = ar.get<std::uint8_t>(prefix + "/attributes", n * 6);
  for (const double x : ready) {
    if (!std::isfinite(x)) implausible(prefix + "/ready", fmt::format("holds {}", x));
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t* b = bytes.data() + i * 6;
    if (b[0] >= kSteps || b[1] > 1 || b[2] >= groups || b[3] > 4 || b[4] >= 32 || b[5] > 3) {
      implausible(prefix + "/attributes", fmt::format("case {} holds values no run produces", i));
    }
  }
  districts.assign(nd, DistrictPipeline{});
  std::size_t at = 0;
  for (std::size_t d = 0; d < nd; ++d) {
    DistrictPipeline& p = districts[d];
    p.application_carry = carry[d * (1 + kSteps)];
    for (int s = 0; s < kSteps; ++s)
      p.capacity_carry[static_cast<std::size_t>(s)] =
          carry[d * (1 + kSteps) + 1 + static_cast<std::size_t>(s)];
    for (std::uint64_t k = 0; k < count[d]; ++k, ++at) {
      const std::uint8_t* b = bytes.data() + at * 6;
      p.cases.push_back(Candidate{.key = key[at],
                                  .ready = ready[at],
                                  .applied = applied[at],
                                  .step = b[0],
                                  .in_service = b[1],
                                  .occupation = b[2],
                                  .language = b[3],
                                  .flags = b[4],
                                  .recognition = b[5]});
    }
  }
}

}  // namespace brocken::migration::admission
