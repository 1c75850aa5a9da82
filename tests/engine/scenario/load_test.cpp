// Tests for engine/scenario/load.hpp: YAML parsing with positions, every class of input error
// with its exact file:line:column, `extends:` chains and `--set` overrides, and hostile input.
#include "engine/scenario/load.hpp"

#include <random>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/scenario/reader.hpp"
#include "tests/engine/scenario/test_util.hpp"

namespace brocken::scenario {
namespace {

namespace fs = std::filesystem;
using testing::error_lines;
using testing::same_structure;
using testing::TempDir;
using testing::where;

std::vector<std::string> load_errors(const fs::path& file,
                                     const std::vector<std::string>& overrides = {}) {
  return error_lines([&] { (void)load_document(file, overrides); });
}

std::vector<std::string> parse_errors(std::string_view text) {
  Diagnostics diags;
  (void)parse_yaml(text, "t.yaml", diags);
  return testing::lines_of(diags);
}

/// Changes the working directory for one test, so that relative paths can be checked.
class CurrentDir {
 public:
  explicit CurrentDir(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~CurrentDir() { fs::current_path(old_); }
  CurrentDir(const CurrentDir&) = delete;
  CurrentDir& operator=(const CurrentDir&) = delete;

 private:
  fs::path old_;
};

using Lines = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// Plain loading

TEST(Load, SimpleFile) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "seed: 42\nmodels:\n  a: 1\n");
  const Document doc = load_document(f, {});
  EXPECT_EQ(doc.file, f);
  ASSERT_EQ(doc.chain.size(), 1U);
  EXPECT_EQ(doc.chain[0], f);
  ASSERT_TRUE(doc.root.is_map());
  EXPECT_EQ(doc.root.find("seed")->scalar(), "42");
  EXPECT_EQ(where(*doc.root.find("models")->find("a")), f.string() + ":3:3");
  EXPECT_EQ(doc.resolved_yaml, "seed: 42\nmodels:\n  a: 1\n");
}

TEST(Load, FileIsShownAsGiven) {
  const TempDir dir;
  dir.write("sub/s.yaml", "a: 1\na: 2\n");
  const CurrentDir cd(dir.path());
  EXPECT_EQ(load_errors("sub/s.yaml"),
            Lines{"sub/s.yaml:2:1: a: duplicate key 'a' (first defined at line 1, column 1)"});
  EXPECT_EQ(load_errors("./sub/../sub/s.yaml").at(0).substr(0, 22), "./sub/../sub/s.yaml:2:");
}

TEST(Load, CrlfLineEndingsAndByteOrderMark) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml",
                               "\xef\xbb\xbf"
                               "a: 1\r\nb:\r\n  c: x\r\n");
  const Document doc = load_document(f, {});
  EXPECT_EQ(doc.root.find("b")->find("c")->scalar(), "x");
  EXPECT_EQ(where(*doc.root.find("b")->find("c")), f.string() + ":3:3");
}

// ---------------------------------------------------------------------------------------------
// Every class of file error, with exact positions

TEST(LoadErrors, SyntaxErrorAtYamlCppPosition) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "a: [1, 2\nb: 3\n");
  EXPECT_EQ(load_errors(f),
            Lines{f.string() + ":2:2: invalid YAML: end of sequence flow not found"});
  const fs::path g = dir.write("g.yaml", "a: 1\n  b: 2\n");
  EXPECT_EQ(load_errors(g), Lines{g.string() + ":2:4: invalid YAML: illegal map value"});
  const fs::path h = dir.write("h.yaml", "a: 1\nb: \"unterminated");
  EXPECT_EQ(load_errors(h), Lines{h.string() + ":2:17: invalid YAML: illegal EOF in scalar"});
}

TEST(LoadErrors, TabIndentation) {
  EXPECT_EQ(parse_errors("a:\n\tb: 1\n"), Lines{"t.yaml:2:3: invalid YAML: illegal map value"});
}

TEST(LoadErrors, InvalidEscapeAndUndefinedAlias) {
  EXPECT_EQ(parse_errors("a: \"\\ud800\"\n"),
            Lines{"t.yaml:1:11: invalid YAML: invalid unicode: 55296"});
  EXPECT_EQ(parse_errors("a: *nope\n"),
            Lines{"t.yaml:1:4: invalid YAML: the referenced anchor is not defined"});
}

TEST(LoadErrors, DuplicateKeys) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml",
                               "seed: 1\n"
                               "models:\n"
                               "  a: 1\n"
                               "  b: 2\n"
                               "  a: 3\n"
                               "seed: 2\n");
  EXPECT_EQ(
      load_errors(f),
      (Lines{f.string() + ":5:3: models.a: duplicate key 'a' (first defined at line 3, column 3)",
             f.string() + ":6:1: seed: duplicate key 'seed' (first defined at line 1, column 1)"}));
}

TEST(LoadErrors, DuplicateKeysInFlowMapAndInsideList) {
  EXPECT_EQ(parse_errors("m: {x: 1, y: 2, x: 3}\nl:\n  - {k: 1, k: 2}\n"),
            (Lines{"t.yaml:1:17: m.x: duplicate key 'x' (first defined at line 1, column 5)",
                   "t.yaml:3:12: l[0].k: duplicate key 'k' (first defined at line 3, column 6)"}));
}

TEST(LoadErrors, NonScalarKeyAndMergeKey) {
  EXPECT_EQ(parse_errors("[a, b]: 1\nm:\n  {x: 1}: 2\n  <<: {y: 1}\n  \"<<\": 3\n"),
            (Lines{"t.yaml:1:1: a key must be a scalar, got a list",
                   "t.yaml:3:3: m: a key must be a scalar, got a mapping",
                   "t.yaml:4:3: m.<<: YAML merge keys ('<<') are not supported; use 'extends:' or "
                   "repeat the values"}));
}

