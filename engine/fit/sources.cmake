target_sources(brocken_engine PRIVATE fit/ipf.cpp)
