#pragma once
/// @file
/// @brief The demography behaviour's outputs (group `demography`): population detail, the away
/// pool, naturalisations, and the life expectancy and fertility each year's rates imply.
namespace brocken::migration {

struct ModelOutputs;

namespace demography {

/// @brief Declares the demography outputs on `o` (outputs.cpp calls it once).
void declare_outputs(ModelOutputs& o);

}  // namespace demography
}  // namespace brocken::migration
