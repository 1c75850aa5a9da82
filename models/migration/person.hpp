#pragma once
/// @file
/// @brief The person agent of the migration model: its columns and codes. 39 bytes per person
/// (ColumnStore::bytes_per_row(), checked by tests/models/migration/model_test.cpp).
#include <array>
#include <climits>
#include <cstdint>

#include "engine/storage/columns.hpp"

namespace brocken::migration {

/// @brief Nationality group (official statistics: persons without German citizenship are foreign).
enum class Nationality : std::uint8_t { kGerman = 0, kEu = 1, kThirdCountry = 2 };
inline constexpr int kNationalities = 3;
/// @brief Months of a German course of the programme `integration.language_course` (the
/// language part of an integration course takes 6-7 months: [Goethe], docs/parameters.md).
inline constexpr int kCourseMonths = 7;
/// @brief The `course` column: 1..kCourseMonths = months left in a course of the programme
/// `integration.language_course`; kCourseMonths + 1 .. 2 kCourseMonths = kCourseMonths + months
/// left in a federal integration course of the baseline (BAMF; integration.cpp).
inline constexpr int kBaseCourseOffset = kCourseMonths;

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
/// which they may return; they are not part of any population count. kGone: died or no longer
/// followed; the row waits for the next sweep of the demography stage, which drops it (every
/// stage skips it, as it skips everyone not present).
enum class Residence : std::uint8_t { kPresent = 0, kAwayGermany = 1, kAwayAbroad = 2, kGone = 3 };

/// @brief True for persons in the away pool (not for the gone).
constexpr bool is_away(std::uint8_t residence) noexcept {
  return residence == static_cast<std::uint8_t>(Residence::kAwayGermany) ||
         residence == static_cast<std::uint8_t>(Residence::kAwayAbroad);
}

/// @brief Recognition of a foreign qualification (integration.cpp): kNone = needed but not
/// recognised (never applied, or refused); kPartial = partial equivalence, in a compensation
/// measure; kPending = an application being processed.
enum class Recognition : std::uint8_t {
  kNotNeeded = 0,
  kNone = 1,
  kPartial = 2,
  kFull = 3,
  kPending = 4
};
inline constexpr int kRecognitionStates = 5;

/// @brief Qualification level (ISCED-like: none/vocational/academic); kUnknown where the
/// initial population has no information yet.
enum class Qualification : std::uint8_t { kUnknown = 0, kLow = 1, kVocational = 2, kAcademic = 3 };

/// @brief How the person came to be in the model: the channel of the first arrival (immutable; a
/// return keeps it), or the start population, or birth. Returns are not a channel: a returner
/// keeps the channel of the first arrival (the flows count returns on their own).
enum class Channel : std::uint8_t {
  kInitial = 0,             ///< in the state at the start, or in the away pool seeded at the start
  kBorn = 1,                ///< born in the state during the run
  kGermanFromGermany = 2,   ///< Germans moving in from another Land
  kGermanFromAbroad = 3,    ///< Germans moving in from abroad
  kForeignFromGermany = 4,  ///< foreign nationals moving in from another Land
  kEuFreeMovement = 5,      ///< EU/EEA citizens from abroad (free movement)
  kBlueCard = 6,            ///< EU Blue Card (academic), through the admission pipeline
  kSkilledVisa = 7,    ///< skilled-worker visa, sections 18a/18b AufenthG, through the pipeline
  kTrainingStudy = 8,  ///< vocational training and study (sections 16-17 AufenthG)
  kFamily = 9,         ///< family reunion (sections 27-36 AufenthG)
  kHumanitarian = 10,  ///< asylum and humanitarian protection (incl. section 24 AufenthG)
};
inline constexpr int kChannels = 11;
/// @brief Output names of the channels, in enum order.
inline constexpr std::array<const char*, kChannels> kChannelNames{"initial",
                                                                  "born",
                                                                  "german_from_germany",
                                                                  "german_from_abroad",
                                                                  "foreign_from_germany",
                                                                  "eu_free_movement",
                                                                  "blue_card",
                                                                  "skilled_visa",
                                                                  "training_study",
                                                                  "family",
                                                                  "humanitarian"};

/// @brief Every person column, declared once: X(type, column name, short name used in kernels,
/// lowest valid value, highest valid value). From this list come the column handles
/// (PersonColumns), the declaration on a store, the row pointers of kernels (PersonRows) and the
/// range check of a restored checkpoint (ModelRun::restore, where `districts` and `groups` are
/// the numbers of districts and occupation groups). Adding a column adds one line here. Bytes per
/// person: the sum of the types' sizes (ColumnStore::bytes_per_row(), checked by
/// tests/models/migration/model_test.cpp).
// NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define BROCKEN_PERSON_COLUMNS(X)                                                                 \
  /* stable agent key (engine/rng) */                                                             \
  X(std::uint64_t, key, key, 0, 1.8446744073709552e19)                                            \
  X(std::int16_t, age_months, age, 0, INT16_MAX)                                                  \
  /* months since (last) arrival; -1 = since before the start */                                  \
  X(std::int16_t, months_here, here, -1, INT16_MAX)                                               \
  /* months in the away pool */                                                                   \
  X(std::int16_t, away_months, away, 0, INT16_MAX)                                                \
  /* tick of the first arrival (immutable; a return keeps it); -1 = none */                       \
  X(std::int16_t, arrival_tick, arrival_tick, -1, INT16_MAX)                                      \
  /* social ties to the native population of the region, 0..1 */                                  \
  X(float, ties, ties, 0, 1)                                                                      \
  /* co-ethnic social ties in the region, 0..1 (0 for Germans) */                                 \
  X(float, ties_coethnic, coethnic, 0, 1)                                                         \
  X(std::uint8_t, sex, sex, 0, 1)                                                                 \
  /* index into RegionData::districts */                                                          \
  X(std::uint8_t, district, district, 0, static_cast<double>(districts) - 1)                      \
  X(std::uint8_t, nationality, nationality, 0, kNationalities - 1)                                \
  X(std::uint8_t, status, status, 0, static_cast<double>(Status::kRetired))                       \
  X(std::uint8_t, residence, residence, 0, static_cast<double>(Residence::kGone))                 \
  /* housing::Housing: 0 temporary housing, 1 own household, 2 searching from another's           \
     dwelling, 3 child in another's household */                                                  \
  X(std::uint8_t, housed, housed, 0, 3)                                                           \
  /* months of the current search for a dwelling (0 = not searching; saturates at 255) */         \
  X(std::uint8_t, search_months, search, 0, UINT8_MAX)                                            \
  /* German level 0..4 = A0, A1, A2, B1, B2+ */                                                   \
  X(std::uint8_t, language, language, 0, 4)                                                       \
  X(std::uint8_t, recognition, recognition, 0, static_cast<double>(Recognition::kPending))        \
  X(std::uint8_t, qualification, qualification, 0, static_cast<double>(Qualification::kAcademic)) \
  /* 1 = experiences discrimination (set by an event; ends with a monthly chance) */              \
  X(std::uint8_t, discriminated, discriminated, 0, 1)                                             \
  /* Channel of the first arrival (immutable) */                                                  \
  X(std::uint8_t, channel, channel, 0, kChannels - 1)                                             \
  /* 1 = a later arrival is a return */                                                           \
  X(std::uint8_t, lived_here_before, before, 0, 1)                                                \
  /* occupation group (index into RegionData::occupation_groups): of the job, the job searched,   \
     or the job last held */                                                                      \
  X(std::uint8_t, occupation, occupation, 0, static_cast<double>(groups) - 1)                     \
  /* months left in a German course (integration.cpp; kBaseCourseOffset); 0 = not in a course */  \
  X(std::uint8_t, course, course, 0, 2 * kCourseMonths)
// NOLINTEND(cppcoreguidelines-macro-usage)

/// @brief Handles of every person column (BROCKEN_PERSON_COLUMNS), declared once per store.
struct PersonColumns {
#define BROCKEN_X(type, column, short_name, lo, hi) storage::ColumnHandle<type> column;
  BROCKEN_PERSON_COLUMNS(BROCKEN_X)
#undef BROCKEN_X

  /// @brief Declares all columns on an empty store.
  static PersonColumns declare(storage::ColumnStore& store);
};

/// @brief Row pointers of every person column, for kernels, by their short names. A kernel makes
/// one at the top of each block, as a local: stores to the one-byte columns may alias any memory,
/// so pointers reached through the closure (or through spans living outside the kernel) are
/// reloaded after every such store, while a local whose address never escapes stays in
/// registers. Valid until the next structural change of the store (a pass that removed or
/// spawned rows).
struct PersonRows {
  PersonRows(storage::ColumnStore& store, const PersonColumns& c);
#define BROCKEN_X(type, column, short_name, lo, hi) type* short_name;
  BROCKEN_PERSON_COLUMNS(BROCKEN_X)
#undef BROCKEN_X
};

}  // namespace brocken::migration
