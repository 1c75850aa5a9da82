#pragma once
/// @file
/// @brief The person agent of the migration model: its columns and codes. 32 bytes per person
/// (ColumnStore::bytes_per_row(), checked by tests/models/migration/model_test.cpp).
#include <cstdint>

#include "engine/storage/columns.hpp"

namespace brocken::migration {

/// @brief Nationality group (official statistics: persons without German citizenship are foreign).
enum class Nationality : std::uint8_t { kGerman = 0, kEu = 1, kThirdCountry = 2 };
inline constexpr int kNationalities = 3;

enum class Sex : std::uint8_t { kMale = 0, kFemale = 1 };

/// @brief Labour-market status.
enum class Status : std::uint8_t {
  kChild = 0,  ///< below working age
  kEmployed = 1,
  kUnemployed = 2,  ///< registered unemployed, searching
  kInactive = 3,    ///< working age, not in the labour force
  kRetired = 4,
};

/// @brief Where the person is. Away persons left the state and sit in the bounded away pool, from
/// which they may return; they are not part of any population count.
enum class Residence : std::uint8_t { kPresent = 0, kAwayGermany = 1, kAwayAbroad = 2 };

/// @brief Recognition of a foreign qualification.
enum class Recognition : std::uint8_t { kNotNeeded = 0, kNone = 1, kPartial = 2, kFull = 3 };

/// @brief Qualification level (ISCED-like: none/vocational/academic); kUnknown where the
/// initial population has no information yet.
enum class Qualification : std::uint8_t { kUnknown = 0, kLow = 1, kVocational = 2, kAcademic = 3 };

/// @brief How the person came to be in the model (also the origin of its key).
enum class Origin : std::uint8_t {
  kInitial = 0,
  kBorn = 1,
  kArrivedGermany = 2,
  kArrivedAbroad = 3,
  kArrivedSkilled = 4
};

/// @brief Handles of every person column, declared once per store.
struct PersonColumns {
  storage::ColumnHandle<std::uint64_t> key;  ///< stable agent key (engine/rng)
  storage::ColumnHandle<std::int16_t> age_months;
  storage::ColumnHandle<std::int16_t>
      months_here;  ///< months since (last) arrival; -1 = since before the start
  storage::ColumnHandle<std::int16_t> away_months;   ///< months in the away pool
  storage::ColumnHandle<std::int16_t> arrival_tick;  ///< tick of (last) arrival; -1 = none
  storage::ColumnHandle<float> ties;                 ///< social ties in the region, 0..1
  storage::ColumnHandle<std::uint8_t> sex;
  storage::ColumnHandle<std::uint8_t> district;  ///< index into RegionData::districts
  storage::ColumnHandle<std::uint8_t> nationality;
  storage::ColumnHandle<std::uint8_t> status;
  storage::ColumnHandle<std::uint8_t> residence;
  storage::ColumnHandle<std::uint8_t> housed;    ///< 1 = has a dwelling; 0 = searching
  storage::ColumnHandle<std::uint8_t> language;  ///< German level 0..4 = A0, A1, A2, B1, B2+
  storage::ColumnHandle<std::uint8_t> recognition;
  storage::ColumnHandle<std::uint8_t> qualification;
  storage::ColumnHandle<std::uint8_t> discriminated;  ///< 1 = currently experiences discrimination
  storage::ColumnHandle<std::uint8_t> origin;
  storage::ColumnHandle<std::uint8_t> lived_here_before;  ///< 1 = a later arrival is a return

  /// @brief Declares all columns on an empty store.
  static PersonColumns declare(storage::ColumnStore& store);
};

/// @brief Row pointers of every person column, for kernels. A kernel makes one at the top of each
/// block, as a local: stores to the one-byte columns may alias any memory, so pointers reached
/// through the closure (or through spans living outside the kernel) are reloaded after every such
/// store, while a local whose address never escapes stays in registers. Valid until the next
/// structural change of the store (a pass that removed or spawned rows).
struct PersonRows {
  PersonRows(storage::ColumnStore& store, const PersonColumns& c);
  std::uint64_t* key;
  std::int16_t* age;
  std::int16_t* here;  ///< months_here
  std::int16_t* away;  ///< away_months
  std::int16_t* arrival_tick;
  float* ties;
  std::uint8_t* sex;
  std::uint8_t* district;
  std::uint8_t* nationality;
  std::uint8_t* status;
  std::uint8_t* residence;
  std::uint8_t* housed;
  std::uint8_t* language;
  std::uint8_t* recognition;
  std::uint8_t* qualification;
  std::uint8_t* discriminated;
  std::uint8_t* origin;
  std::uint8_t* before;  ///< lived_here_before
};

}  // namespace brocken::migration