TEST(LoadErrors, TagsOnListsAndMappings) {
  // No tag, the non-specific `!` and the collection's own core tag are fine; one diagnostic for
  // any other tag, and the content is still checked.
  EXPECT_EQ(parse_errors("a: !x {b: 1}\nc: !!seq [1]\nd: !!map {e: 1}\nf: !!map [1]\n"
                         "g: !!seq {h: 1}\ni: ! [1]\nj: !y\n  - !z [2]\nk: !w {l: 1, l: 2}\n"),
            (Lines{"t.yaml:1:1: a: a mapping cannot be tagged !x (remove the tag; only !!map is "
                   "allowed)",
                   "t.yaml:4:1: f: a list cannot be tagged !!map (remove the tag; only !!seq is "
                   "allowed)",
                   "t.yaml:5:1: g: a mapping cannot be tagged !!seq (remove the tag; only !!map "
                   "is allowed)",
                   "t.yaml:7:1: j: a list cannot be tagged !y (remove the tag; only !!seq is "
                   "allowed)",
                   "t.yaml:8:5: j[0]: a list cannot be tagged !z (remove the tag; only !!seq is "
                   "allowed)",
                   "t.yaml:9:1: k: a mapping cannot be tagged !w (remove the tag; only !!map is "
                   "allowed)",
                   "t.yaml:9:14: k.l: duplicate key 'l' (first defined at line 9, column 8)"}));
  EXPECT_EQ(parse_errors("!x\na: 1\n"),
            Lines{"t.yaml:1:1: a mapping cannot be tagged !x (remove the tag; only !!map is "
                  "allowed)"});
  EXPECT_TRUE(parse_errors("--- !!map\na: !!seq\n  - 1\nb: !<tag:yaml.org,2002:map> {}\n").empty());
}

TEST(LoadErrors, TagsOnKeys) {
  // A key is text: plain, quoted or !!str.
  EXPECT_EQ(parse_errors("!!int 1: x\n!!str b: y\n\"c\": z\n!k d: w\n'e': v\n"),
            (Lines{"t.yaml:1:1: 1: a key must be a string, got a key tagged !!int",
                   "t.yaml:4:1: d: a key must be a string, got a key tagged !k"}));
}

TEST(LoadErrors, TagThatCannotBeWrittenBackIsRefused) {
  // A %TAG prefix can make a tag with characters outside URIs; the resolved scenario could not
  // record it.
  EXPECT_EQ(parse_errors("%TAG !e! tag:ex%:\n---\na: !e!x 1\nb: !e!y [1]\n"),
            (Lines{"t.yaml:3:1: a: unsupported tag !<tag:ex%:x>: a tag may only hold URI "
                   "characters",
                   "t.yaml:4:1: b: a list cannot be tagged !<tag:ex%:y> (remove the tag; only "
                   "!!seq is allowed)"}));
  EXPECT_TRUE(parse_errors("%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n").empty());
}

TEST(LoadErrors, AllErrorsOfOneFileReportedTogetherSorted) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml",
                               "a: 1\n"        // 1
                               "b:\n"          // 2
                               "  x: 1\n"      // 3
                               "  x: 2\n"      // 4  duplicate (nested, found first)
                               "[l]: 1\n"      // 5  non-scalar key
                               "a: 2\n"        // 6  duplicate (root, found last)
                               "c: {<<: 1}\n"  // 7  merge key
  );
  EXPECT_EQ(load_errors(f),
            (Lines{f.string() + ":4:3: b.x: duplicate key 'x' (first defined at line 3, column 3)",
                   f.string() + ":5:1: a key must be a scalar, got a list",
                   f.string() + ":6:1: a: duplicate key 'a' (first defined at line 1, column 1)",
                   f.string() + ":7:5: c.<<: YAML merge keys ('<<') are not supported; use "
                                "'extends:' or repeat the values"}));
}

TEST(LoadErrors, RootMustBeAMapping) {
  const TempDir dir;
  const fs::path list = dir.write("list.yaml", "# a list\n- a\n- b\n");
  EXPECT_EQ(load_errors(list),
            Lines{list.string() +
                  ":2:1: the top level of a scenario file must be a mapping, got a list"});
  const fs::path scalar = dir.write("scalar.yaml", "hello\n");
  EXPECT_EQ(load_errors(scalar),
            Lines{scalar.string() +
                  ":1:1: the top level of a scenario file must be a mapping, got a scalar"});
  const fs::path null = dir.write("null.yaml", "~\n");
  EXPECT_EQ(
      load_errors(null),
      Lines{null.string() + ":1:1: the top level of a scenario file must be a mapping, got null"});
}

TEST(LoadErrors, EmptyFile) {
  const TempDir dir;
  const fs::path empty = dir.write("empty.yaml", "");
  EXPECT_EQ(load_errors(empty),
            Lines{empty.string() + ":1:1: file is empty; a scenario is a YAML mapping"});
  const fs::path comments = dir.write("comments.yaml", "# nothing\n\n   \n# here\n");
  EXPECT_EQ(load_errors(comments),
            Lines{comments.string() + ":1:1: file is empty; a scenario is a YAML mapping"});
}

TEST(LoadErrors, MoreThanOneDocument) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "a: 1\n---\nb: 2\n---\nc: 3\n");
  EXPECT_EQ(load_errors(f),
            Lines{f.string() +
                  ":2:1: expected one YAML document, found 3 (remove the '---' separators)"});
  // A single document may start with '---'.
  const fs::path g = dir.write("g.yaml", "---\na: 1\n");
  EXPECT_EQ(load_document(g, {}).root.find("a")->scalar(), "1");
}

TEST(LoadErrors, MissingFileAndDirectory) {
  const TempDir dir;
  const fs::path missing = dir.path() / "nope.yaml";
  EXPECT_EQ(load_errors(missing),
            Lines{missing.string() + ": cannot read file: No such file or directory"});
  EXPECT_EQ(load_errors(dir.path()),
            Lines{dir.path().string() + ": cannot read file: is a directory, not a file"});
}

TEST(LoadErrors, PathThroughAFile) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "a: 1\n");
  EXPECT_EQ(load_errors(f / "x.yaml"),
            Lines{(f / "x.yaml").string() + ": cannot read file: Not a directory"});
}

TEST(LoadErrors, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read any file";
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "a: 1\n");
  fs::permissions(f, fs::perms::none);
  EXPECT_EQ(load_errors(f), Lines{f.string() + ": cannot read file: Permission denied"});
}

// ---------------------------------------------------------------------------------------------
// Hostile input

TEST(Hostile, InvalidUtf8ReportsTheFirstBadByte) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "a: 1\nname: caf\xc3\xa9 ok\nbad: x\xe9y\nworse: \xff\n");
  EXPECT_EQ(load_errors(f),
            Lines{f.string() + ":3:7: invalid UTF-8 byte 0xe9; YAML text must be UTF-8"});
  EXPECT_EQ(parse_errors("a: \xc0\xaf\n"),  // overlong '/'
            Lines{"t.yaml:1:4: invalid UTF-8 byte 0xc0; YAML text must be UTF-8"});
  EXPECT_EQ(parse_errors("a: \xed\xa0\x80\n"),  // UTF-16 surrogate
            Lines{"t.yaml:1:4: invalid UTF-8 byte 0xed; YAML text must be UTF-8"});
  EXPECT_EQ(parse_errors("a: \xf4\x90\x80\x80\n"),  // above U+10FFFF
            Lines{"t.yaml:1:4: invalid UTF-8 byte 0xf4; YAML text must be UTF-8"});
  EXPECT_EQ(parse_errors("a: \xe2\x82"),  // truncated at end of text
            Lines{"t.yaml:1:4: invalid UTF-8 byte 0xe2; YAML text must be UTF-8"});
}

