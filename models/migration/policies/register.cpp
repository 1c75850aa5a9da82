// The migration model's policy modules: one line per module.
#include "models/migration/model.hpp"
#include "models/migration/policies/language_courses.hpp"

namespace brocken::migration {

void register_policies(policy::Registry& registry) {
  registry.add("language_courses", [] { return std::make_unique<policies::LanguageCourses>(); });
}

}  // namespace brocken::migration
