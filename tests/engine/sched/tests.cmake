brocken_gtest(sched_executor_test SOURCES engine/sched/executor_test.cpp)
