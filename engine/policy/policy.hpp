#pragma once
/// @file
/// @brief THE contract for policy modules. A policy module is one .hpp/.cpp pair plus one line
/// in its model's registration function; it never touches the step loop.
///
/// How it works. The model tells the board its *regions* (the migration model: its districts)
/// and declares
///  - *rate levers*: one number per region that its stages read every month, with a unit and a
///    neutral value (e.g. "integration.language_pace" = 1), reset to neutral every month;
///  - *stock levers*: amounts per region (dwellings, office staff places, ...) that policies add
///    with a build-up lag; they persist from month to month and are saved in checkpoints;
///  - *programmes*: places per region that policies fund (e.g. "integration.language_course");
///    the model fills them with eligible persons and reports the participants back;
///  - *indicators*: read-only numbers per region (and their state total) from the previous
///    month, e.g. "arrivals".
/// Each month, before the model's stages run, the engine resets the rate levers and the funded
/// places and asks each enabled policy *instance* whose scope covers the month, in scenario
/// order, to act: it reads indicators and moves levers, adds stock, funds places and records
/// spending through the LeverBoard. Every move is confined to the instance's regions (its
/// scope: `districts:` in the scenario); the engine, not the module, checks the months
/// (`start:`, `end:`).
///
/// Checklist for a new module (see models/migration/policies/ and docs/architecture.md):
///  1. derive from Policy and implement configure, bind, act and summary;
///  2. read every parameter in configure() through the Reader (unknown keys are then errors;
///     `module`, `start`, `end` and `districts` are the engine's and already read);
///  3. resolve lever, stock, programme and indicator names in bind() (require_*: a misspelt
///     name is a scenario error, and so is a state-wide lever in a scoped instance);
///  4. keep act() deterministic: it sees aggregate indicators, not agents, and gets no random
///     numbers (agent-level randomness belongs to the model's stages, keyed per agent); it does
///     no calendar arithmetic of its own (the scope does);
///  5. record every euro with board.spend(category, eur, region) or through programme places
///     (fund_places: the engine charges the participants the model reports);
///  6. add one line to the model's register_policies(), the .cpp to the model's sources.cmake,
///     and a scenario under scenarios/policies/;
///  7. if act() keeps anything from one month to the next (a remaining budget, a running
///     average, ...), save it in save_state() and read it back in restore_state(), so that a run
///     resumed from a checkpoint continues exactly (parameters from configure() and ids from
///     bind() are not state: they are set up again before a restore; stock added on the board is
///     saved by the board).
#include <array>
#include <climits>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/io/archive.hpp"
#include "engine/scenario/reader.hpp"