TEST(Hostile, CarriageReturnOnlyInCrlf) {
  // yaml-cpp would read a lone CR as part of a plain scalar ("1\r", not the number 1).
  EXPECT_EQ(parse_errors("a: 1\r"),
            Lines{"t.yaml:1:5: carriage return without a line feed; YAML text must use LF or CRLF "
                  "line endings"});
  EXPECT_EQ(parse_errors("a: 1\r\nb: x\ry\r\n"),
            Lines{"t.yaml:2:5: carriage return without a line feed; YAML text must use LF or CRLF "
                  "line endings"});
  EXPECT_TRUE(parse_errors("a: 1\r\nb: 2\r\n").empty());
}

TEST(Hostile, ControlCharactersAndUtf16) {
  EXPECT_EQ(parse_errors(std::string("a: 1\nb: x\0y\n", 11)),
            Lines{"t.yaml:2:5: control character U+0000 is not allowed in YAML text"});
  EXPECT_EQ(parse_errors("a: \x1b[31m\n"),
            Lines{"t.yaml:1:4: control character U+001B is not allowed in YAML text"});
  EXPECT_EQ(parse_errors("a: \xc2\x9b\n"),
            Lines{"t.yaml:1:4: control character U+009B is not allowed in YAML text"});
  EXPECT_EQ(parse_errors(std::string("\xff\xfe"
                                     "a\0:\0",
                                     6)),
            Lines{"t.yaml:1:1: file is UTF-16 text; save it as UTF-8"});
}

TEST(Hostile, StrayTopLevelCommaDoesNotLoopForever) {
  // yaml-cpp 0.7 reports endless empty documents for these; LoadAll would exhaust memory.
  EXPECT_EQ(parse_errors(","), Lines{"t.yaml:1:1: invalid YAML: unexpected ','"});
  EXPECT_EQ(parse_errors("  ,x: 1\n"), Lines{"t.yaml:1:3: invalid YAML: unexpected ','"});
  EXPECT_EQ(parse_errors(",,"), Lines{"t.yaml:1:1: invalid YAML: unexpected ','"});
  EXPECT_EQ(parse_errors("&a ,"), Lines{"t.yaml:1:4: invalid YAML: unexpected ','"});
  EXPECT_EQ(parse_errors("[1]\n,\n"), Lines{"t.yaml:2:1: invalid YAML: unexpected ','"});
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", ",extends: base.yaml\nseed: 1\n");
  EXPECT_EQ(load_errors(f), Lines{f.string() + ":1:1: invalid YAML: unexpected ','"});
  // Sorted by file name: the temporary directory's '/' sorts before '<'.
  EXPECT_EQ(load_errors(f, {"x=,"}),
            (Lines{f.string() + ":1:1: invalid YAML: unexpected ','",
                   "<command line>:1:1: x: invalid YAML: unexpected ','"}));
}

TEST(Hostile, BinaryJunkNeverCrashes) {
  const TempDir dir;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string junk;
  for (int i = 0; i < 100'000; ++i) junk += static_cast<char>(byte(rng));
  const fs::path f = dir.write("junk.yaml", junk);
  const Lines lines = load_errors(f);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].rfind(f.string() + ":1:", 0), 0U) << lines[0];
  // A real executable, too: refused at its first line, or, when it is larger than 16 MiB (this
  // test binary under the sanitizers), for its size.
  const Lines exe = load_errors("/proc/self/exe");
  ASSERT_EQ(exe.size(), 1U);
  EXPECT_TRUE(exe[0].find("/proc/self/exe:1:") != std::string::npos ||
              exe[0].find("larger than the 16 MiB limit") != std::string::npos)
      << exe[0];
}

TEST(Hostile, RandomPrintableTextNeverCrashes) {
  // Mutations of a valid scenario that stay valid UTF-8, so they reach yaml-cpp's parser.
  const std::string base =
      "extends: base.yaml\nseed: 42\nmodels:\n  departure: {hazard: 0.1, bands: [1, 2]}\n"
      "  list:\n    - a\n    - \"q\\n\"\n    - 'x'\n  text: |\n    lit\n  anchor: &a [1]\n"
      "  alias: *a\n? complex\n: value\n";
  const std::string pool = "-?:,[]{}#&*!|>'\"%@` \n\t\\.~01ax";
  std::mt19937 rng(99);
  std::uniform_int_distribution<std::size_t> pos(0, base.size() - 1);
  std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
  std::uniform_int_distribution<int> count(1, 8);
  int failures = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text = base;
    for (int n = count(rng); n > 0; --n) {
      const std::size_t at = pos(rng) % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = pool[pick(rng)];
          break;
        case 1:
          text.insert(at, 1, pool[pick(rng)]);
          break;
        default:
          text.erase(at, 1);
      }
    }
    Diagnostics diags;
    (void)parse_yaml(text, "t.yaml", diags);
    failures += diags.empty() ? 0 : 1;
    for (const Diagnostic& d : diags.items()) {
      EXPECT_EQ(d.pos.file, "t.yaml");
      EXPECT_FALSE(d.message.empty());
    }
  }
  EXPECT_GT(failures, 0);  // the mutations do reach the error paths
}

TEST(Hostile, FileLargerThan16MiBIsRefused) {
  const TempDir dir;
  std::string big = "a: ";
  big.append((std::size_t{17} << 20) - big.size(), 'x');
  const fs::path f = dir.write("big.yaml", big);
  EXPECT_EQ(load_errors(f),
            Lines{f.string() +
                  ": cannot read file: file is larger than the 16 MiB limit for scenario files"});
  // Reached through extends, it is reported at the extends key.
  const fs::path d = dir.write("d.yaml", "x: 1\nextends: big.yaml\n");
  EXPECT_EQ(load_errors(d),
            Lines{d.string() + ":2:1: extends: cannot read 'big.yaml' (resolved to '" + f.string() +
                  "'): file is larger than the 16 MiB limit for scenario files"});
}

TEST(Hostile, FileOfExactly16MiBIsRead) {
#if defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "one thread parsing a large input: run by the release and asan presets";
#endif
  const TempDir dir;
  std::string text = "a: ";
  text.append((std::size_t{16} << 20) - text.size() - 1, 'x');
  text += '\n';
  const fs::path f = dir.write("limit.yaml", text);
  const Document doc = load_document(f, {});
  EXPECT_EQ(doc.root.find("a")->scalar().size(), (std::size_t{16} << 20) - 4);
}

