#pragma once
/// @file
/// @brief THE contract for policy modules. A policy module is one .hpp/.cpp pair plus one line
/// in its model's registration function; it never touches the step loop.
///
/// How it works. The model declares *levers* (named numbers that its stages read every month,
/// each with a neutral value, e.g. "integration.language_progress_multiplier" = 1) and publishes
/// *indicators* (named read-only numbers from the previous month, e.g. "arrivals"). Each month,
/// before the model's stages run, the engine resets every lever to neutral and asks each enabled
/// policy, in scenario order, to act: it reads indicators and moves levers through the
/// LeverBoard (multiply or add). Afterwards it reports what it spent that month.
///
/// Checklist for a new module (see models/migration/policies/ for examples):
///  1. derive from Policy and implement the five operations below;
///  2. read every parameter in configure() through the Reader (unknown keys are then errors);
///  3. resolve lever and indicator names in bind() (a misspelt name is a scenario error);
///  4. keep act() deterministic: it sees aggregate indicators, not agents, and gets no random
///     numbers (agent-level randomness belongs to the model's stages, keyed per agent);
///  5. add one line to the model's register_policies(), the .cpp to the model's sources.cmake,
///     and a scenario under scenarios/policies/;
///  6. if act() keeps anything from one month to the next (a remaining budget, a running
///     average, ...), save it in save_state() and read it back in restore_state(), so that a run
///     resumed from a checkpoint continues exactly (parameters from configure() and ids from
///     bind() are not state: they are set up again before a restore).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/io/archive.hpp"
#include "engine/scenario/reader.hpp"

namespace brocken::policy {

/// @brief Index of a declared lever.
struct LeverId {
  std::uint32_t index = UINT32_MAX;
};
/// @brief Index of a published indicator.
struct IndicatorId {
  std::uint32_t index = UINT32_MAX;
};

/// @brief The model's levers and indicators. The model declares them once at set-up; policies
/// find them by name in bind(); model stages read lever values by id each month.
class LeverBoard {
 public:
  /// @brief Declares a lever with its neutral value (the value when no policy acts).
  LeverId declare_lever(std::string name, double neutral, std::string description);
  /// @brief Declares an indicator (value 0 until the model publishes one).
  IndicatorId declare_indicator(std::string name, std::string description);

  [[nodiscard]] std::optional<LeverId> find_lever(std::string_view name) const noexcept;
  [[nodiscard]] std::optional<IndicatorId> find_indicator(std::string_view name) const noexcept;

  /// @brief Current value, read by model stages.
  [[nodiscard]] double lever(LeverId id) const noexcept { return levers_[id.index].value; }
  /// @brief Policies move levers multiplicatively or additively (effects of several policies
  /// compose in scenario order).
  void multiply(LeverId id, double factor) noexcept { levers_[id.index].value *= factor; }
  void add(LeverId id, double delta) noexcept { levers_[id.index].value += delta; }
  /// @brief Resets every lever to its neutral value (called by the engine each month).
  void reset_levers() noexcept;

  [[nodiscard]] double indicator(IndicatorId id) const noexcept {
    return indicators_[id.index].value;
  }
  /// @brief Published by the model (end of month), read by policies next month.
  void publish(IndicatorId id, double value) noexcept { indicators_[id.index].value = value; }

  /// @brief Saves the current lever and indicator values (`<prefix>/levers`,
  /// `<prefix>/indicators`) for a checkpoint; restore() reads them back into a board with the
  /// same declarations (io::ArchiveError when the counts differ).
  void save(io::ArchiveWriter& ar, const std::string& prefix) const;
  void restore(const io::ArchiveReader& ar, const std::string& prefix);

  struct Entry {
    std::string name;
    std::string description;
    double neutral = 0.0;
    double value = 0.0;
  };
  [[nodiscard]] const std::vector<Entry>& levers() const noexcept { return levers_; }
  [[nodiscard]] const std::vector<Entry>& indicators() const noexcept { return indicators_; }

 private:
  std::vector<Entry> levers_;
  std::vector<Entry> indicators_;
};

/// @brief What a policy may see when it acts.
struct PolicyTick {
  std::int32_t tick = 0;  ///< months since the start month
  int calendar_year = 0;
  int calendar_month = 1;  ///< 1..12
};

/// @brief A policy module.
class Policy {
 public:
  Policy() = default;
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;
  virtual ~Policy() = default;

  /// @brief 1. Reads the module's parameters from its scenario node (`policies.<name>`). Report
  /// problems through the reader; call params.finish() at the end.
  virtual void configure(scenario::Reader& params) = 0;
  /// @brief 2. Resolves the levers and indicators it uses. For a name the model does not have,
  /// add a diagnostic at `where` (the policy's scenario position).
  virtual void bind(const LeverBoard& board, scenario::Diagnostics& diags,
                    const scenario::SourcePos& where) = 0;
  /// @brief 3. Acts for one month: reads indicators, moves levers.
  virtual void act(const PolicyTick& tick, LeverBoard& board) = 0;
  /// @brief 4. Euros spent in the month of the last act() call.
  [[nodiscard]] virtual double spending_eur() const = 0;
  /// @brief 5. One-line description for `brocken policies`.
  [[nodiscard]] virtual std::string_view summary() const = 0;
  /// @brief 6. Checkpoints: saves what act() carries from month to month under `prefix` (entry
  /// names `<prefix>/<name>`). The default saves nothing, for modules without such state.
  virtual void save_state(io::ArchiveWriter& ar, const std::string& prefix) const {
    (void)ar;
    (void)prefix;
  }
  /// @brief Reads back what save_state() wrote, after configure() and bind(). Throws
  /// io::ArchiveError when an entry is missing or implausible.
  virtual void restore_state(const io::ArchiveReader& ar, const std::string& prefix) {
    (void)ar;
    (void)prefix;
  }
};

/// @brief Helper for bind(): finds a lever or adds "unknown lever 'x'" (with did-you-mean).
LeverId require_lever(const LeverBoard& board, std::string_view name, scenario::Diagnostics& diags,
                      const scenario::SourcePos& where, std::string_view key_path);
IndicatorId require_indicator(const LeverBoard& board, std::string_view name,
                              scenario::Diagnostics& diags, const scenario::SourcePos& where,
                              std::string_view key_path);

}  // namespace brocken::policy
