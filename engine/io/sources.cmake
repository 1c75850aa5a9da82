target_sources(brocken_engine PRIVATE io/hdf5_writer.cpp io/csv.cpp)
