#pragma once
/// @file
/// @brief UTF-8 validation and decoding shared by the scenario loader, the CSV reader (rejects
/// mis-encoded input files) and the HDF5 writer (every string it writes is tagged H5T_CSET_UTF8,
/// and h5py/xarray refuse to open a file whose strings do not decode).
#include <cstddef>
#include <optional>
#include <string_view>

namespace brocken::io {

/// @brief Byte offset of the first byte that does not start a well-formed UTF-8 sequence
/// (overlong forms, surrogates and code points above U+10FFFF are ill-formed), or npos.
[[nodiscard]] inline std::size_t find_invalid_utf8(std::string_view s) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const auto is_cont = [&](std::size_t k) { return k < s.size() && (byte(k) & 0xC0U) == 0x80U; };
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned b = byte(i);
    if (b < 0x80U) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    // Bounds of the second byte exclude overlong forms (E0, F0), surrogates (ED) and values above
    // U+10FFFF (F4), following the table in the Unicode standard, section 3.9.
    unsigned lo = 0x80U;
    unsigned hi = 0xBFU;
    if (b >= 0xC2U && b <= 0xDFU) {
      len = 2;
    } else if (b >= 0xE0U && b <= 0xEFU) {
      len = 3;
      if (b == 0xE0U) lo = 0xA0U;
      if (b == 0xEDU) hi = 0x9FU;
    } else if (b >= 0xF0U && b <= 0xF4U) {
      len = 4;
      if (b == 0xF0U) lo = 0x90U;
      if (b == 0xF4U) hi = 0x8FU;
    } else {
      return i;
    }
    if (i + 1 >= s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if (!is_cont(i + k)) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

/// @brief Decodes one UTF-8 sequence starting at `i`; returns its code point and advances `i`, or
/// returns nullopt (invalid, overlong, surrogate or out of range).
[[nodiscard]] inline std::optional<char32_t> decode_utf8(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((c & 0xe0U) == 0xc0U) {
    len = 2;
    cp = c & 0x1fU;
    min = 0x80;
  } else if ((c & 0xf0U) == 0xe0U) {
    len = 3;
    cp = c & 0x0fU;
    min = 0x800;
  } else if ((c & 0xf8U) == 0xf0U) {
    len = 4;
    cp = c & 0x07U;
    min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (i + len > text.size()) return std::nullopt;
  for (std::size_t k = 1; k < len; ++k) {
    const unsigned char cont = byte(i + k);
    if ((cont & 0xc0U) != 0x80U) return std::nullopt;
    cp = (cp << 6U) | (cont & 0x3fU);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return std::nullopt;
  i += len;
  return cp;
}

}  // namespace brocken::io
