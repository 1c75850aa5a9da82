target_sources(brocken_engine PRIVATE rng/keyed_rng.cpp)
