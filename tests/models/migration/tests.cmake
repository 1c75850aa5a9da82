brocken_gtest(migration_model_test SOURCES models/migration/model_test.cpp LIBS brocken::models_migration)
brocken_gtest(migration_scenario_test SOURCES models/migration/scenario_test.cpp LIBS brocken::models_migration)
# Synth.StartingPersonsAreAnUnbiasedSampleOfTheTable: 200 replications of the 1 % starting
# population and a 4-SE bound on each cell's mean without a sanitizer; 20 replications and only
# the sampling's exact bounds under the sanitizers (BROCKEN_SANITIZED): about 9 s -> 4 s under tsan.
brocken_gtest(migration_synth_test SOURCES models/migration/synth_test.cpp LIBS brocken::models_migration)
# Arrival: the admission pipeline's queueing arithmetic; newcomers split by their channels' shares.
brocken_gtest(migration_arrival_test SOURCES models/migration/arrival/arrival_test.cpp
  models/migration/arrival/channel_test.cpp LIBS brocken::models_migration)
# Departure: a closed cohort's survival against the product of its hazards; the seeded away pool.
brocken_gtest(migration_departure_test SOURCES models/migration/departure/departure_test.cpp LIBS brocken::models_migration)
brocken_gtest(migration_relocation_test SOURCES models/migration/relocation/relocation_test.cpp LIBS brocken::models_migration)
# Cohort-component (Leslie matrix) validation of the demography (docs/validation.md), two sizes:
#  - without a sanitizer (release, debug): the statistical validation, R = 40 replications of a
#    closed population over 20 years at 1 %, 4-15 s optimised;
#  - under the sanitizers (BROCKEN_SANITIZED): the same code on R = 4 replications of 10 years at
#    0.5 %, asserting exact accounting and a gross 6-SE bound only. The full version took 190 s
#    under thread on 2 idle cores (past the 300 s timeout on a loaded machine) and 45 s under
#    address + undefined on a loaded one; the reduced one takes about 2 s and 10 s.
brocken_gtest(migration_leslie_test SOURCES models/migration/leslie_test.cpp LIBS brocken::models_migration)
# Policies in whole runs: the language course programme's effect (paired, 5 replications at 2 %),
# a policy scoped to one district against the others' baseline paths, thread invariance.
brocken_gtest(migration_policy_test SOURCES models/migration/policy_test.cpp LIBS brocken::models_migration)
# Checkpoints: save/restore of a replication, resume identity at 1 and 2 threads.
brocken_gtest(migration_checkpoint_test SOURCES models/migration/checkpoint_test.cpp LIBS brocken::models_migration)
# Labour market arithmetic (matching function, vacancy ages) against independent computations.
brocken_gtest(migration_labour_matching_test SOURCES models/migration/labour/matching_test.cpp LIBS brocken::models_migration)
# Labour market in whole runs: stock accounting per cell, first-month calibration targets, a lever;
# the unemployment rate of a closed cohort without registered matching against the steady state
# of the E/U(/I) Markov chain (LabourSteadyState: 180 months at 5 %, about 1.5 s each optimised;
# 1 % under the sanitizers).
brocken_gtest(migration_labour_test SOURCES models/migration/labour/labour_test.cpp LIBS brocken::models_migration)
# Demography: trends against the data and the assumptions, naturalisation (calibration, a lever),
# the away pool's accounting and bound, the foreign age profile of the start.
brocken_gtest(migration_demography_test SOURCES models/migration/demography/demography_test.cpp LIBS brocken::models_migration)
# Housing market in whole runs: stock accounting (flows and persons), the offer rate against its
# formula, paired levers (usable stock, discrimination penalty), young adults' household formation.
brocken_gtest(migration_housing_test SOURCES models/migration/housing/housing_test.cpp LIBS brocken::models_migration)
# Every rate lever moves its outcome in the expected direction with paired random numbers (13
# cases of two runs each, about 20 s optimised). Not under the sanitizers, whose 5-20 times
# slower runs would add minutes to CI for code paths the policy tests already take there.
if(NOT BROCKEN_SANITIZE)
  brocken_gtest(migration_lever_test SOURCES models/migration/lever_test.cpp LIBS brocken::models_migration)
endif()
# Integration in whole runs: the course result, the recognition decisions' monthly chance and
# outcomes, the incidence of discrimination events against closed forms (about 20 s optimised).
brocken_gtest(migration_integration_test SOURCES models/migration/integration/integration_test.cpp LIBS brocken::models_migration)
