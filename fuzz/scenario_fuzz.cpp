// libFuzzer target: the scenario loader, from memory (docs/fuzzing.md).
//
// Input: a scenario's YAML text, optionally followed by a line "%%" and then one `--set`
// override per line. The text may `extends:` the shipped scenarios, which are served from
// memory by file name (read once at start-up from the source tree); no other file is read.
//
// Besides "no crash, no hang, no sanitizer report", it checks properties of the loader:
// - a loaded document's resolved YAML parses again, to a tree of the same shape (with every
//   scalar's text, quoting and tag);
// - every diagnostic has a message and a position or key;
// - values read through the Reader are finite and within the bounds asked for.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/scenario/diagnostics.hpp"
#include "engine/scenario/load.hpp"
#include "engine/scenario/reader.hpp"
#include "models/migration/params.hpp"

namespace {

namespace fs = std::filesystem;
using brocken::scenario::Diagnostics;
using brocken::scenario::InputError;
using brocken::scenario::Node;
using brocken::scenario::Reader;

/// A property of the loader does not hold: abort, so that libFuzzer saves the input.
void require(bool ok) {
  if (!ok) std::abort();
}

/// The shipped scenarios by file name ("default.yaml", "smoke.yaml", ...).
std::map<std::string, std::string>& files() {
  static std::map<std::string, std::string> map;
  return map;
}

void load_shipped_scenarios() {
  const fs::path dir = fs::path(BROCKEN_SOURCE_DIR) / "scenarios";
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().extension() != ".yaml") continue;
    std::ifstream in(it->path(), std::ios::binary);
    files()[it->path().filename().string()] =
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
}

brocken::scenario::FileText read_from_memory(const fs::path& path) {
  const auto it = files().find(path.filename().string());
  if (it == files().end()) return {std::nullopt, "No such file or directory", false};
  return {it->second, {}, false};
}

bool same_shape(const Node& a, const Node& b) {
  if (a.kind() != b.kind()) return false;
  if (a.is_scalar()) {
    // A plain `-` (possible only inside a flow collection: `[a, -]`) cannot be written plain in
    // a block document; to_yaml quotes it (node.hpp).
    const bool dash =
        a.scalar() == "-" && a.style() == Node::Style::kPlain && b.style() == Node::Style::kQuoted;
    return a.scalar() == b.scalar() && (dash || (a.style() == b.style() && a.tag() == b.tag()));
  }
  if (a.is_sequence()) {
    if (a.items().size() != b.items().size()) return false;
    for (std::size_t i = 0; i < a.items().size(); ++i) {
      if (!same_shape(a.items()[i], b.items()[i])) return false;
    }
    return true;
  }
  if (a.is_map()) {
    if (a.entries().size() != b.entries().size()) return false;
    for (std::size_t i = 0; i < a.entries().size(); ++i) {
      if (a.entries()[i].first != b.entries()[i].first) return false;
      if (!same_shape(a.entries()[i].second, b.entries()[i].second)) return false;
    }
  }
  return true;
}

void check_diagnostics(const InputError& e) {
  require(!e.diagnostics().empty());
  for (const auto& d : e.diagnostics()) {
    require(!d.message.empty());
    require(d.pos.line >= 0 && d.pos.column >= 0);
    (void)d.str();
  }
  (void)e.what();
}

/// Reads every key of every mapping as each type the Reader offers, with bounds, and checks
/// what comes out. Depth-first over the tree (bounded by the loader's depth limit); `budget`
/// bounds the keys read, since aliases can make a small input a tree of 500,000 nodes.
void read_everything(const Node& node, Diagnostics& diags, int depth, int& budget) {
  require(depth <= 300);  // the loader promises at most 256 levels
  if (budget <= 0) return;
  if (node.is_sequence()) {
    for (const Node& item : node.items()) read_everything(item, diags, depth + 1, budget);
    return;
  }
  if (!node.is_map()) return;
  Reader r(node, diags);
  for (const std::string& key : r.keys()) {
    if (--budget <= 0) break;
    double d = 0.25;
    r.read(key, d, {0.0, 1.0});
    require(d >= 0.0 && d <= 1.0);
    double any = 0;
    r.read(key, any);
    require(std::isfinite(any));
    float f = 0;
    r.read(key, f, {-1e6, 1e6});
    require(std::isfinite(f) && f >= -1e6F && f <= 1e6F);
    std::int64_t i64 = 7;
    r.read(key, i64, {0, 9.007199254740992e15});
    require(i64 >= 0 && i64 <= (std::int64_t{1} << 53));
    int i = 3;
    r.read(key, i, {-5, 5});
    require(i >= -5 && i <= 5);
    bool b = false;
    r.read(key, b);
    std::string s;
    r.read(key, s);
    brocken::scenario::YearMonth ym;
    r.read(key, ym);
    require(ym.month >= 1 && ym.month <= 12);
    std::vector<double> list;
    r.read(key, list, {-1.0, 1.0}, 3);
    require(list.empty() || list.size() == 3);
    for (const double x : list) require(x >= -1.0 && x <= 1.0);
    std::vector<std::string> strings;
    r.read(key, strings);
    std::string choice;
    r.read_choice(key, choice, {"alpha", "beta", "gamma"});
    if (const Node* child = r.raw(key)) read_everything(*child, diags, depth + 1, budget);
  }
  r.finish();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  load_shipped_scenarios();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  std::string_view text = input;
  if (const std::size_t split = input.find("\n%%\n"); split != std::string_view::npos) {
    text = input.substr(0, split);
    std::string_view rest = input.substr(split + 4);
    while (!rest.empty() && overrides.size() < 16) {
      const std::size_t nl = rest.find('\n');
      overrides.emplace_back(rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
  }

  // The bare parser (any root kind).
  {
    Diagnostics diags;
    const Node root = brocken::scenario::parse_yaml(text, "fuzz.yaml", diags);
    if (!diags.empty()) require(root.is_null());
  }

  try {
    const brocken::scenario::Document doc =
        brocken::scenario::load_document(text, "scenarios/fuzz.yaml", overrides, read_from_memory);
    require(doc.root.is_map());
    // The resolved scenario (stored as provenance in every output file) parses again to the
    // same tree. Large expansions (aliases) may exceed the loader's limits when re-read.
    if (doc.resolved_yaml.size() < (std::size_t{1} << 20)) {
      Diagnostics again;
      const Node back = brocken::scenario::parse_yaml(doc.resolved_yaml, "resolved.yaml", again);
      require(again.empty());
      require(same_shape(doc.root, back));
    }
    Diagnostics diags;
    Reader root(doc.root, diags);
    Reader models = root.section("models");
    brocken::migration::ModelParams params;
    brocken::migration::parse_model_params(models, params);
    int budget = 2000;
    read_everything(doc.root, diags, 0, budget);
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
