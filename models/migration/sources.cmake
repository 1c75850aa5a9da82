target_sources(brocken_models_migration PRIVATE
  migration/person.cpp
  migration/params.cpp
  migration/region.cpp
  migration/setup.cpp
  migration/synth.cpp
  migration/demography.cpp
  migration/departure.cpp
  migration/relocation.cpp
  migration/arrival.cpp
  migration/integration.cpp
  migration/housing.cpp
  migration/labour.cpp
  migration/model.cpp
  migration/policies/language_courses.cpp
  migration/policies/register.cpp)