namespace brocken::policy {

/// @brief Index of a declared rate lever.
struct LeverId {
  std::uint32_t index = UINT32_MAX;
};
/// @brief Index of a declared stock lever.
struct StockId {
  std::uint32_t index = UINT32_MAX;
};
/// @brief Index of a declared programme.
struct ProgrammeId {
  std::uint32_t index = UINT32_MAX;
};
/// @brief Index of a published indicator.
struct IndicatorId {
  std::uint32_t index = UINT32_MAX;
};

/// @brief Whether a rate lever has one value per region or one for the whole state. A state-wide
/// lever cannot be moved by an instance scoped to some regions (a scenario error at bind).
enum class Extent : std::uint8_t { kRegional, kState };

/// @brief Cost categories of policy spending (the `cost_category` dimension of the output).
enum class Cost : std::uint8_t {
  kInvestment,      ///< one-off outlays (building, equipment)
  kRunning,         ///< recurring costs not tied to participants (staff, rent, grants)
  kPerParticipant,  ///< programme places actually used (charged by the engine)
};
inline constexpr std::size_t kCostCategories = 3;
inline constexpr std::array<std::string_view, kCostCategories> kCostNames{"investment", "running",
                                                                          "per_participant"};

/// @brief Months and regions where an instance acts (the scenario's `start`, `end`,
/// `districts`). Months are month indices (scenario::YearMonth::index()); both ends inclusive.
struct Scope {
  int first_month = INT_MIN;
  int last_month = INT_MAX;
  std::vector<std::uint32_t> regions;  ///< ascending, distinct
  bool all_regions = true;             ///< the scenario named no districts
  [[nodiscard]] bool active(int month_index) const noexcept {
    return month_index >= first_month && month_index <= last_month;
  }
  [[nodiscard]] bool contains(std::size_t region) const noexcept;
};

/// @brief How added stock becomes effective: after `lag_months` months, either at once (`linear`
/// false) or building up in equal steps over them (`linear` true: a fraction a / lag after a
/// months). It stays for `lifetime_months` months once fully effective (0: for good).
struct StockTerms {
  int lag_months = 0;
  bool linear = false;
  int lifetime_months = 0;
};

/// @brief A region of the model: its name and optionally a second identifier (the migration
/// model: the district's name and its AGS key). Scenarios may use either.
struct RegionName {
  std::string name;
  std::string id;
};

/// @brief What a declaration says, for `brocken policies --levers` and for messages.
struct Declaration {
  std::string name;
  std::string unit;
  std::string description;
  double neutral = 0.0;  ///< rate levers only
  Extent extent = Extent::kRegional;
  double months = 0.0;  ///< programmes only: months of one participation
};

/// @brief The model's levers, stocks, programmes and indicators, the funded places and the
/// month's spending. The model declares once at set-up; policies find entries by name in bind();
/// model stages read values by id and region each month (cheap: a vector index).
class LeverBoard {
 public:
  // ---- set-up (the model) -------------------------------------------------------------------
  /// @brief The model's regions, before any declaration (std::logic_error otherwise). A board
  /// without regions has one region, "all".
  void set_regions(std::vector<RegionName> regions);
  [[nodiscard]] std::size_t regions() const noexcept { return region_names_.size(); }
  [[nodiscard]] const std::vector<RegionName>& region_names() const noexcept {
    return region_names_;
  }
  /// @brief False while the model could not name its regions (e.g. its data failed to load):
  /// scopes' `districts` are then not checked.
  [[nodiscard]] bool regions_named() const noexcept { return regions_named_; }
  LeverId declare_lever(std::string name, std::string unit, double neutral, std::string description,
                        Extent extent = Extent::kRegional);
  StockId declare_stock(std::string name, std::string unit, std::string description);
  /// @brief A programme whose places policies fund; `months`: how long one participation lasts
  /// (policies price places per participant-month with it).
  ProgrammeId declare_programme(std::string name, std::string unit, double months,
                                std::string description);
  IndicatorId declare_indicator(std::string name, std::string unit, std::string description);

  [[nodiscard]] std::optional<LeverId> find_lever(std::string_view name) const noexcept;
  [[nodiscard]] std::optional<StockId> find_stock(std::string_view name) const noexcept;
  [[nodiscard]] std::optional<ProgrammeId> find_programme(std::string_view name) const noexcept;
  [[nodiscard]] std::optional<IndicatorId> find_indicator(std::string_view name) const noexcept;

  // ---- model stages -------------------------------------------------------------------------
  /// @brief A rate lever's value in a region this month (a state-wide lever: its one value).
  [[nodiscard]] double lever(LeverId id, std::size_t region) const noexcept {
    const auto& v = levers_[id.index].value;
    return v[v.size() == 1 ? 0 : region];
  }
  /// @brief A state-wide lever's value (for a regional lever: region 0's).
  [[nodiscard]] double lever(LeverId id) const noexcept { return levers_[id.index].value[0]; }
  /// @brief Effective stock in a region this month (after this month's policies acted).
  [[nodiscard]] double stock(StockId id, std::size_t region) const noexcept {
    return stocks_[id.index].effective[region];
  }
  /// @brief Effective stock this month minus last month's (what became effective or expired).
  [[nodiscard]] double stock_change(StockId id, std::size_t region) const noexcept {
    return stocks_[id.index].effective[region] - stocks_[id.index].previous[region];
  }
  /// @brief Places funded in a region this month, summed over the instances (persons).
  [[nodiscard]] double places(ProgrammeId id, std::size_t region) const noexcept;
  /// @brief True when some instance funds places of the programme this month.
  [[nodiscard]] bool funded(ProgrammeId id) const noexcept;
  /// @brief A programme's declaration (its `months` price places per participant-month).
  [[nodiscard]] const Declaration& declaration(ProgrammeId id) const noexcept {
    return programmes_[id.index].decl;
  }
  /// @brief The model reports the month's participants (persons in the programme this month,
  /// at most the places). Each funding instance is charged its share (its places / all places)
  /// times its cost per participant-month, in category kPerParticipant.
  void report_participants(ProgrammeId id, std::size_t region, double persons);
  [[nodiscard]] double participants(ProgrammeId id, std::size_t region) const noexcept {
    return programmes_[id.index].participants[region];
  }
  /// @brief Publishes an indicator per region (end of month; read by policies next month); its
  /// total is the sum over the regions.
  void publish(IndicatorId id, std::span<const double> per_region);
  /// @brief Publishes an indicator that has only a state total (its regions read 0).
  void publish_total(IndicatorId id, double total);

