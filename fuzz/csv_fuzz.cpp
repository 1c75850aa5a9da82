// libFuzzer target: the CSV data loader, from memory (docs/fuzzing.md).
//
// Input: the bytes of one CSV file. Besides "no crash, no hang, no sanitizer report", it
// checks: every diagnostic names the file; positions are 1-based where known; number() and
// integer() return values that are finite and within the bounds asked for.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/io/csv.hpp"
#include "engine/scenario/diagnostics.hpp"

namespace {

using brocken::io::CsvTable;
using brocken::scenario::Diagnostics;
using brocken::scenario::InputError;

constexpr const char* kName = "fuzz.csv";

void require(bool ok) {
  if (!ok) std::abort();
}

void check_diagnostics(const InputError& e) {
  require(!e.diagnostics().empty());
  for (const auto& d : e.diagnostics()) {
    require(!d.message.empty());
    // Every diagnostic is about the file, except the summary of problems not shown.
    require(d.pos.file == kName || (d.pos.file.empty() && d.key_path.empty()));
    require(d.pos.line >= 0 && d.pos.column >= 0);
    (void)d.str();
  }
  (void)e.what();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const CsvTable t = CsvTable::parse(text, kName);
    Diagnostics diags;
    require(t.header_pos().line >= 1);
    for (const std::string& name : t.header()) {
      const std::size_t col = t.column(name, diags);
      require(col < t.header().size() && t.header()[col] == name);
    }
    require(t.column("\x01no such column", diags) == std::string::npos);
    // Bounded work per input: the loader's own limits allow millions of cells.
    const std::size_t rows = t.rows() < 2000 ? t.rows() : 2000;
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t c = 0; c < t.header().size() && c < 64; ++c) {
        const auto pos = t.pos(r, c);
        require(pos.file == kName && pos.line >= 1 && pos.column >= 1);
        (void)t.cell(r, c);
        const double any = t.number(r, c, diags);
        require(std::isfinite(any));
        const double unit = t.number(r, c, diags, 0.0, 1.0);
        require(unit >= 0.0 && unit <= 1.0);
        const std::int64_t age = t.integer(r, c, diags, 0, 150);
        require(age >= 0 && age <= 150);
        (void)t.integer(r, c, diags);
      }
      require(t.number(r, std::string::npos, diags) == 0.0);
    }
    try {
      diags.throw_if_any();
    } catch (const InputError& e) {
      check_diagnostics(e);
    }
  } catch (const InputError& e) {
    check_diagnostics(e);
  }
  return 0;
}
