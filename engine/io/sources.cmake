target_sources(brocken_engine PRIVATE io/hdf5_writer.cpp io/csv.cpp io/atomic_file.cpp io/archive.cpp io/checkpoint.cpp io/journal.cpp io/path_lock.cpp io/output_table.cpp)
