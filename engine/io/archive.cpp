#include "engine/io/archive.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

namespace brocken::io {

std::string_view elem_type_name(ElemType t) noexcept {
  switch (t) {
    case ElemType::kU8:
      return "u8";
    case ElemType::kI8:
      return "i8";
    case ElemType::kU16:
      return "u16";
    case ElemType::kI16:
      return "i16";
    case ElemType::kU32:
      return "u32";
    case ElemType::kI32:
      return "i32";
    case ElemType::kU64:
      return "u64";
    case ElemType::kI64:
      return "i64";
    case ElemType::kF32:
      return "f32";
    case ElemType::kF64:
      return "f64";
    case ElemType::kBytes:
      return "bytes";
    case ElemType::kText:
      return "text";
  }
  return "?";
}

std::size_t elem_size(ElemType t) noexcept {
  switch (t) {
    case ElemType::kU16:
    case ElemType::kI16:
      return 2;
    case ElemType::kU32:
    case ElemType::kI32:
    case ElemType::kF32:
      return 4;
    case ElemType::kU64:
    case ElemType::kI64:
    case ElemType::kF64:
      return 8;
    default:
      return 1;
  }
}

void check_archive_name(std::string_view name) {
  if (name.empty()) throw std::invalid_argument("archive: empty entry name");
  std::size_t part = 0;
  for (const char c : name) {
    if (c == '/') {
      if (part == 0) throw std::invalid_argument(fmt::format("archive: bad entry name '{}'", name));
      part = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok || (part == 0 && c == '.')) {
      throw std::invalid_argument(fmt::format("archive: bad entry name '{}'", name));
    }
    ++part;
  }
  if (part == 0) throw std::invalid_argument(fmt::format("archive: bad entry name '{}'", name));
}

std::string ArchiveReader::get_text(std::string_view name) const {
  const Raw& r = require(name, ElemType::kText, 1);
  return {static_cast<const char*>(r.data), r.count};
}

const ArchiveReader::Raw& ArchiveReader::require(std::string_view name, ElemType type,
                                                 std::size_t elem_bytes) const {
  const Raw* r = find(name);
  if (r == nullptr) throw ArchiveError(fmt::format("entry '{}' is missing", name));
  if (r->type != type || r->elem_bytes != elem_bytes) {
    throw ArchiveError(fmt::format("entry '{}' holds {} ({} bytes each), expected {} ({} bytes)",
                                   name, elem_type_name(r->type), r->elem_bytes,
                                   elem_type_name(type), elem_bytes));
  }
  return *r;
}

void ArchiveReader::size_mismatch(std::string_view name, std::size_t expected, std::size_t got) {
  throw ArchiveError(fmt::format("entry '{}' holds {} values, expected {}", name, got, expected));
}

void MemoryArchive::put_raw(std::string_view name, ElemType type, std::size_t elem_bytes,
                            std::size_t count, const void* data) {
  check_archive_name(name);
  if (elem_bytes == 0 || (type != ElemType::kBytes && elem_bytes != elem_size(type))) {
    throw std::invalid_argument(fmt::format("archive: entry '{}': bad element size", name));
  }
  auto [it, fresh] = entries_.try_emplace(std::string(name));
  if (!fresh) throw std::logic_error(fmt::format("archive: entry '{}' written twice", name));
  Entry& e = it->second;
  e.bytes.resize(count * elem_bytes);
  if (!e.bytes.empty()) std::memcpy(e.bytes.data(), data, e.bytes.size());
  e.view = Raw{type, elem_bytes, count, e.bytes.data()};
}

const ArchiveReader::Raw* MemoryArchive::find(std::string_view name) const {
  const auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second.view;
}

std::size_t MemoryArchive::byte_size() const noexcept {
  std::size_t n = 0;
  for (const auto& [name, e] : entries_) n += e.bytes.size();
  return n;
}

namespace {

constexpr std::string_view kSerialMagic = "BRKARCH1";

void put_u64(std::vector<unsigned char>& out, std::uint64_t v) {
  std::array<unsigned char, 8> b{};
  for (std::size_t i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
  out.insert(out.end(), b.begin(), b.end());
}

/// A cursor over serialized bytes that refuses to read past the end.
struct Cursor {
  std::span<const unsigned char> bytes;
  std::size_t at = 0;
  std::uint64_t u64() {
    if (bytes.size() - at < 8) throw ArchiveError("serialized archive: truncated");
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(bytes[at + i]) << (8 * i);
    at += 8;
    return v;
  }
  std::span<const unsigned char> take(std::uint64_t n) {
    if (n > bytes.size() - at) throw ArchiveError("serialized archive: truncated");
    const auto out = bytes.subspan(at, static_cast<std::size_t>(n));
    at += static_cast<std::size_t>(n);
    return out;
  }
};

}  // namespace

void check_finite(std::string_view name, const ArchiveReader::Raw& raw) {
  const auto bad = [&](std::size_t i, double v) {
    throw ArchiveError(
        fmt::format("entry '{}' holds {} at index {}, which is not a finite number", name, v, i));
  };
  if (raw.type == ElemType::kF64) {
    for (std::size_t i = 0; i < raw.count; ++i) {
      double v = 0;
      std::memcpy(&v, static_cast<const unsigned char*>(raw.data) + i * 8, 8);
      if (!std::isfinite(v)) bad(i, v);
    }
  } else if (raw.type == ElemType::kF32) {
    for (std::size_t i = 0; i < raw.count; ++i) {
      float v = 0;
      std::memcpy(&v, static_cast<const unsigned char*>(raw.data) + i * 4, 4);
      if (!std::isfinite(v)) bad(i, static_cast<double>(v));
    }
  }
}

std::vector<unsigned char> serialize_archive(const MemoryArchive& archive) {
  std::vector<unsigned char> out;
  out.reserve(archive.byte_size() + archive.entries().size() * 64 + 16);
  for (const char c : kSerialMagic) out.push_back(static_cast<unsigned char>(c));
  put_u64(out, archive.entries().size());
  for (const auto& [name, e] : archive.entries()) {
    put_u64(out, name.size());
    out.insert(out.end(), name.begin(), name.end());
    put_u64(out, static_cast<std::uint64_t>(e.view.type));
    put_u64(out, e.view.elem_bytes);
    put_u64(out, e.view.count);
    out.insert(out.end(), e.bytes.begin(), e.bytes.end());
  }
  return out;
}

MemoryArchive deserialize_archive(std::span<const unsigned char> bytes) {
  Cursor c{bytes};
  const auto magic = c.take(kSerialMagic.size());
  if (!std::equal(magic.begin(), magic.end(), kSerialMagic.begin())) {
    throw ArchiveError("serialized archive: wrong magic");
  }
  const std::uint64_t n = c.u64();
  if (n > bytes.size()) throw ArchiveError("serialized archive: implausible entry count");
  MemoryArchive ar;
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t len = c.u64();
    if (len > 4096) throw ArchiveError("serialized archive: implausible name length");
    const auto name_bytes = c.take(len);
    const std::string name(name_bytes.begin(), name_bytes.end());
    const std::uint64_t type = c.u64();
    if (type > static_cast<std::uint64_t>(ElemType::kText)) {
      throw ArchiveError(fmt::format("serialized archive: entry '{}' has an unknown type", name));
    }
    const auto t = static_cast<ElemType>(type);
    const std::uint64_t elem = c.u64();
    const std::uint64_t count = c.u64();
    if (elem == 0 || elem > (1U << 20U) || (t != ElemType::kBytes && elem != elem_size(t)) ||
        count > bytes.size() / elem) {
      throw ArchiveError(fmt::format("serialized archive: entry '{}' has invalid sizes", name));
    }
    const auto data = c.take(elem * count);
    try {
      ar.put_raw(name, t, elem, count, data.data());
    } catch (const std::exception& e) {
      throw ArchiveError(fmt::format("serialized archive: {}", e.what()));
    }
    check_finite(name, *ar.find(name));
  }
  if (c.at != bytes.size()) throw ArchiveError("serialized archive: trailing bytes");
  return ar;
}

}  // namespace brocken::io
