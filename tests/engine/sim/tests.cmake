brocken_gtest(sim_simulation_test SOURCES engine/sim/simulation_test.cpp)
