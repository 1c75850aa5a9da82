brocken_gtest(policy_policy_test SOURCES engine/policy/policy_test.cpp)
