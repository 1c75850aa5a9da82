target_sources(brocken_engine PRIVATE policy/policy.cpp policy/instances.cpp)
