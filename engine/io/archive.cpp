#include "engine/io/archive.hpp"

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

}  // namespace brocken::io
