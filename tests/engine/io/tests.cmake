# tests for engine/io
# The writer test reads files back through the HDF5 C API, which brocken_engine links privately.
brocken_gtest(io_hdf5_writer_test SOURCES engine/io/hdf5_writer_test.cpp
              LIBS ${HDF5_HL_LIBRARIES} ${HDF5_C_LIBRARIES})
brocken_gtest(io_csv_test SOURCES engine/io/csv_test.cpp SINGLE_THREADED)

# write_sample + read_back.py: the output contract as seen by xarray (h5netcdf), h5py and ncdump.
add_executable(write_sample engine/io/write_sample.cpp)
target_link_libraries(write_sample PRIVATE brocken::engine brocken_warnings)
add_test(NAME io_read_back_python
  COMMAND sh -c "rm -f \"$1\" && \"$2\" \"$1\" && \"$3\" \"$4\" \"$1\"" read_back
          "${CMAKE_CURRENT_BINARY_DIR}/io_read_back_sample.h5" "$<TARGET_FILE:write_sample>"
          "${BROCKEN_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/read_back.py")
set_tests_properties(io_read_back_python PROPERTIES TIMEOUT 120)

# Checkpoint files (engine/io/archive.hpp, engine/io/checkpoint.hpp).
brocken_gtest(io_checkpoint_test SOURCES engine/io/checkpoint_test.cpp SINGLE_THREADED)
