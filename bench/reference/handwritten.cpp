#include "bench/reference/handwritten.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

namespace brocken::bench {

namespace {

/// Calls body(i) for i in [0, n): serially without an arena, otherwise one task per index on the
/// arena. ThreadSanitizer builds (BROCKEN_EXECUTOR_STD_THREADS) use `threads` std::threads that
/// take indices from an atomic counter instead, for the reason given in
/// engine/sched/executor.hpp (Debian's TBB is not instrumented).
template <class Body>
void run_tasks(oneapi::tbb::task_arena* arena, [[maybe_unused]] int threads, std::size_t n,
               const Body& body) {
  if (arena == nullptr || n <= 1) {
    for (std::size_t i = 0; i < n; ++i) body(i);
    return;
  }
#ifdef BROCKEN_EXECUTOR_STD_THREADS
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) body(i);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
#else
  arena->execute([&] {
    oneapi::tbb::parallel_for(
        oneapi::tbb::blocked_range<std::size_t>(0, n, 1),
        [&](const oneapi::tbb::blocked_range<std::size_t>& r) {
          for (std::size_t i = r.begin(); i != r.end(); ++i) body(i);
        },
        oneapi::tbb::simple_partitioner());
  });
#endif
}

/// Calls f(begin, end, block) for every block of [0, rows), serially or on the arena.
template <class F>
void for_blocks(oneapi::tbb::task_arena* arena, int threads, std::size_t rows,
                std::size_t block_size, const F& f) {
  const std::size_t blocks = (rows + block_size - 1) / block_size;
  run_tasks(arena, threads, blocks, [&](std::size_t b) {
    const std::size_t begin = b * block_size;
    f(begin, std::min(begin + block_size, rows), b);
  });
}

/// Moves block b's `kept[b]` leading rows (at b * block_size) down to their final offset.
template <class T>
void move_segments(std::vector<T>& col, const std::vector<std::size_t>& kept,
                   std::size_t block_size) {
  std::size_t out = kept.empty() ? 0 : kept[0];
  for (std::size_t b = 1; b < kept.size(); ++b) {
    if (kept[b] != 0 && out != b * block_size) {
      std::memmove(col.data() + out, col.data() + b * block_size, kept[b] * sizeof(T));
    }
    out += kept[b];
  }
  col.resize(out);
}

}  // namespace

HandwrittenReference::HandwrittenReference(const ReferenceConfig& config, int threads)
    : config_(config), threads_(threads) {
  if (threads < 1) throw std::invalid_argument("HandwrittenReference: threads must be >= 1");
  if (config.block_size == 0) throw std::invalid_argument("block size must be > 0");
  if (threads > 1) arena_ = std::make_unique<oneapi::tbb::task_arena>(threads);
  const std::size_t n = config.agents;
  key_.resize(n);
  age_months_.resize(n);
  months_here_.assign(n, 0);
  integration_.resize(n);
  const rng::DecisionStream init(rng::RunKey{config.seed, 0}, 0, kInit);
  for_blocks(arena_.get(), threads_, n, config.block_size,
             [&](std::size_t begin, std::size_t end, auto) {
               for (std::size_t i = begin; i < end; ++i) {
                 const InitialPerson p = initial_person(init, i);
                 key_[i] = p.key;
                 age_months_[i] = p.age_months;
                 integration_[i] = p.integration;
               }
             });
}

HandwrittenReference::~HandwrittenReference() = default;

void HandwrittenReference::step() {
  if (tick_ >= kMaxMonths) throw std::logic_error("hand-written reference: too many months");
  if (threads_ == 1) {
    step_serial();
  } else {
    step_parallel();
  }
  ++tick_;
}

void HandwrittenReference::step_serial() {
  const rng::DecisionStream stream(rng::RunKey{config_.seed, 0}, tick_, kMonth);
  std::uint64_t* key = key_.data();
  std::int16_t* age = age_months_.data();
  std::int16_t* here = months_here_.data();
  float* integ = integration_.data();
  const std::size_t n = key_.size();
  const std::size_t bs = config_.block_size;
  std::size_t out = 0;
  double total_sum = 0.0;
  double total_stayed = 0.0;
  for (std::size_t begin = 0; begin < n; begin += bs) {
    const std::size_t end = std::min(begin + bs, n);
    double sum = 0.0;
    std::size_t stayed = 0;
    for (std::size_t i = begin; i < end; ++i) {
      rng::Draw g = stream(key[i]);
      float stored = 0.0F;
      if (!month_rule(g, integ[i], stored)) continue;
      key[out] = key[i];
      age[out] = static_cast<std::int16_t>(age[i] + 1);
      here[out] = static_cast<std::int16_t>(here[i] + 1);
      integ[out] = stored;
      ++out;
      sum += static_cast<double>(stored);
      ++stayed;
    }
    total_sum += sum;
    total_stayed += static_cast<double>(stayed);
  }
  key_.resize(out);
  age_months_.resize(out);
  months_here_.resize(out);
  integration_.resize(out);
  mean_.push_back(total_stayed > 0.0 ? total_sum / total_stayed : 0.0);
}

void HandwrittenReference::step_parallel() {
  const rng::DecisionStream stream(rng::RunKey{config_.seed, 0}, tick_, kMonth);
  std::uint64_t* key = key_.data();
  std::int16_t* age = age_months_.data();
  std::int16_t* here = months_here_.data();
  float* integ = integration_.data();
  const std::size_t n = key_.size();
  const std::size_t bs = config_.block_size;
  const std::size_t blocks = (n + bs - 1) / bs;
  block_kept_.assign(blocks, 0);
  block_sum_.assign(blocks, 0.0);
  for_blocks(arena_.get(), threads_, n, bs, [&](std::size_t begin, std::size_t end, std::size_t b) {
    std::size_t out = begin;
    double sum = 0.0;
    for (std::size_t i = begin; i < end; ++i) {
      rng::Draw g = stream(key[i]);
      float stored = 0.0F;
      if (!month_rule(g, integ[i], stored)) continue;
      key[out] = key[i];
      age[out] = static_cast<std::int16_t>(age[i] + 1);
      here[out] = static_cast<std::int16_t>(here[i] + 1);
      integ[out] = stored;
      ++out;
      sum += static_cast<double>(stored);
    }
    block_kept_[b] = out - begin;
    block_sum_[b] = sum;
  });
  double total_sum = 0.0;
  double total_stayed = 0.0;
  for (std::size_t b = 0; b < blocks; ++b) {
    total_sum += block_sum_[b];
    total_stayed += static_cast<double>(block_kept_[b]);
  }
  // The columns are independent: one task per column moves its block segments down.
  run_tasks(arena_.get(), threads_, 4, [&](std::size_t c) {
    switch (c) {
      case 0:
        move_segments(key_, block_kept_, bs);
        break;
      case 1:
        move_segments(age_months_, block_kept_, bs);
        break;
      case 2:
        move_segments(months_here_, block_kept_, bs);
        break;
      default:
        move_segments(integration_, block_kept_, bs);
        break;
    }
  });
  mean_.push_back(total_stayed > 0.0 ? total_sum / total_stayed : 0.0);
}

}  // namespace brocken::bench
