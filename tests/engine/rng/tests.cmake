brocken_gtest(rng_keyed_rng_test SOURCES engine/rng/keyed_rng_test.cpp)
