#include "models/migration/person.hpp"

namespace brocken::migration {

PersonColumns PersonColumns::declare(storage::ColumnStore& store) {
  PersonColumns c;
#define BROCKEN_X(type, column, short_name, lo, hi) c.column = store.declare<type>(#column);
  BROCKEN_PERSON_COLUMNS(BROCKEN_X)
#undef BROCKEN_X
  return c;
}

PersonRows::PersonRows(storage::ColumnStore& store, const PersonColumns& c) {
#define BROCKEN_X(type, column, short_name, lo, hi) short_name = store.span(c.column).data();
  BROCKEN_PERSON_COLUMNS(BROCKEN_X)
#undef BROCKEN_X
}

}  // namespace brocken::migration