  // ---- policies (inside act()) ---------------------------------------------------------------
  /// @brief Moves a rate lever in every region of the acting instance's scope, or in one region
  /// (ignored outside the scope). Effects of several instances compose in scenario order.
  void multiply(LeverId id, double factor) noexcept;
  void add(LeverId id, double delta) noexcept;
  void multiply(LeverId id, double factor, std::size_t region) noexcept;
  void add(LeverId id, double delta, std::size_t region) noexcept;
  /// @brief Adds stock in one region of the scope (ignored outside it); a negative amount
  /// removes stock.
  void add_stock(StockId id, double amount, const StockTerms& terms, std::size_t region);
  /// @brief Funds `places` places in one region of the scope (ignored outside it) at
  /// `eur_per_participant_month`.
  void fund_places(ProgrammeId id, double places, double eur_per_participant_month,
                   std::size_t region);
  /// @brief Records spending of the acting instance in a region of its scope (ignored outside).
  void spend(Cost category, double eur, std::size_t region);
  /// @brief Indicator values: the state total, one region, or the sum over the acting
  /// instance's scope.
  [[nodiscard]] double indicator(IndicatorId id) const noexcept {
    return indicators_[id.index].total;
  }
  [[nodiscard]] double indicator(IndicatorId id, std::size_t region) const noexcept {
    return indicators_[id.index].regional[region];
  }
  [[nodiscard]] double indicator_in_scope(IndicatorId id) const noexcept;
  /// @brief The regions of the acting (or binding) instance.
  [[nodiscard]] const Scope& scope() const noexcept {
    return scope_ != nullptr ? *scope_ : everywhere_;
  }

  // ---- the engine ----------------------------------------------------------------------------
  /// @brief Number of policy instances (rows of the spending table).
  void set_instances(std::size_t n);
  [[nodiscard]] std::size_t instances() const noexcept { return instances_; }
  /// @brief Start of a month: rate levers to neutral, no places funded, no spending.
  void begin_month(std::int32_t tick);
  /// @brief The instance that acts (or is bound) next, with its scope; end_policy() after.
  void begin_policy(std::size_t instance, const Scope& scope) noexcept;
  void end_policy() noexcept;
  /// @brief After the policies acted: the effective stock of month `tick` (expired entries are
  /// dropped).
  void settle_stocks(std::int32_t tick);
  /// @brief Spending of the month so far, [instance][region][category] (EUR).
  [[nodiscard]] const std::vector<double>& spending() const noexcept { return spending_; }
  /// @brief Resets every rate lever to its neutral value.
  void reset_levers() noexcept;

  /// @brief Saves the state that outlives a month (`<prefix>/...`): rate levers, indicators,
  /// stock entries and effective stocks, places, participants and spending; restore() reads it
  /// back into a board with the same declarations (io::ArchiveError when it does not fit).
  void save(io::ArchiveWriter& ar, const std::string& prefix) const;
  void restore(const io::ArchiveReader& ar, const std::string& prefix);

