brocken_gtest(migration_model_test SOURCES models/migration/model_test.cpp LIBS brocken::models_migration)
brocken_gtest(migration_scenario_test SOURCES models/migration/scenario_test.cpp LIBS brocken::models_migration)
brocken_gtest(migration_synth_test SOURCES models/migration/synth_test.cpp LIBS brocken::models_migration)
brocken_gtest(migration_relocation_test SOURCES models/migration/relocation_test.cpp LIBS brocken::models_migration)