TEST(Hostile, EndlessDeviceIsRefused) {
  if (!fs::exists("/dev/zero")) GTEST_SKIP();
  EXPECT_EQ(load_errors("/dev/zero"),
            Lines{"/dev/zero: cannot read file: file is larger than the 16 MiB limit for scenario "
                  "files"});
}

std::string nested_flow(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

TEST(Hostile, NestingOf256LevelsIsAllowed) {
  Diagnostics diags;
  const Node n = parse_yaml(nested_flow(256), "t.yaml", diags);
  EXPECT_TRUE(diags.empty());
  const Node* cur = &n;
  int depth = 0;
  while (cur->is_sequence() && !cur->items().empty()) {
    cur = &cur->items().front();
    ++depth;
  }
  EXPECT_EQ(depth, 255);
  // As a map value in a scenario, the root mapping is the first level.
  EXPECT_TRUE(parse_errors("a: " + nested_flow(255) + "\n").empty());
}

TEST(Hostile, NestingDeeperThan256LevelsIsRefused) {
  // 257 and 300 levels: refused by the loader itself.
  const Lines at_257 = parse_errors(nested_flow(257));
  ASSERT_EQ(at_257.size(), 1U);
  EXPECT_EQ(at_257[0].rfind("t.yaml:1:257: [0][0]", 0), 0U) << at_257[0];
  EXPECT_NE(at_257[0].find("...: nesting is deeper than 256 levels"), std::string::npos);
  const TempDir dir;
  const fs::path f = dir.write("deep.yaml", "ok: 1\ndeep: " + nested_flow(300) + "\n");
  const Lines lines = load_errors(f);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].rfind(f.string() + ":2:262: deep[0][0]", 0), 0U) << lines[0];
}

