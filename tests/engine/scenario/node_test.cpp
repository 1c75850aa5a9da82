// Tests for engine/scenario/node.hpp: construction, lookup, positions and paths of parsed
// trees, and to_yaml (block style, and reading it back gives the same tree).
#include "engine/scenario/node.hpp"

#include <random>

#include <gtest/gtest.h>

#include "engine/scenario/load.hpp"
#include "tests/engine/scenario/test_util.hpp"

namespace brocken::scenario {
namespace {

using testing::same_structure;
using testing::where;

Node parse_ok(std::string_view text, const std::string& file = "t.yaml") {
  Diagnostics diags;
  Node n = parse_yaml(text, file, diags);
  EXPECT_TRUE(diags.empty()) << testing::lines_of(diags).front();
  return n;
}

TEST(Node, DefaultIsNull) {
  const Node n;
  EXPECT_TRUE(n.is_null());
  EXPECT_EQ(n.kind(), Node::Kind::kNull);
  EXPECT_EQ(n.find("x"), nullptr);
}

TEST(Node, KindNames) {
  EXPECT_EQ(Node::kind_name(Node::Kind::kNull), "null");
  EXPECT_EQ(Node::kind_name(Node::Kind::kScalar), "a scalar");
  EXPECT_EQ(Node::kind_name(Node::Kind::kSequence), "a list");
  EXPECT_EQ(Node::kind_name(Node::Kind::kMap), "a mapping");
}

TEST(Node, MakeAndFind) {
  const SourcePos p{"f.yaml", 1, 1};
  std::vector<std::pair<std::string, Node>> entries;
  entries.emplace_back("a", Node::make_scalar("1", {"f.yaml", 1, 1}, "a"));
  entries.emplace_back("b",
                       Node::make_sequence({Node::make_null(p, "b[0]")}, {"f.yaml", 2, 1}, "b"));
  Node map = Node::make_map(std::move(entries), p, "");
  ASSERT_TRUE(map.is_map());
  ASSERT_NE(map.find("a"), nullptr);
  EXPECT_TRUE(map.find("a")->is_scalar());
  EXPECT_EQ(map.find("a")->scalar(), "1");
  EXPECT_TRUE(map.find("b")->is_sequence());
  EXPECT_TRUE(map.find("b")->items()[0].is_null());
  EXPECT_EQ(map.find("c"), nullptr);
  EXPECT_EQ(map.find_mutable("c"), nullptr);
  EXPECT_EQ(map.find("b")->pos().line, 2);
}

TEST(Node, SetEntryReplacesInPlaceAndAppendsNewKeys) {
  Node map = Node::make_map({}, {}, "");
  map.set_entry("x", Node::make_scalar("1", {}, "x"));
  map.set_entry("y", Node::make_scalar("2", {}, "y"));
  map.set_entry("x", Node::make_scalar("3", {"o", 1, 1}, "x"));
  ASSERT_EQ(map.entries().size(), 2U);
  EXPECT_EQ(map.entries()[0].first, "x");  // keeps first-insertion order
  EXPECT_EQ(map.entries()[0].second.scalar(), "3");
  EXPECT_EQ(map.entries()[0].second.pos().file, "o");
  EXPECT_EQ(map.entries()[1].first, "y");
  EXPECT_EQ(map.take_entries().size(), 2U);
  EXPECT_TRUE(map.entries().empty());
  EXPECT_TRUE(map.is_map());
}

TEST(Node, JoinKeyPath) {
  EXPECT_EQ(join_key_path("", "a"), "a");
  EXPECT_EQ(join_key_path("a", "b"), "a.b");
  EXPECT_EQ(join_key_path("a.b[2]", "c"), "a.b[2].c");
}

TEST(Node, ParsedPathsAndPositions) {
  const Node root = parse_ok(
      "# comment\n"
      "models:\n"
      "  departure:\n"
      "    base_hazard: 0.5\n"
      "list: [a, b, c, [x, y]]\n"
      "block:\n"
      "  - 1\n"
      "  - k: v\n"
      "empty:\n");
  ASSERT_TRUE(root.is_map());
  EXPECT_EQ(root.path(), "");
  EXPECT_EQ(where(root), "t.yaml:2:1");
  const Node& models = *root.find("models");
  EXPECT_EQ(models.path(), "models");
  EXPECT_EQ(where(models), "t.yaml:2:1");  // map entries sit at their key
  const Node& hazard = *models.find("departure")->find("base_hazard");
  EXPECT_EQ(hazard.path(), "models.departure.base_hazard");
  EXPECT_EQ(where(hazard), "t.yaml:4:5");
  EXPECT_EQ(hazard.scalar(), "0.5");
  const Node& list = *root.find("list");
  ASSERT_EQ(list.items().size(), 4U);
  EXPECT_EQ(list.items()[2].path(), "list[2]");
  EXPECT_EQ(where(list.items()[2]), "t.yaml:5:14");  // sequence items sit at themselves
  EXPECT_EQ(list.items()[3].items()[1].path(), "list[3][1]");
  const Node& block = *root.find("block");
  EXPECT_EQ(where(block.items()[0]), "t.yaml:7:5");
  EXPECT_EQ(block.items()[1].find("k")->path(), "block[1].k");
  EXPECT_EQ(where(*block.items()[1].find("k")), "t.yaml:8:5");
  EXPECT_TRUE(root.find("empty")->is_null());
  EXPECT_EQ(where(*root.find("empty")), "t.yaml:9:1");
}

TEST(Node, QuotedAndPlainScalarsKeepTheirText) {
  const Node root = parse_ok("a: \"3\"\nb: 3\nc: ''\nd: ~\ne: null\nf: 'null'\ng: |\n  x\n  y\n");
  EXPECT_EQ(root.find("a")->scalar(), "3");
  EXPECT_EQ(root.find("b")->scalar(), "3");
  EXPECT_TRUE(root.find("c")->is_scalar());
  EXPECT_EQ(root.find("c")->scalar(), "");
  EXPECT_TRUE(root.find("d")->is_null());
  EXPECT_TRUE(root.find("e")->is_null());
  EXPECT_EQ(root.find("f")->scalar(), "null");
  EXPECT_EQ(root.find("g")->scalar(), "x\ny\n");
}

TEST(ToYaml, BlockStyleKeysInOrder) {
  const Node root = parse_ok("z: 1\na: {y: [1, 2], x: ~}\nm: []\nn: {}\n");
  EXPECT_EQ(to_yaml(root),
            "z: 1\n"
            "a:\n"
            "  y:\n"
            "    - 1\n"
            "    - 2\n"
            "  x: ~\n"
            "m:\n"
            "  []\n"
            "n:\n"
            "  {}\n");
}

TEST(ToYaml, NonMapRoots) {
  EXPECT_EQ(to_yaml(Node{}), "~\n");
  EXPECT_EQ(to_yaml(Node::make_scalar("x", {}, "")), "x\n");
  EXPECT_TRUE(same_structure(parse_ok(to_yaml(Node::make_sequence({Node{}}, {}, ""))),
                             Node::make_sequence({Node{}}, {}, "")));
}

/// Scalars whose text a naive emitter would change: YAML words, indicators, whitespace, control
/// and Unicode line characters.
const std::vector<std::string>& tricky_scalars() {
  static const std::vector<std::string> values = {"",
                                                  "null",
                                                  "Null",
                                                  "NULL",
                                                  "~",
                                                  "true",
                                                  "false",
                                                  "yes",
                                                  "no",
                                                  "on",
                                                  "0",
                                                  "-1",
                                                  "1.5",
                                                  "1e3",
                                                  ".nan",
                                                  ".inf",
                                                  "0x10",
                                                  "007",
                                                  "2020-01",
                                                  "-",
                                                  "- x",
                                                  "? x",
                                                  ":",
                                                  "a: b",
                                                  "a:",
                                                  "#x",
                                                  "x #y",
                                                  " lead",
                                                  "trail ",
                                                  "  ",
                                                  "multi\nline",
                                                  "a\n",
                                                  "\nb",
                                                  "tab\there",
                                                  "\t",
                                                  "q\"uote",
                                                  "'single",
                                                  "back\\slash",
                                                  "[x",
                                                  "]",
                                                  "{x",
                                                  "}",
                                                  ",",
                                                  "x,y",
                                                  "*alias",
                                                  "&anchor",
                                                  "!tag",
                                                  "%dir",
                                                  "@at",
                                                  "`tick",
                                                  "|",
                                                  ">",
                                                  "---",
                                                  "...",
                                                  "--- x",
                                                  "carriage\rreturn",
                                                  "\r\n",
                                                  std::string("nul\0byte", 8),
                                                  "\x01\x02",
                                                  "\x7f",
                                                  "caf\xc3\xa9",
                                                  "\xe6\x97\xa5\xe6\x9c\xac",
                                                  "nel\xc2\x85x",
                                                  "ls\xe2\x80\xa8x",
                                                  "ps\xe2\x80\xa9x",
                                                  std::string("\xef\xbb\xbf"
                                                              "bom"),
                                                  "\xc2\xa0nbsp",
                                                  std::string(300, 'k'),
                                                  "<<",
                                                  "=",
                                                  "a=b"};
  return values;
}

TEST(ToYaml, RoundTripsTrickyScalarsAsKeysValuesAndItems) {
  std::vector<std::pair<std::string, Node>> entries;
  std::vector<Node> items;
  std::size_t i = 0;
  for (const std::string& s : tricky_scalars()) {
    entries.emplace_back("k" + std::to_string(i++), Node::make_scalar(s, {}, ""));
    entries.emplace_back(s.empty() ? std::string("\"\"") + "empty" : s + "#key",
                         Node::make_scalar("v", {}, ""));
    items.push_back(Node::make_scalar(s, {}, ""));
  }
  // Keys equal to the tricky texts themselves (made unique by the loop above only for values).
  Node keys_map = Node::make_map({}, {}, "");
  for (const std::string& s : tricky_scalars()) keys_map.set_entry(s, Node::make_null({}, ""));
  entries.emplace_back("keys", std::move(keys_map));
  entries.emplace_back("items", Node::make_sequence(std::move(items), {}, ""));
  const Node original = Node::make_map(std::move(entries), {}, "");
  const std::string text = to_yaml(original);
  EXPECT_TRUE(same_structure(parse_ok(text), original)) << text;
}

TEST(ToYaml, RoundTripsNestedStructures) {
  const std::string src =
      "seed: 42\n"
      "name: \"quoted: text\"\n"
      "empty_string: ''\n"
      "nothing:\n"
      "models:\n"
      "  departure: {base: 0.1, bands: [1, 2, 3], nested: [[], [{}], [[~]]]}\n"
      "  text: |\n"
      "    line one\n"
      "    line two\n"
      "list:\n"
      "  - a\n"
      "  - {b: c}\n"
      "  - - d\n"
      "    - e\n";
  const Node original = parse_ok(src);
  const Node again = parse_ok(to_yaml(original));
  EXPECT_TRUE(same_structure(again, original)) << to_yaml(original);
  EXPECT_EQ(to_yaml(again), to_yaml(original));  // emitting is a fixed point
}

TEST(ToYaml, RoundTripsRandomStrings) {
  // Deterministic fuzz over an alphabet of YAML-significant characters and multi-byte UTF-8.
  const std::vector<std::string> alphabet = {"a",
                                             "Z",
                                             "0",
                                             "9",
                                             " ",
                                             "\t",
                                             "\n",
                                             "\r",
                                             ":",
                                             "#",
                                             "-",
                                             "?",
                                             "'",
                                             "\"",
                                             "\\",
                                             "[",
                                             "]",
                                             "{",
                                             "}",
                                             ",",
                                             "&",
                                             "*",
                                             "!",
                                             "|",
                                             ">",
                                             "%",
                                             "@",
                                             "`",
                                             ".",
                                             "~",
                                             "=",
                                             "<",
                                             "\x01",
                                             "\x7f",
                                             "\xc3\xa9",
                                             "\xc2\x85",
                                             "\xe2\x80\xa8",
                                             "\xef\xbb\xbf",
                                             "\xf0\x9f\x98\x80",
                                             "null",
                                             "true",
                                             "---",
                                             "..."};
  std::mt19937 rng(12345);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> len(0, 12);
  std::vector<std::pair<std::string, Node>> entries;
  std::vector<Node> items;
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    for (int n = len(rng); n > 0; --n) s += alphabet[pick(rng)];
    entries.emplace_back(fmt::format("{}#{}", s, i), Node::make_scalar(s, {}, ""));
    items.push_back(Node::make_scalar(s, {}, ""));
  }
  entries.emplace_back("items", Node::make_sequence(std::move(items), {}, ""));
  const Node original = Node::make_map(std::move(entries), {}, "");
  EXPECT_TRUE(same_structure(parse_ok(to_yaml(original)), original));
}

}  // namespace
}  // namespace brocken::scenario