  /// @brief Declarations, in order.
  [[nodiscard]] std::vector<Declaration> lever_declarations() const;
  [[nodiscard]] std::vector<Declaration> stock_declarations() const;
  [[nodiscard]] std::vector<Declaration> programme_declarations() const;
  [[nodiscard]] std::vector<Declaration> indicator_declarations() const;

 private:
  struct Lever {
    Declaration decl;
    std::vector<double> value;  ///< per region (one for a state-wide lever)
  };
  struct StockEntry {
    std::uint32_t stock, region, instance;
    std::int32_t added_tick, lag, lifetime;
    std::uint8_t linear;
    double amount;
  };
  struct Stock {
    Declaration decl;
    std::vector<double> effective, previous;
  };
  struct Funding {
    std::uint32_t instance;
    double places, eur_per_month;
  };
  struct Programme {
    Declaration decl;
    std::vector<std::vector<Funding>> funding;  ///< per region
    std::vector<double> participants;           ///< per region
  };
  struct Indicator {
    Declaration decl;
    std::vector<double> regional;
    double total = 0.0;
  };
  void check_fresh(std::string_view name) const;
  [[nodiscard]] bool in_scope(std::size_t region) const noexcept {
    return scope_ != nullptr && region < region_names_.size() && scope_->contains(region);
  }
  void charge(Cost category, double eur, std::size_t region, std::size_t instance) {
    spending_[(instance * regions() + region) * kCostCategories +
              static_cast<std::size_t>(category)] += eur;
  }

  std::vector<RegionName> region_names_{RegionName{"all", ""}};
  bool regions_named_ = false;
  std::vector<Lever> levers_;
  std::vector<Stock> stocks_;
  std::vector<StockEntry> entries_;
  std::vector<Programme> programmes_;
  std::vector<Indicator> indicators_;
  std::size_t instances_ = 0;
  std::vector<double> spending_;
  std::int32_t tick_ = 0;
  const Scope* scope_ = nullptr;
  std::size_t acting_ = 0;
  Scope everywhere_;
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

  /// @brief 1. Reads the module's parameters from its scenario node (`policies.<instance>`;
  /// the engine's keys `module`, `start`, `end`, `districts` are already read). Report problems
  /// through the reader; call params.finish() at the end.
  virtual void configure(scenario::Reader& params) = 0;
  /// @brief 2. Resolves the levers, stocks, programmes and indicators it uses (require_*). For
  /// a name the model does not have, add a diagnostic at `where` (the instance's position).
  /// board.scope() is the instance's scope.
  virtual void bind(const LeverBoard& board, scenario::Diagnostics& diags,
                    const scenario::SourcePos& where) = 0;
  /// @brief 3. Acts for one month of its scope: reads indicators, moves levers, adds stock,
  /// funds places, records spending (all confined to its regions by the board).
  virtual void act(const PolicyTick& tick, LeverBoard& board) = 0;
  /// @brief 4. One-line description for `brocken policies`.
  [[nodiscard]] virtual std::string_view summary() const = 0;
  /// @brief 5. Checkpoints: saves what act() carries from month to month under `prefix` (entry
  /// names `<prefix>/<name>`; the prefix ends in the instance's name). The default saves
  /// nothing, for modules without such state.
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

/// @brief Helpers for bind(): find an entry or add "the model has no lever 'x'" (with
/// did-you-mean). require_lever also refuses a state-wide lever in an instance scoped to some
/// regions.
LeverId require_lever(const LeverBoard& board, std::string_view name, scenario::Diagnostics& diags,
                      const scenario::SourcePos& where, std::string_view key_path);
StockId require_stock(const LeverBoard& board, std::string_view name, scenario::Diagnostics& diags,
                      const scenario::SourcePos& where, std::string_view key_path);
ProgrammeId require_programme(const LeverBoard& board, std::string_view name,
                              scenario::Diagnostics& diags, const scenario::SourcePos& where,
                              std::string_view key_path);
IndicatorId require_indicator(const LeverBoard& board, std::string_view name,
                              scenario::Diagnostics& diags, const scenario::SourcePos& where,
                              std::string_view key_path);

}  // namespace brocken::policy
