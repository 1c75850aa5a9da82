#include "models/migration/person.hpp"

namespace brocken::migration {

PersonColumns PersonColumns::declare(storage::ColumnStore& store) {
  PersonColumns c;
  c.key = store.declare<std::uint64_t>("key");
  c.age_months = store.declare<std::int16_t>("age_months");
  c.months_here = store.declare<std::int16_t>("months_here");
  c.away_months = store.declare<std::int16_t>("away_months");
  c.arrival_tick = store.declare<std::int16_t>("arrival_tick");
  c.ties = store.declare<float>("ties");
  c.sex = store.declare<std::uint8_t>("sex");
  c.district = store.declare<std::uint8_t>("district");
  c.nationality = store.declare<std::uint8_t>("nationality");
  c.status = store.declare<std::uint8_t>("status");
  c.residence = store.declare<std::uint8_t>("residence");
  c.housed = store.declare<std::uint8_t>("housed");
  c.language = store.declare<std::uint8_t>("language");
  c.recognition = store.declare<std::uint8_t>("recognition");
  c.qualification = store.declare<std::uint8_t>("qualification");
  c.discriminated = store.declare<std::uint8_t>("discriminated");
  c.origin = store.declare<std::uint8_t>("origin");
  c.lived_here_before = store.declare<std::uint8_t>("lived_here_before");
  return c;
}

PersonRows::PersonRows(storage::ColumnStore& store, const PersonColumns& c)
    : key(store.span(c.key).data()),
      age(store.span(c.age_months).data()),
      here(store.span(c.months_here).data()),
      away(store.span(c.away_months).data()),
      arrival_tick(store.span(c.arrival_tick).data()),
      ties(store.span(c.ties).data()),
      sex(store.span(c.sex).data()),
      district(store.span(c.district).data()),
      nationality(store.span(c.nationality).data()),
      status(store.span(c.status).data()),
      residence(store.span(c.residence).data()),
      housed(store.span(c.housed).data()),
      language(store.span(c.language).data()),
      recognition(store.span(c.recognition).data()),
      qualification(store.span(c.qualification).data()),
      discriminated(store.span(c.discriminated).data()),
      origin(store.span(c.origin).data()),
      before(store.span(c.lived_here_before).data()) {}

}  // namespace brocken::migration
