#pragma once
/// @file
/// @brief The injected parallel runtime. An Executor owns a tbb::task_arena limited to the run's
/// thread count (the engine never touches global thread state). Work is split into fixed-size
/// blocks whose boundaries depend only on the row count and the block size, never on the thread
/// count; each kernel is one function over a block, run serially (threads == 1, in the calling
/// thread) or by tbb::parallel_for — the same function either way.
///
/// ThreadSanitizer builds (BROCKEN_EXECUTOR_STD_THREADS, set by the `tsan` preset) run the blocks
/// on plain std::threads instead of TBB: Debian's libtbb is not instrumented, so TSan cannot see
/// the synchronisation inside TBB's work stealing and reports false races on every parallel_for
/// (google/sanitizers#1004). With std::thread, TSan sees every hand-over and checks what matters
/// here: that concurrently running blocks of our kernels never touch the same data.
#include <atomic>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

namespace brocken::sched {

/// @brief Rows [begin, end) of block number `index`.
struct BlockRange {
  std::size_t index = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
  [[nodiscard]] std::size_t size() const noexcept { return end - begin; }
};

/// @brief Number of blocks covering n rows.
constexpr std::size_t block_count(std::size_t rows, std::size_t block_size) noexcept {
  return (rows + block_size - 1) / block_size;
}

class Executor {
 public:
  /// @brief threads >= 1. threads == 1 runs everything in the calling thread.
  explicit Executor(int threads) : threads_(threads) {
    if (threads < 1) throw std::invalid_argument("Executor: threads must be >= 1");
    if (threads > 1) arena_ = std::make_unique<oneapi::tbb::task_arena>(threads);
  }
  [[nodiscard]] int threads() const noexcept { return threads_; }

  /// @brief Calls f(BlockRange) for every block of [0, rows). Blocks may run concurrently and in
  /// any order; f must write only data owned by its block.
  template <class F>
  void for_each_block(std::size_t rows, std::size_t block_size, F&& f) const {
    const std::size_t blocks = block_count(rows, block_size);
    auto body = [&](std::size_t b) {
      const std::size_t begin = b * block_size;
      const std::size_t end = begin + block_size < rows ? begin + block_size : rows;
      f(BlockRange{b, begin, end});
    };
    if (threads_ == 1 || blocks <= 1) {
      for (std::size_t b = 0; b < blocks; ++b) body(b);
      return;
    }
#ifdef BROCKEN_EXECUTOR_STD_THREADS
    run_on_std_threads(blocks, body);
#else
    arena_->execute([&] {
      oneapi::tbb::parallel_for(
          oneapi::tbb::blocked_range<std::size_t>(0, blocks, 1),
          [&](const oneapi::tbb::blocked_range<std::size_t>& r) {
            for (std::size_t b = r.begin(); b != r.end(); ++b) body(b);
          },
          oneapi::tbb::simple_partitioner());
    });
#endif
  }

  /// @brief Calls f(i) for i in [0, n) (e.g. one task per market cell or per column).
  template <class F>
  void for_each_index(std::size_t n, F&& f) const {
    for_each_block(n, 1, [&](const BlockRange& r) { f(r.index); });
  }

 private:
#ifdef BROCKEN_EXECUTOR_STD_THREADS
  /// Fork-join over std::threads: workers take block numbers from an atomic counter; the first
  /// exception thrown by a block is rethrown in the caller after all threads joined.
  template <class Body>
  void run_on_std_threads(std::size_t blocks, Body& body) const {
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto worker = [&] {
      for (std::size_t b = next.fetch_add(1); b < blocks; b = next.fetch_add(1)) {
        try {
          body(b);
        } catch (...) {
          const std::lock_guard<std::mutex> lock(error_mutex);
          if (!error) error = std::current_exception();
        }
      }
    };
    std::vector<std::thread> pool;
    const auto extra = static_cast<std::size_t>(threads_ - 1);
    pool.reserve(extra);
    for (std::size_t t = 0; t < extra; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
  }
#endif

  int threads_;
  std::unique_ptr<oneapi::tbb::task_arena> arena_;
};

}  // namespace brocken::sched