TEST(Hostile, TenThousandLevelsDoNotCrash) {
  // Deeper than yaml-cpp's own recursion guard (500): the same message, at yaml-cpp's mark.
  EXPECT_EQ(parse_errors(nested_flow(10'000)),
            Lines{"t.yaml:1:1: nesting is deeper than 256 levels"});
  EXPECT_EQ(parse_errors(std::string(10'000, '[')),
            Lines{"t.yaml:1:1: nesting is deeper than 256 levels"});
  std::string maps;
  for (int i = 0; i < 10'000; ++i) maps += "{a: ";
  EXPECT_EQ(parse_errors(maps), Lines{"t.yaml:1:1: nesting is deeper than 256 levels"});
  std::string dashes;
  for (int i = 0; i < 10'000; ++i) dashes += "- ";
  EXPECT_EQ(parse_errors(dashes + "x\n").size(), 1U);
  std::string block;
  for (int i = 0; i < 3'000; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
  const Lines b = parse_errors(block);
  ASSERT_EQ(b.size(), 1U);
  EXPECT_NE(b[0].find("nesting is deeper than 256 levels"), std::string::npos);
}

TEST(Hostile, RecursiveAliasIsRefused) {
  const Lines lines = parse_errors("a: &a [*a]\n");
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_NE(lines[0].find("nesting is deeper than 256 levels"), std::string::npos);
}

TEST(Hostile, AliasExpansionBombIsRefused) {
  // Nine levels of ten aliases each: 10^9 nodes once expanded, from a few hundred bytes.
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    text += fmt::format("l{0}: &l{0} [", i);
    for (int k = 0; k < 10; ++k) text += fmt::format("{}*l{}", k == 0 ? "" : ", ", i - 1);
    text += "]\n";
  }
  const Lines lines = parse_errors(text);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_NE(lines[0].find("document is too large: more than 500000 YAML nodes or 256 MiB (keys "
                          "count as nodes, and each use of an alias counts in full)"),
            std::string::npos)
      << lines[0];
}

TEST(Hostile, TooManyValuesWithoutAliases) {
#if defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "one thread parsing a large input: run by the release and asan presets";
#endif
  // Refused while counting, before yaml-cpp builds its (large) tree.
  std::string text = "a: [";
  for (int i = 0; i < 1'100'000; ++i) text += "0,";
  text += "]\n";
  // Nodes counted: the root map, key `a`, the list, then items; item 499997 is node 500001.
  EXPECT_EQ(parse_errors(text),
            Lines{"t.yaml:1:999999: document is too large: more than 500000 YAML nodes or 256 "
                  "MiB (keys count as nodes, and each use of an alias counts in full)"});
  // Well under it: fine.
  std::string text3 = "a: [";
  for (int i = 0; i < 100'000; ++i) text3 += "0,";
  text3 += "]\n";
  EXPECT_TRUE(parse_errors(text3).empty());
}

TEST(Hostile, UnterminatedQuotedScalarsAreRefused) {
  // yaml-cpp 0.7 accepts a quoted scalar that runs to the end of the text.
  EXPECT_EQ(parse_errors("a: 1\nb: \"2023\n"),
            Lines{"t.yaml:2:4: invalid YAML: the quoted scalar starting here has no closing '\"'"});
  EXPECT_EQ(
      parse_errors("a: 'it''s\n"),
      Lines{"t.yaml:1:4: invalid YAML: the quoted scalar starting here has no closing \"'\""});
  EXPECT_EQ(parse_errors("a: &x !!str \"open\n"),
            Lines{"t.yaml:1:4: invalid YAML: the quoted scalar starting here has no closing '\"'"});
  // Closed ones, with escaped and doubled quotes, and quotes inside plain scalars, are fine.
  EXPECT_TRUE(parse_errors("a: \"x\\\"y\"\nb: 'it''s'\nc: it's\nd: say \"hi\"\n"
                           "e: &q \"anchored\"\nf: *q\n")
                  .empty());
}

TEST(Hostile, FifoWithoutWriterDoesNotHang) {
  const TempDir dir;
  const fs::path fifo = dir.path() / "fifo.yaml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(load_errors(fifo),
            Lines{fifo.string() + ":1:1: file is empty; a scenario is a YAML mapping"});
  const fs::path base = dir.write("base.yaml", "extends: fifo.yaml\n");
  EXPECT_EQ(load_errors(base),
            Lines{fifo.string() + ":1:1: file is empty; a scenario is a YAML mapping"});
}

TEST(InMemory, LoadsTextAndExtendsThroughTheReader) {
  std::vector<fs::path> asked;
  const FileReader read = [&](const fs::path& p) -> FileText {
    asked.push_back(p);
    if (p == fs::path("dir/base.yaml")) return {std::string("a: 1\nb: 2\n"), {}, false};
    return {std::nullopt, "No such file or directory", false};
  };
  const Document doc = load_document("extends: base.yaml\nb: 3\n", "dir/top.yaml", {"c=4"}, read);
  EXPECT_EQ(asked, std::vector<fs::path>{fs::path("dir/base.yaml")});
  EXPECT_EQ(doc.root.find("a")->scalar(), "1");
  EXPECT_EQ(doc.root.find("b")->scalar(), "3");
  EXPECT_EQ(doc.root.find("b")->pos().file, "dir/top.yaml");
  EXPECT_EQ(doc.root.find("c")->scalar(), "4");
  EXPECT_EQ(
      error_lines([&] { (void)load_document("extends: gone.yaml\n", "dir/top.yaml", {}, read); }),
      Lines{"dir/top.yaml:1:1: extends: cannot read 'gone.yaml' (resolved to "
            "'dir/gone.yaml'): No such file or directory"});
  EXPECT_EQ(error_lines([&] { (void)load_document("a: [\n", "mem.yaml", {}, read); }).size(), 1U);
}

TEST(Hostile, SmallAliasesAreFine) {
  Diagnostics diags;
  const Node n = parse_yaml("a: &x {p: 1}\nb: *x\n", "t.yaml", diags);
  ASSERT_TRUE(diags.empty());
  EXPECT_EQ(n.find("b")->find("p")->path(), "b.p");
  EXPECT_EQ(n.find("b")->find("p")->scalar(), "1");
}

// ---------------------------------------------------------------------------------------------
// extends

TEST(Extends, InheritsOverridesAndKeepsPositionsOfTheWinningFile) {
  const TempDir dir;
  const fs::path base = dir.write("base.yaml",
                                  "seed: 1\n"                  // 1
                                  "name: base\n"               // 2
                                  "models:\n"                  // 3
                                  "  departure:\n"             // 4
                                  "    hazard: 0.1\n"          // 5
                                  "    bands: [1, 2, 3]\n"     // 6
                                  "  housing:\n"               // 7
                                  "    rent: 5\n"              // 8
                                  "list: [a, b]\n"             // 9
                                  "scalar_to_map: 3\n"         // 10
                                  "map_to_scalar: {k: v}\n");  // 11
  const fs::path derived = dir.write("derived.yaml",
                                     "extends: base.yaml\n"     // 1
                                     "seed: 2\n"                // 2
                                     "models:\n"                // 3
                                     "  departure:\n"           // 4
                                     "    bands: [9]\n"         // 5
                                     "    extra: yes\n"         // 6
                                     "list: [c]\n"              // 7
                                     "scalar_to_map: {k: 1}\n"  // 8
                                     "map_to_scalar: 4\n"       // 9
                                     "new_key: 1\n");           // 10
  const Document doc = load_document(derived, {});
  ASSERT_EQ(doc.chain.size(), 2U);
  EXPECT_EQ(doc.chain[0], derived);
  EXPECT_EQ(doc.chain[1], base);
  const Node& r = doc.root;
  EXPECT_EQ(r.find("extends"), nullptr);
  const std::string b = base.string();
  const std::string d = derived.string();
  // Keys in base order, then the derived file's new keys.
  std::vector<std::string> keys;
  for (const auto& e : r.entries()) keys.push_back(e.first);
  EXPECT_EQ(keys, (std::vector<std::string>{"seed", "name", "models", "list", "scalar_to_map",
                                            "map_to_scalar", "new_key"}));
  EXPECT_EQ(r.find("seed")->scalar(), "2");
  EXPECT_EQ(where(*r.find("seed")), d + ":2:1");
  EXPECT_EQ(where(*r.find("name")), b + ":2:1");
  const Node& dep = *r.find("models")->find("departure");
  EXPECT_EQ(where(dep), d + ":4:3");  // the merged map: the derived file wrote the key
  EXPECT_EQ(dep.find("hazard")->scalar(), "0.1");
  EXPECT_EQ(where(*dep.find("hazard")), b + ":5:5");
  ASSERT_EQ(dep.find("bands")->items().size(), 1U);  // sequences replaced whole
  EXPECT_EQ(dep.find("bands")->items()[0].scalar(), "9");
  EXPECT_EQ(where(dep.find("bands")->items()[0]), d + ":5:13");
  EXPECT_EQ(dep.find("extra")->path(), "models.departure.extra");
  EXPECT_EQ(where(*r.find("models")->find("housing")->find("rent")), b + ":8:5");
  EXPECT_EQ(r.find("list")->items().size(), 1U);
  EXPECT_TRUE(r.find("scalar_to_map")->is_map());
  EXPECT_EQ(where(*r.find("scalar_to_map")->find("k")), d + ":8:17");
  EXPECT_EQ(r.find("map_to_scalar")->scalar(), "4");
  EXPECT_EQ(where(*r.find("new_key")), d + ":10:1");
  EXPECT_EQ(doc.resolved_yaml.find("extends"), std::string::npos);
}

TEST(Extends, ThreeLevelChainAcrossDirectories) {
  const TempDir dir;
  const fs::path root = dir.write("common/root.yaml", "a: root\nb: root\nc: root\nm: {x: 1}\n");
  const fs::path mid =
      dir.write("common/mid/mid.yaml", "extends: ../root.yaml\nb: mid\nc: mid\nm: {y: 2}\n");
  const fs::path leaf = dir.write("runs/leaf.yaml", "extends: ../common/mid/mid.yaml\nc: leaf\n");
  const Document doc = load_document(leaf, {});
  ASSERT_EQ(doc.chain.size(), 3U);
  EXPECT_EQ(doc.chain[1], mid);
  EXPECT_EQ(doc.chain[2], root);
  EXPECT_EQ(doc.root.find("a")->scalar(), "root");
  EXPECT_EQ(doc.root.find("b")->scalar(), "mid");
  EXPECT_EQ(doc.root.find("c")->scalar(), "leaf");
  EXPECT_EQ(where(*doc.root.find("a")), root.string() + ":1:1");
  EXPECT_EQ(where(*doc.root.find("b")), mid.string() + ":2:1");
  EXPECT_EQ(where(*doc.root.find("c")), leaf.string() + ":2:1");
  EXPECT_EQ(where(*doc.root.find("m")->find("x")), root.string() + ":4:5");
  EXPECT_EQ(where(*doc.root.find("m")->find("y")), mid.string() + ":4:5");
}

TEST(Extends, RelativePathsAreShownResolvedAndNormalised) {
  const TempDir dir;
  dir.write("common/base.yaml", "a: 1\na: 2\n");
  dir.write("runs/x.yaml", "extends: ../common/./base.yaml\n");
  const CurrentDir cd(dir.path());
  EXPECT_EQ(
      load_errors("runs/x.yaml"),
      Lines{"common/base.yaml:2:1: a: duplicate key 'a' (first defined at line 1, column 1)"});
  const Document doc = [] {
    Document d;
    try {
      d = load_document("runs/x.yaml", {});
    } catch (const InputError&) {
    }
    return d;
  }();
  EXPECT_TRUE(doc.chain.empty());  // nothing is returned on error
}

TEST(Extends, AbsolutePath) {
  const TempDir dir;
  const fs::path base = dir.write("b/base.yaml", "a: 1\n");
  const fs::path derived = dir.write("d/derived.yaml", "extends: " + base.string() + "\nb: 2\n");
  const Document doc = load_document(derived, {});
  EXPECT_EQ(doc.chain.at(1), base);
  EXPECT_EQ(doc.root.find("a")->scalar(), "1");
}

TEST(Extends, MissingBaseIsReportedAtTheExtendsKey) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "seed: 1\n  # comment\nextends: nope.yaml\n");
  EXPECT_EQ(load_errors(f),
            Lines{f.string() + ":3:1: extends: cannot read 'nope.yaml' (resolved to '" +
                  (dir.path() / "nope.yaml").string() + "'): No such file or directory"});
}

TEST(Extends, Cycle) {
  const TempDir dir;
  const fs::path a = dir.write("a.yaml", "extends: b.yaml\nx: 1\n");
  const fs::path b = dir.write("b.yaml", "y: 1\nextends: ./a.yaml\n");
  EXPECT_EQ(load_errors(a), Lines{b.string() + ":2:1: extends: extends cycle: " + a.string() +
                                  " -> " + b.string() + " -> " + a.string()});
}

TEST(Extends, SelfCycle) {
  const TempDir dir;
  const fs::path a = dir.write("a.yaml", "x: 1\nextends: a.yaml\n");
  EXPECT_EQ(load_errors(a), Lines{a.string() + ":2:1: extends: extends cycle: " + a.string() +
                                  " -> " + a.string()});
}

TEST(Extends, CycleInTheMiddleOfAChain) {
  const TempDir dir;
  const fs::path a = dir.write("a.yaml", "extends: b.yaml\n");
  const fs::path b = dir.write("b.yaml", "extends: c.yaml\n");
  const fs::path c = dir.write("c.yaml", "extends: b.yaml\n");
  EXPECT_EQ(load_errors(a), Lines{c.string() + ":1:1: extends: extends cycle: " + b.string() +
                                  " -> " + c.string() + " -> " + b.string()});
}

TEST(Extends, ChainLengthIsLimited) {
  const TempDir dir;
  for (int i = 0; i < 70; ++i)
    dir.write(fmt::format("f{}.yaml", i), fmt::format("extends: f{}.yaml\n", i + 1));
  dir.write("f70.yaml", "a: 1\n");
  EXPECT_EQ(load_errors(dir.path() / "f0.yaml"),
            Lines{(dir.path() / "f63.yaml").string() +
                  ":1:1: extends: extends chain is longer than 64 files"});
  // 64 files are fine.
  EXPECT_EQ(load_document(dir.path() / "f7.yaml", {}).chain.size(), 64U);
}

TEST(Extends, MustBeAFileName) {
  const TempDir dir;
  const fs::path a = dir.write("a.yaml", "x: 1\nextends: [b.yaml]\n");
  EXPECT_EQ(load_errors(a),
            Lines{a.string() + ":2:1: extends: expected the path of a scenario file, got a list"});
  const fs::path b = dir.write("b.yaml", "extends: ''\n");
  EXPECT_EQ(load_errors(b),
            Lines{b.string() + ":1:1: extends: expected the path of a scenario file, got an "
                               "empty string"});
  const fs::path c = dir.write("c.yaml", "extends:\n");
  EXPECT_EQ(load_errors(c),
            Lines{c.string() + ":1:1: extends: expected the path of a scenario file, got null"});
}

TEST(Extends, PathMayBeQuotedOrStrButNotOtherwiseTagged) {
  const TempDir dir;
  dir.write("base.yaml", "a: 1\n");
  EXPECT_EQ(load_document(dir.write("q.yaml", "extends: 'base.yaml'\n"), {}).chain.size(), 2U);
  EXPECT_EQ(load_document(dir.write("s.yaml", "extends: !!str base.yaml\n"), {}).chain.size(), 2U);
  const fs::path t = dir.write("t.yaml", "b: 2\nextends: !file base.yaml\n");
  EXPECT_EQ(load_errors(t), Lines{t.string() + ":2:1: extends: expected the path of a scenario "
                                               "file, got a value tagged !file"});
}

TEST(Extends, ErrorsInEveryFileAreReportedTogetherInTheirOwnFiles) {
  const TempDir dir;
  const fs::path base = dir.write("base.yaml", "k: 1\nk: 2\n");
  const fs::path derived = dir.write("derived.yaml", "extends: base.yaml\nj: 1\nj: 2\n");
  EXPECT_EQ(
      load_errors(derived, {"nodot", "a.b=[1"}),
      (Lines{base.string() + ":2:1: k: duplicate key 'k' (first defined at line 1, column 1)",
             derived.string() + ":3:1: j: duplicate key 'j' (first defined at line 2, column 1)",
             "<command line>:1:1: override 'nodot' must have the form key.path=value",
             "<command line>:1:2: a.b: invalid YAML: end of sequence flow not found"}));
}

TEST(Extends, BaseWithSyntaxErrorAndBaseThatIsNotAMapping) {
  const TempDir dir;
  dir.write("broken.yaml", "a: [\n");
  const fs::path d1 = dir.write("d1.yaml", "extends: broken.yaml\n");
  const Lines l1 = load_errors(d1);
  ASSERT_EQ(l1.size(), 1U);
  EXPECT_EQ(l1[0].rfind((dir.path() / "broken.yaml").string() + ":", 0), 0U) << l1[0];
  const fs::path list = dir.write("list.yaml", "- 1\n");
  const fs::path d2 = dir.write("d2.yaml", "extends: list.yaml\n");
  EXPECT_EQ(load_errors(d2),
            Lines{list.string() +
                  ":1:1: the top level of a scenario file must be a mapping, got a list"});
}

TEST(Extends, DerivedNullReplacesBaseMap) {
  const TempDir dir;
  dir.write("base.yaml", "models: {a: 1}\n");
  const fs::path d = dir.write("d.yaml", "extends: base.yaml\nmodels:\n");
  EXPECT_TRUE(load_document(d, {}).root.find("models")->is_null());
}

// ---------------------------------------------------------------------------------------------
// --set overrides

TEST(Overrides, CreateReplaceAndParseValuesAsYaml) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "seed: 1\nmodels:\n  a: {x: 1, y: 2}\n  empty:\n");
  const Document doc = load_document(
      f, {"seed=7", "models.a.x=[1, 2]", "models.b.c.d=true", "name=\"quoted str\"",
          "flag=", "models.empty.k=v", "models.a.y={p: 1}", " spaced.key = 3 ", "seed=8"});
  const Node& r = doc.root;
  EXPECT_EQ(r.find("seed")->scalar(), "8");  // applied in order: the last one wins
  EXPECT_EQ(where(*r.find("seed")), "<command line>:1:9");
  EXPECT_EQ(r.find("seed")->path(), "seed");
  const Node& x = *r.find("models")->find("a")->find("x");
  ASSERT_TRUE(x.is_sequence());
  EXPECT_EQ(x.items()[1].scalar(), "2");
  EXPECT_EQ(x.items()[1].path(), "models.a.x[1]");
  EXPECT_EQ(where(x.items()[1]), "<command line>:1:2");
  const Node& bcd = *r.find("models")->find("b")->find("c")->find("d");
  EXPECT_EQ(bcd.scalar(), "true");
  EXPECT_EQ(r.find("models")->find("b")->path(), "models.b");
  EXPECT_EQ(where(*r.find("models")->find("b")), "<command line>:1:3");
  EXPECT_EQ(r.find("name")->scalar(), "quoted str");
  EXPECT_TRUE(r.find("flag")->is_null());
  EXPECT_EQ(r.find("models")->find("empty")->find("k")->scalar(), "v");
  EXPECT_EQ(r.find("models")->find("a")->find("y")->find("p")->path(), "models.a.y.p");
  EXPECT_EQ(r.find("spaced")->find("key")->scalar(), "3");
  // File positions stay where nothing was overridden.
  EXPECT_EQ(where(*r.find("models")), f.string() + ":2:1");
  // Overrides are part of the resolved scenario.
  EXPECT_NE(doc.resolved_yaml.find("seed: 8"), std::string::npos);
}

TEST(Overrides, ValuesKeepTheirQuotingAndTags) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "months: 24\nseed: 1\nname: x\n");
  const Document doc = load_document(f, {"months=\"12\"", "seed=!!bool 1", "name='quoted'",
                                         "n=!!str 5", "p=12", "l=[1, '2']", "t=!!int 3"});
  const Node& r = doc.root;
  using Style = Node::Style;
  EXPECT_EQ(r.find("months")->style(), Style::kQuoted);
  EXPECT_EQ(r.find("months")->scalar(), "12");
  EXPECT_EQ(r.find("seed")->tag(), "tag:yaml.org,2002:bool");
  EXPECT_EQ(r.find("name")->style(), Style::kQuoted);
  EXPECT_EQ(r.find("n")->tag(), "tag:yaml.org,2002:str");
  EXPECT_EQ(r.find("p")->style(), Style::kPlain);
  EXPECT_EQ(r.find("l")->items()[0].style(), Style::kPlain);
  EXPECT_EQ(r.find("l")->items()[1].style(), Style::kQuoted);
  // Read as numbers, they are refused like the same values in a file, at the --set position.
  Diagnostics diags;
  Reader reader(r, diags);
  int months = 0, p = 0, t = 0;
  std::int64_t seed = 0;
  std::string name;
  std::vector<double> l;
  reader.read("months", months);
  reader.read("seed", seed);
  reader.read("name", name);
  reader.read("p", p);
  reader.read("l", l);
  reader.read("t", t);
  EXPECT_EQ(p, 12);
  EXPECT_EQ(t, 3);
  EXPECT_EQ(name, "quoted");
  EXPECT_EQ(testing::lines_of(diags),
            (Lines{"<command line>:1:1: months: expected an integer, got the quoted string "
                   "\"12\" (remove the quotes)",
                   "<command line>:1:2: seed: expected an integer, got \"1\" tagged !!bool "
                   "(remove the tag)",
                   "<command line>:1:6: l[1]: expected a number, got the quoted string \"2\" "
                   "(remove the quotes)"}));
}

TEST(Overrides, TagsOnListsAndMappingsAreRefused) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "m: {a: 1}\n");
  EXPECT_EQ(load_errors(f, {"m=!x {a: 1}", "k=!!str [1]"}),
            (Lines{"<command line>:1:1: m: a mapping cannot be tagged !x (remove the tag; only "
                   "!!map is allowed)",
                   "<command line>:1:2: k: a list cannot be tagged !!str (remove the tag; only "
                   "!!seq is allowed)"}));
}

