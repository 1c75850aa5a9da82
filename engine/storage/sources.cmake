target_sources(brocken_engine PRIVATE storage/columns.cpp)
