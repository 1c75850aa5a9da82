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
constexpr Node::Style kQuoted = Node::Style::kQuoted;

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

TEST(Node, ScalarsRememberHowTheyWereWritten) {
  const Node root = parse_ok(
      "a: 12\nb: '12'\nc: \"12\"\nd: |\n  12\ne: ! 12\nf: !!str 12\ng: !custom x\n"
      "h: !<tag:yaml.org,2002:int> 7\ni: !!str\nj: !!null\nk: !!null ~\nl: !!null x\n"
      "m: [1, '2', !!float 3]\nn: >\n  folded\n");
  using Style = Node::Style;
  const auto style = [&](const char* key) { return root.find(key)->style(); };
  const auto tag = [&](const char* key) { return root.find(key)->tag(); };
  EXPECT_EQ(style("a"), Style::kPlain);
  EXPECT_EQ(tag("a"), "");
  EXPECT_EQ(style("b"), Style::kQuoted);
  EXPECT_EQ(style("c"), Style::kQuoted);
  EXPECT_EQ(root.find("c")->scalar(), "12");
  EXPECT_EQ(style("d"), Style::kQuoted);  // a block scalar is not plain
  EXPECT_EQ(style("e"), Style::kQuoted);  // the non-specific tag: a string, as if quoted
  EXPECT_EQ(tag("e"), "");
  EXPECT_EQ(style("f"), Style::kTagged);
  EXPECT_EQ(tag("f"), "tag:yaml.org,2002:str");
  EXPECT_EQ(root.find("f")->scalar(), "12");
  EXPECT_EQ(tag("g"), "!custom");
  EXPECT_EQ(tag("h"), "tag:yaml.org,2002:int");
  EXPECT_EQ(tag("i"), "tag:yaml.org,2002:str");  // a tag with no text: the empty string
  EXPECT_EQ(root.find("i")->scalar(), "");
  EXPECT_TRUE(root.find("j")->is_null());  // !!null on a null word is null
  EXPECT_TRUE(root.find("k")->is_null());
  EXPECT_EQ(tag("l"), "tag:yaml.org,2002:null");  // but not on other text
  const Node& m = *root.find("m");
  EXPECT_EQ(m.items()[0].style(), Style::kPlain);
  EXPECT_EQ(m.items()[1].style(), Style::kQuoted);
  EXPECT_EQ(m.items()[2].tag(), "tag:yaml.org,2002:float");
  EXPECT_EQ(style("n"), Style::kQuoted);
  // Built in code: plain unless asked.
  EXPECT_EQ(Node::make_scalar("1", {}, "").style(), Style::kPlain);
  EXPECT_EQ(Node::make_scalar("1", {}, "", Style::kQuoted).style(), Style::kQuoted);
  const Node t = Node::make_tagged("1", "!x", {}, "");
  EXPECT_EQ(t.style(), Style::kTagged);
  EXPECT_EQ(t.tag(), "!x");
  EXPECT_EQ(t.scalar(), "1");
}

