target_sources(brocken_engine PRIVATE sim/step.cpp sim/simulation.cpp)
