# tests for engine/scenario
brocken_gtest(scenario_diagnostics_test SOURCES engine/scenario/diagnostics_test.cpp SINGLE_THREADED)
brocken_gtest(scenario_node_test SOURCES engine/scenario/node_test.cpp SINGLE_THREADED)
brocken_gtest(scenario_load_test SOURCES engine/scenario/load_test.cpp SINGLE_THREADED)
brocken_gtest(scenario_reader_test SOURCES engine/scenario/reader_test.cpp SINGLE_THREADED)
