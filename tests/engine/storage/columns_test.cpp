#include "engine/storage/columns.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace brocken::storage {
namespace {

TEST(ColumnStore, DeclaredColumnsAreReachedThroughTypedSpans) {
  ColumnStore s;
  const auto id = s.declare<std::uint64_t>("id");
  const auto age = s.declare<std::int16_t>("age");
  const auto w = s.declare<float>("w");
  EXPECT_EQ(s.bytes_per_row(), 8U + 2U + 4U);
  EXPECT_EQ(s.append_rows(3), 0U);
  EXPECT_EQ(s.append_rows(2), 3U);
  ASSERT_EQ(s.size(), 5U);
  auto ids = s.span(id);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = 100 + i;
  s.span(age)[4] = 7;
  EXPECT_EQ(s.span(age)[0], 0) << "new rows are value-initialised";
  EXPECT_EQ(s.span(w).size(), 5U);
  EXPECT_EQ(s.handle<std::int16_t>("age").index, age.index);
  EXPECT_THROW((void)s.handle<float>("age"), std::logic_error);
  EXPECT_THROW((void)s.handle<float>("nope"), std::out_of_range);
}

TEST(ColumnStore, SchemaIsFixedOnceRowsExist) {
  ColumnStore s;
  (void)s.declare<int>("a");
  EXPECT_THROW((void)s.declare<int>("a"), std::logic_error);
  s.append_rows(1);
  EXPECT_THROW((void)s.declare<int>("b"), std::logic_error);
}

TEST(ColumnStore, CompactionIsStableAcrossAllColumns) {
  ColumnStore s;
  const auto id = s.declare<std::uint32_t>("id");
  const auto x = s.declare<double>("x");
  s.append_rows(10);
  for (std::uint32_t i = 0; i < 10; ++i) {
    s.span(id)[i] = i;
    s.span(x)[i] = i * 0.5;
  }
  const std::vector<std::uint8_t> keep{1, 0, 1, 1, 0, 0, 1, 0, 1, 1};
  s.compact(keep);
  ASSERT_EQ(s.size(), 6U);
  const std::vector<std::uint32_t> expected{0, 2, 3, 6, 8, 9};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(s.span(id)[i], expected[i]);
    EXPECT_DOUBLE_EQ(s.span(x)[i], expected[i] * 0.5);
  }
  EXPECT_THROW(s.compact(std::vector<std::uint8_t>(3, 1)), std::logic_error);
}

TEST(ColumnStore, EraseSortedEqualsMaskCompaction) {
  ColumnStore a;
  ColumnStore b;
  const auto ia = a.declare<std::uint32_t>("id");
  const auto ib = b.declare<std::uint32_t>("id");
  a.append_rows(1000);
  b.append_rows(1000);
  std::vector<std::uint8_t> keep(1000, 1);
  std::vector<std::size_t> rows;
  for (std::uint32_t i = 0; i < 1000; ++i) {
    a.span(ia)[i] = b.span(ib)[i] = i;
    if (i % 7 == 0 || i % 11 == 3 || i == 999) {
      keep[i] = 0;
      rows.push_back(i);
    }
  }
  a.compact(keep);
  b.erase_sorted(rows);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_TRUE(std::equal(a.span(ia).begin(), a.span(ia).end(), b.span(ib).begin()));
  b.erase_sorted(std::vector<std::size_t>{});
  EXPECT_EQ(a.size(), b.size());
}

TEST(ColumnStore, EmptyLikeSharesSchemaAndAppends) {
  ColumnStore s;
  const auto id = s.declare<std::uint32_t>("id");
  s.append_rows(2);
  s.span(id)[1] = 5;
  ColumnStore spawn = s.empty_like();
  EXPECT_TRUE(spawn.same_schema(s));
  EXPECT_EQ(spawn.size(), 0U);
  spawn.append_rows(2);
  spawn.span(id)[0] = 7;
  spawn.span(id)[1] = 8;
  s.append_from(spawn);
  ASSERT_EQ(s.size(), 4U);
  EXPECT_EQ(s.span(id)[1], 5U);
  EXPECT_EQ(s.span(id)[2], 7U);
  EXPECT_EQ(s.span(id)[3], 8U);

  ColumnStore other;
  (void)other.declare<float>("id");
  other.append_rows(1);
  EXPECT_FALSE(other.same_schema(s));
  EXPECT_THROW(s.append_from(other), std::logic_error);
}