TEST(Overrides, ReplaceAWholeMap) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "m: {a: 1, b: 2}\n");
  const Document doc = load_document(f, {"m={c: 3}"});
  const Node& m = *doc.root.find("m");
  ASSERT_EQ(m.entries().size(), 1U);
  EXPECT_EQ(m.entries()[0].first, "c");
}

TEST(Overrides, ValueMayContainEquals) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "a: 1\n");
  EXPECT_EQ(load_document(f, {"expr=x=y"}).root.find("expr")->scalar(), "x=y");
}

TEST(Overrides, BadSyntax) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "a: 1\n");
  EXPECT_EQ(load_errors(f, {"a=1", "noequals", "=3", "a..b=1", ".a=1", "a.=1", "  =1"}),
            (Lines{"<command line>:1:2: override 'noequals' must have the form key.path=value",
                   "<command line>:1:3: override '=3' has an empty key",
                   "<command line>:1:4: a..b: override key path has an empty key (check the dots)",
                   "<command line>:1:5: .a: override key path has an empty key (check the dots)",
                   "<command line>:1:6: a.: override key path has an empty key (check the dots)",
                   "<command line>:1:7: override '  =1' has an empty key"}));
}

TEST(Overrides, BadYamlValue) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "a: 1\n");
  EXPECT_EQ(load_errors(f, {"a=[1, 2", "b={x: 1, x: 2}", "c=\"open", "d=a: b: c", "e=1\n---\n2"}),
            (Lines{"<command line>:1:1: a: invalid YAML: end of sequence flow not found",
                   "<command line>:1:2: b.x: duplicate key 'x'",
                   "<command line>:1:3: c: invalid YAML: illegal EOF in scalar",
                   "<command line>:1:4: d: invalid YAML: illegal map value",
                   std::string("<command line>:1:5: e: expected one YAML document, found 2 "
                               "(remove the '---' separators)")}));
  EXPECT_EQ(load_errors(f, {"a=\xff"}),
            Lines{"<command line>:1:1: override is not valid text: invalid UTF-8 byte 0xff; YAML "
                  "text must be UTF-8"});
}