TEST(Node, TagNames) {
  EXPECT_EQ(tag_name("tag:yaml.org,2002:str"), "!!str");
  EXPECT_EQ(tag_name("!custom"), "!custom");
  EXPECT_EQ(tag_name("tag:example.com,2000:x"), "!<tag:example.com,2000:x>");
  EXPECT_TRUE(is_writable_tag("tag:example.com,2000:a%20b[1]"));
  EXPECT_TRUE(is_writable_tag("!a!b"));
  EXPECT_FALSE(is_writable_tag(""));
  EXPECT_FALSE(is_writable_tag("!"));
  EXPECT_FALSE(is_writable_tag("?"));
  EXPECT_FALSE(is_writable_tag("tag:ex%:x"));
  EXPECT_FALSE(is_writable_tag("tag:ex\xc3\xa9:x"));
  EXPECT_FALSE(is_writable_tag("a b"));
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

// Arbitrary text, as a user would write it: quoted (or tagged !!str).
TEST(ToYaml, RoundTripsTrickyScalarsAsKeysValuesAndItems) {
  std::vector<std::pair<std::string, Node>> entries;
  std::vector<Node> items;
  std::size_t i = 0;
  for (const std::string& s : tricky_scalars()) {
    entries.emplace_back("k" + std::to_string(i++), Node::make_scalar(s, {}, "", kQuoted));
    entries.emplace_back(s.empty() ? std::string("\"\"") + "empty" : s + "#key",
                         Node::make_scalar("v", {}, ""));
    items.push_back(Node::make_scalar(s, {}, "", kQuoted));
    items.push_back(Node::make_tagged(s, "tag:yaml.org,2002:str", {}, ""));
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
    entries.emplace_back(fmt::format("{}#{}", s, i), Node::make_scalar(s, {}, "", kQuoted));
    items.push_back(Node::make_scalar(s, {}, "", kQuoted));
  }
  entries.emplace_back("items", Node::make_sequence(std::move(items), {}, ""));
  const Node original = Node::make_map(std::move(entries), {}, "");
  EXPECT_TRUE(same_structure(parse_ok(to_yaml(original)), original));
}

TEST(ToYaml, WritesQuotedScalarsQuotedAndTagsWithTheirTag) {
  std::vector<std::pair<std::string, Node>> entries;
  entries.emplace_back("plain", Node::make_scalar("12", {}, ""));
  entries.emplace_back("quoted", Node::make_scalar("12", {}, "", kQuoted));
  entries.emplace_back("word", Node::make_scalar("true", {}, "", kQuoted));
  entries.emplace_back("str", Node::make_tagged("12", "tag:yaml.org,2002:str", {}, ""));
  entries.emplace_back("int", Node::make_tagged("7", "tag:yaml.org,2002:int", {}, ""));
  entries.emplace_back("custom", Node::make_tagged("x", "!custom", {}, ""));
  entries.emplace_back("other", Node::make_tagged("x", "tag:example.com,2000:t", {}, ""));
  entries.emplace_back("empty", Node::make_tagged("", "tag:yaml.org,2002:str", {}, ""));
  entries.emplace_back("list", Node::make_sequence({Node::make_scalar("1", {}, "", kQuoted),
                                                    Node::make_scalar("2", {}, "")},
                                                   {}, ""));
  const Node original = Node::make_map(std::move(entries), {}, "");
  const std::string text = to_yaml(original);
  EXPECT_EQ(text,
            "plain: 12\n"
            "quoted: \"12\"\n"
            "word: \"true\"\n"
            "str: !!str 12\n"
            "int: !!int 7\n"
            "custom: !custom x\n"
            "other: !<tag:example.com,2000:t> x\n"
            "empty: !!str \"\"\n"
            "list:\n"
            "  - \"1\"\n"
            "  - 2\n");
  EXPECT_TRUE(same_structure(parse_ok(text), original)) << text;
}

TEST(ToYaml, RoundTripsParsedStylesAndTags) {
  const std::string src =
      "%TAG !e! tag:example.com,2000:\n"
      "---\n"
      "a: 12\n"
      "b: '12'\n"
      "c: \"null\"\n"
      "d: |\n  12\n"
      "e: ! 12\n"
      "f: !!str 12\n"
      "g: !!str\n"
      "h: !!str null\n"
      "i: !custom x\n"
      "j: !e!thing y\n"
      "k: !<!a!b> z\n"
      "l: !<[x]> w\n"
      "m: !!a%20b v\n"
      "n: !a;b 'q: r'\n"
      "o: !!null x\n"
      "p: [1, '1', !!int 1, !!float 1.5, !!bool true]\n"
      "q: !!seq [!!map {r: !!str s}]\n";
  const Node original = parse_ok(src);
  const std::string text = to_yaml(original);
  EXPECT_TRUE(same_structure(parse_ok(text), original)) << text;
  EXPECT_EQ(to_yaml(parse_ok(text)), text);  // a fixed point
}

/// Plain scalars yaml-cpp's emitter would quote, although YAML writes them plain: a tab, a
/// blank line folded into a line break, the Unicode line and format characters, and words that
/// are special only at the start of a line.
TEST(ToYaml, RoundTripsPlainScalarsThatYamlCppWouldQuote) {
  const std::string src =
      "tab: x\ty\n"
      "tabs: a\t\tb c\n"
      "folded: one\n  two\n\n  three\n\n\n  four\n"
      "nel: x\xc2\x85y\n"
      "ls: x\xe2\x80\xa8y\n"
      "ps: x\xe2\x80\xa9y\n"
      "bom: x\xef\xbb\xbfy\n"
      "merge: <<\n"
      "marker: --- x\n"
      "dots: ...x\n"
      "list:\n"
      "  - p\tq\n"
      "  - - deep\tplain\n"
      "    - multi\n\n      line\n"
      "  - k: v\tw\n"
      "    k2: first\n\n      second\n"
      "flow: [a\tb, c\n\n  d]\n"
      "zzbrockenraw0n0q: zzbrockenraw0n1q\n"
      "after: tab\there\n";
  const Node original = parse_ok(src);
  ASSERT_EQ(original.find("folded")->scalar(), "one two\nthree\n\nfour");
  ASSERT_EQ(original.find("tab")->style(), Node::Style::kPlain);
  const std::string text = to_yaml(original);
  EXPECT_TRUE(same_structure(parse_ok(text), original)) << text;
  EXPECT_NE(text.find("tab: x\ty\n"), std::string::npos) << text;
  EXPECT_NE(text.find("merge: <<\n"), std::string::npos) << text;
  EXPECT_EQ(to_yaml(parse_ok(text)), text);
}

TEST(ToYaml, PlainTextThatCannotBePlainIsQuoted) {
  // Only a tree built in code can hold these as plain scalars; they are written quoted.
  const std::vector<std::string> texts = {
      "",    " lead", "trail ", "a: b", "x #y",  "null",  "~",  "\tx",   "x\t", "x\n",
      "\ny", "a\n b", "- x",    "#c",   "x\x01", "x\x7f", "<<", "--- x", "[a",  "a\r\nb"};
  for (const std::string& s : texts) {
    std::vector<std::pair<std::string, Node>> entries;
    entries.emplace_back("k", Node::make_scalar(s, {}, ""));
    entries.emplace_back("tab", Node::make_scalar("x\ty", {}, ""));
    const Node original = Node::make_map(std::move(entries), {}, "");
    const Node back = parse_ok(to_yaml(original));
    ASSERT_TRUE(back.find("k") != nullptr && back.find("k")->is_scalar()) << to_yaml(original);
    EXPECT_EQ(back.find("k")->scalar(), s) << to_yaml(original);
    const Node::Style style = back.find("k")->style();
    EXPECT_TRUE(style == Node::Style::kQuoted || (s == "<<" || s == "--- x")) << to_yaml(original);
    EXPECT_EQ(back.find("tab")->scalar(), "x\ty");
  }
  // A plain `-` exists only inside a flow collection; a block document cannot hold it plain.
  const Node dash = parse_ok("a: [x, -]\n");
  ASSERT_EQ(dash.find("a")->items()[1].style(), Node::Style::kPlain);
  const Node dash_back = parse_ok(to_yaml(dash));
  EXPECT_EQ(dash_back.find("a")->items()[1].scalar(), "-");
  EXPECT_EQ(dash_back.find("a")->items()[1].style(), Node::Style::kQuoted);
  // ... also beside a plain scalar written raw (U+2028 inside): the raw text stays plain
  // (fuzz/regressions/scenario/dash_beside_raw_plain.yaml).
  const Node mixed = parse_ok("a: [\u2028b, -]\n");
  const Node mixed_back = parse_ok(to_yaml(mixed));
  EXPECT_EQ(mixed_back.find("a")->items()[0].scalar(), "\u2028b");
  EXPECT_EQ(mixed_back.find("a")->items()[0].style(), Node::Style::kPlain) << to_yaml(mixed);
  EXPECT_EQ(mixed_back.find("a")->items()[1].scalar(), "-");
  // At the root, words that start a document are quoted.
  EXPECT_EQ(parse_ok(to_yaml(Node::make_scalar("--- x", {}, ""))).scalar(), "--- x");
}

TEST(ToYaml, RoundTripsRandomDocuments) {
  // Mutations of a document full of plain scalars; every one that parses must read back from
  // to_yaml as the same tree, with the same quoting and tags.
  const std::string base =
      "seed: 42\nname: plain text here\nq: 'quoted'\nt: !!str 7\nlist:\n  - a b\n  - c\n"
      "  - k: v w\n    j: x\nflow: [1, two, 'three']\nmulti: one\n  two\nend: last word\n";
  const std::vector<std::string> pool = {
      "\t",           "\n", "\n\n", " ",  ":",        "#",  "-", "'", "\"", "!",
      "!!",           "?",  "x",    "0",  "\xc2\x85", "<<", ",", "[", "]",  "\xe2\x80\xa8",
      "\xef\xbb\xbf", "~",  "|",    "---"};
  std::mt19937 rng(2024);
  std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
  std::uniform_int_distribution<int> count(1, 4);
  int parsed = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    std::string text = base;
    for (int n = count(rng); n > 0; --n) {
      const std::size_t at = rng() % text.size();
      if (rng() % 4 == 0) {
        text.erase(at, 1);
      } else {
        text.insert(at, pool[pick(rng)]);
      }
    }
    Diagnostics diags;
    const Node original = parse_yaml(text, "t.yaml", diags);
    if (!diags.empty()) continue;
    ++parsed;
    const std::string emitted = to_yaml(original);
    Diagnostics again;
    const Node back = parse_yaml(emitted, "resolved.yaml", again);
    ASSERT_TRUE(again.empty()) << "input:\n" << text << "\nemitted:\n" << emitted;
    ASSERT_TRUE(same_structure(back, original)) << "input:\n" << text << "\nemitted:\n" << emitted;
  }
  EXPECT_GT(parsed, 1000);
}

}  // namespace
}  // namespace brocken::scenario
