brocken_gtest(migration_model_test SOURCES models/migration/model_test.cpp LIBS brocken::models_migration)
brocken_gtest(migration_scenario_test SOURCES models/migration/scenario_test.cpp LIBS brocken::models_migration)
brocken_gtest(migration_synth_test SOURCES models/migration/synth_test.cpp LIBS brocken::models_migration)
brocken_gtest(migration_relocation_test SOURCES models/migration/relocation_test.cpp LIBS brocken::models_migration)
# Cohort-component (Leslie matrix) validation of the demography: R replications of a closed
# population over 20 years (docs/validation.md). 4-10 s optimised; at half the scale under the
# sanitizers, about 10 s with address + undefined and 90 s with thread.
brocken_gtest(migration_leslie_test SOURCES models/migration/leslie_test.cpp LIBS brocken::models_migration)
# Checkpoints: save/restore of a replication, resume identity at 1 and 2 threads.
brocken_gtest(migration_checkpoint_test SOURCES models/migration/checkpoint_test.cpp LIBS brocken::models_migration)
