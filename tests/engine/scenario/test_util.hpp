#pragma once
/// @file
/// @brief Helpers shared by the scenario loader tests: a self-deleting temporary directory,
/// structural comparison of Node trees and collecting the lines of an InputError.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "engine/scenario/diagnostics.hpp"
#include "engine/scenario/node.hpp"

namespace brocken::scenario::testing {

/// @brief A unique directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            fmt::format("brocken-scenario-test-{}-{}-{:08x}", ::getpid(), counter++, rd());
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  /// @brief Writes `text` to `name` (relative to the dir, parents created); returns the path.
  std::filesystem::path write(const std::string& name, std::string_view text) const {
    std::filesystem::path p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return p;
  }

 private:
  std::filesystem::path path_;
};

/// @brief Runs `fn`, expecting an InputError; returns its lines (empty if nothing was thrown).
template <typename Fn>
std::vector<std::string> error_lines(Fn&& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    std::vector<std::string> lines;
    std::string what = e.what();
    std::size_t start = 0;
    while (true) {
      const std::size_t nl = what.find('\n', start);
      lines.push_back(what.substr(start, nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    // what() and diagnostics() must tell the same story.
    EXPECT_EQ(lines.size(), e.diagnostics().size());
    for (std::size_t i = 0; i < lines.size() && i < e.diagnostics().size(); ++i) {
      EXPECT_EQ(lines[i], e.diagnostics()[i].str());
    }
    return lines;
  }
  return {};
}

/// @brief The lines Diagnostics would print, in the sorted order of throw_if_any().
inline std::vector<std::string> lines_of(const Diagnostics& diags) {
  return error_lines([&] { diags.throw_if_any(); });
}

/// @brief How a scalar was written, for messages: "plain", "quoted" or "tagged <tag>".
inline std::string style_name(const Node& n) {
  switch (n.style()) {
    case Node::Style::kPlain:
      return "plain";
    case Node::Style::kQuoted:
      return "quoted";
    case Node::Style::kTagged:
      return "tagged " + n.tag();
  }
  return "?";
}

/// @brief Same kinds, scalar texts, scalar styles and tags, keys (in order) and items;
/// positions and paths ignored.
inline ::testing::AssertionResult same_structure(const Node& a, const Node& b,
                                                 const std::string& where = "<root>") {
  if (a.kind() != b.kind()) {
    return ::testing::AssertionFailure() << where << ": kind " << Node::kind_name(a.kind())
                                         << " vs " << Node::kind_name(b.kind());
  }
  switch (a.kind()) {
    case Node::Kind::kNull:
      return ::testing::AssertionSuccess();
    case Node::Kind::kScalar:
      if (a.scalar() != b.scalar()) {
        return ::testing::AssertionFailure()
               << where << ": scalar \"" << a.scalar() << "\" vs \"" << b.scalar() << "\"";
      }
      if (a.style() != b.style() || a.tag() != b.tag()) {
        return ::testing::AssertionFailure()
               << where << ": scalar \"" << a.scalar() << "\" written " << style_name(a) << " vs "
               << style_name(b);
      }
      return ::testing::AssertionSuccess();
    case Node::Kind::kSequence:
      if (a.items().size() != b.items().size()) {
        return ::testing::AssertionFailure()
               << where << ": list sizes " << a.items().size() << " vs " << b.items().size();
      }
      for (std::size_t i = 0; i < a.items().size(); ++i) {
        auto r = same_structure(a.items()[i], b.items()[i], fmt::format("{}[{}]", where, i));
        if (!r) return r;
      }
      return ::testing::AssertionSuccess();
    case Node::Kind::kMap:
      if (a.entries().size() != b.entries().size()) {
        return ::testing::AssertionFailure()
               << where << ": map sizes " << a.entries().size() << " vs " << b.entries().size();
      }
      for (std::size_t i = 0; i < a.entries().size(); ++i) {
        if (a.entries()[i].first != b.entries()[i].first) {
          return ::testing::AssertionFailure()
                 << where << ": key #" << i << " \"" << a.entries()[i].first << "\" vs \""
                 << b.entries()[i].first << "\"";
        }
        auto r = same_structure(a.entries()[i].second, b.entries()[i].second,
                                where + "." + a.entries()[i].first);
        if (!r) return r;
      }
      return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "bad kind";
}

/// @brief "file:line:column" of a node, for compact position assertions.
inline std::string where(const Node& n) {
  return fmt::format("{}:{}:{}", n.pos().file, n.pos().line, n.pos().column);
}

}  // namespace brocken::scenario::testing