TEST(Overrides, PathThroughScalarOrListIsAnError) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "seed: 1\nlist: [1, 2]\nm: {k: v}\n");
  EXPECT_EQ(load_errors(f, {"seed.x=1", "list.0=5", "m.k.deeper.still=1", "ok=1"}),
            (Lines{"<command line>:1:1: seed.x: cannot set a key inside 'seed': it is a scalar "
                   "(written at " +
                       f.string() + ":1:1)",
                   "<command line>:1:2: list.0: cannot set a key inside 'list': it is a list "
                   "(written at " +
                       f.string() + ":2:1)",
                   "<command line>:1:3: m.k.deeper.still: cannot set a key inside 'm.k': it is a "
                   "scalar (written at " +
                       f.string() + ":3:5)"}));
}

TEST(Overrides, PathThroughAnEarlierOverride) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "a: 1\n");
  EXPECT_EQ(load_errors(f, {"x=1", "x.y=2"}),
            Lines{"<command line>:1:2: x.y: cannot set a key inside 'x': it is a scalar (written "
                  "at <command line>:1:1)"});
}

TEST(Overrides, ExtendsCannotBeOverridden) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "a: 1\n");
  EXPECT_EQ(load_errors(f, {"extends=other.yaml"}),
            Lines{"<command line>:1:1: extends: 'extends' cannot be overridden"});
}