TEST(ColumnStore, AppendRowsOfCopiesTheListedRowsInTheirOrder) {
  ColumnStore s;
  const auto id = s.declare<std::uint32_t>("id");
  const auto w = s.declare<double>("w");
  s.append_rows(5);
  for (std::uint32_t i = 0; i < 5; ++i) {
    s.span(id)[i] = 10 + i;
    s.span(w)[i] = 0.5 * i;
  }
  ColumnStore d = s.empty_like();
  d.append_rows(1);
  d.span(id)[0] = 99;
  const std::vector<std::size_t> rows{4, 1, 3};
  d.append_rows_of(s, rows);
  ASSERT_EQ(d.size(), 4U);
  EXPECT_EQ(d.span(id)[0], 99U);
  EXPECT_EQ(d.span(id)[1], 14U);
  EXPECT_EQ(d.span(id)[2], 11U);
  EXPECT_EQ(d.span(id)[3], 13U);
  EXPECT_DOUBLE_EQ(d.span(w)[3], 1.5);
  EXPECT_EQ(s.size(), 5U) << "the source keeps its rows";
  const std::vector<std::size_t> bad{5};
  EXPECT_THROW(d.append_rows_of(s, bad), std::logic_error);
  ColumnStore other;
  (void)other.declare<float>("id");
  other.append_rows(1);
  const std::vector<std::size_t> first{0};
  EXPECT_THROW(d.append_rows_of(other, first), std::logic_error);
  EXPECT_EQ(d.size(), 4U);
}

TEST(ColumnStore, ClearRowsKeepsSchema) {
  ColumnStore s;
  const auto id = s.declare<std::uint8_t>("id");
  s.append_rows(100);
  s.clear_rows();
  EXPECT_EQ(s.size(), 0U);
  EXPECT_EQ(s.span(id).size(), 0U);
  EXPECT_EQ(s.column_count(), 1U);
  EXPECT_EQ(s.column_name(0), "id");
}

TEST(ColumnStore, SaveAndRestoreRoundTripEveryColumn) {
  ColumnStore a;
  auto key = a.declare<std::uint64_t>("key");
  auto age = a.declare<std::int16_t>("age");
  auto ties = a.declare<float>("ties");
  auto flag = a.declare<std::uint8_t>("flag");
  a.append_rows(1000);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a.span(key)[i] = (i * 0x9E3779B97F4A7C15ULL) ^ 7U;
    a.span(age)[i] = static_cast<std::int16_t>(i % 1200);
    a.span(ties)[i] = static_cast<float>(i) / 1000.0F;
    a.span(flag)[i] = static_cast<std::uint8_t>(i % 3);
  }
  io::MemoryArchive ar;
  a.save(ar, "agents");
  EXPECT_EQ(ar.get_text("agents/columns"), "key,age,ties,flag");

  ColumnStore b = a.empty_like();
  b.append_rows(3);  // replaced, not appended to
  b.restore(ar, "agents");
  ASSERT_EQ(b.size(), a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(b.span(key)[i], a.span(key)[i]);
    ASSERT_EQ(b.span(age)[i], a.span(age)[i]);
    ASSERT_EQ(b.span(ties)[i], a.span(ties)[i]);
    ASSERT_EQ(b.span(flag)[i], a.span(flag)[i]);
  }
  // Structural operations still work on the restored store.
  b.erase_sorted(std::vector<std::size_t>{0, 5});
  EXPECT_EQ(b.size(), 998U);
  EXPECT_EQ(b.span(key)[0], a.span(key)[1]);
}

TEST(ColumnStore, RestoreRefusesAnotherSchemaOrLengthAndKeepsTheRows) {
  ColumnStore a;
  auto x = a.declare<std::int32_t>("x");
  a.append_rows(4);
  io::MemoryArchive ar;
  a.save(ar, "s");

  ColumnStore other;
  (void)other.declare<std::int32_t>("y");
  other.append_rows(2);
  EXPECT_THROW(other.restore(ar, "s"), io::ArchiveError);
  EXPECT_EQ(other.size(), 2U);

  ColumnStore wrong_type;
  (void)wrong_type.declare<std::int64_t>("x");
  EXPECT_THROW(wrong_type.restore(ar, "s"), io::ArchiveError);

  // A rows count that does not match the column's length.
  io::MemoryArchive short_ar;
  short_ar.put_scalar<std::uint64_t>("s/rows", 5);
  short_ar.put_text("s/columns", "x");
  short_ar.put<std::int32_t>("s/x", std::vector<std::int32_t>{1, 2, 3, 4});
  ColumnStore c = a.empty_like();
  c.append_rows(1);
  c.span(x)[0] = 9;
  EXPECT_THROW(c.restore(short_ar, "s"), io::ArchiveError);
  ASSERT_EQ(c.size(), 1U);
  EXPECT_EQ(c.span(x)[0], 9);
  EXPECT_THROW(c.restore(ar, "elsewhere"), io::ArchiveError);
}

}  // namespace
}  // namespace brocken::storage
