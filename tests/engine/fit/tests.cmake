brocken_gtest(fit_ipf_test SOURCES engine/fit/ipf_test.cpp)