TEST(Overrides, TooDeep) {
  const TempDir dir;
  const fs::path f = dir.write("s.yaml", "a: 1\n");
  std::string key = "k";
  for (int i = 0; i < 300; ++i) key += ".k";
  EXPECT_EQ(load_errors(f, {key + "=1"}),
            Lines{"<command line>:1:1: nesting is deeper than 256 levels"});
  std::string ok_key = "k";
  for (int i = 1; i < 256; ++i) ok_key += ".k";
  EXPECT_NO_THROW((void)load_document(f, {ok_key + "=1"}));
  const Lines deep_value = load_errors(f, {ok_key + "=[1]"});
  ASSERT_EQ(deep_value.size(), 1U);
  EXPECT_NE(deep_value[0].find("nesting is deeper than 256 levels"), std::string::npos);
}

TEST(Overrides, AppliedOverTheMergedChain) {
  const TempDir dir;
  dir.write("base.yaml", "m: {a: 1, b: 2}\n");
  const fs::path d = dir.write("d.yaml", "extends: base.yaml\nm: {b: 3}\n");
  const Document doc = load_document(d, {"m.a=10"});
  EXPECT_EQ(doc.root.find("m")->find("a")->scalar(), "10");
  EXPECT_EQ(doc.root.find("m")->find("b")->scalar(), "3");
}

// ---------------------------------------------------------------------------------------------
// resolved_yaml

TEST(Resolved, ReadsBackToTheSameTree) {
  const TempDir dir;
  dir.write("base.yaml", "name: \"null\"\nempty: ''\nlist: [1, 'two', {three: 3}]\nm: {a: ~}\n");
  const fs::path d =
      dir.write("d.yaml", "extends: base.yaml\ntext: \"multi\\nline: # not a comment\"\n");
  const Document doc = load_document(d, {"m.b=[x, ' y ']"});
  Diagnostics diags;
  const Node again = parse_yaml(doc.resolved_yaml, "resolved.yaml", diags);
  EXPECT_TRUE(diags.empty());
  EXPECT_TRUE(same_structure(again, doc.root)) << doc.resolved_yaml;
  // And loading the resolved text as a file gives the same tree again.
  const fs::path r = dir.write("resolved.yaml", doc.resolved_yaml);
  EXPECT_TRUE(same_structure(load_document(r, {}).root, doc.root));
}

/// Every diagnostic's key path and message (not its position) when `root`'s values are read as
/// the types below: what a model would make of the tree.
Lines read_as_typed(const Node& root) {
  Diagnostics diags;
  Reader r(root, diags);
  int i = 0;
  double d = 0;
  bool b = false;
  std::string s;
  std::vector<double> list;
  for (const char* key : {"plain_int", "quoted_int", "str_int", "int_int", "custom_int"}) {
    r.read(key, i);
  }
  for (const char* key : {"plain_double", "quoted_double", "float_double", "set_quoted"}) {
    r.read(key, d);
  }
  r.read("quoted_bool", b);
  r.read("plain_bool", b);
  for (const char* key : {"quoted_text", "str_text", "null_word", "plain_text", "tagged_text"}) {
    r.read(key, s);
  }
  r.read("list", list);
  r.finish();
  Lines out;
  for (const Diagnostic& diag : diags.items()) out.push_back(diag.key_path + ": " + diag.message);
  return out;
}

TEST(Resolved, KeepsQuotingAndTagsSoItIsReadExactlyAsTheOriginal) {
  const TempDir dir;
  dir.write("base.yaml",
            "plain_int: 12\nquoted_int: \"12\"\nstr_int: !!str 12\nint_int: !!int 7\n"
            "custom_int: !c 1\nplain_double: 0.5\nquoted_double: '0.5'\n"
            "float_double: !!float 2\nquoted_bool: \"true\"\nplain_bool: false\n");
  const fs::path d =
      dir.write("d.yaml",
                "extends: base.yaml\nquoted_text: \"12\"\nstr_text: !!str true\nnull_word: 'null'\n"
                "plain_text: a\tb\ntagged_text: !t x\nlist: [1, '2', !!float 3]\n");
  const Document doc = load_document(d, {"set_quoted=\"3\""});
  const std::string& text = doc.resolved_yaml;
  EXPECT_NE(text.find("quoted_int: \"12\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("str_int: !!str 12\n"), std::string::npos) << text;
  EXPECT_NE(text.find("plain_text: a\tb\n"), std::string::npos) << text;
  EXPECT_NE(text.find("set_quoted: \"3\"\n"), std::string::npos) << text;
  const fs::path r = dir.write("resolved.yaml", text);
  const Document again = load_document(r, {});
  EXPECT_TRUE(same_structure(again.root, doc.root)) << text;
  EXPECT_EQ(again.resolved_yaml, text);
  const Lines original = read_as_typed(doc.root);
  EXPECT_EQ(read_as_typed(again.root), original);
  EXPECT_EQ(original,
            (Lines{"quoted_int: expected an integer, got the quoted string \"12\" (remove the "
                   "quotes)",
                   "str_int: expected an integer, got \"12\" tagged !!str (remove the tag)",
                   "custom_int: expected an integer, got \"1\" tagged !c (remove the tag)",
                   "quoted_double: expected a number, got the quoted string \"0.5\" (remove the "
                   "quotes)",
                   "set_quoted: expected a number, got the quoted string \"3\" (remove the "
                   "quotes)",
                   "quoted_bool: expected true or false, got the quoted string \"true\" (remove "
                   "the quotes)",
                   "tagged_text: expected a string, got \"x\" tagged !t",
                   "list[1]: expected a number, got the quoted string \"2\" (remove the quotes)"}));
}

}  // namespace
}  // namespace brocken::scenario
