brocken_gtest(storage_columns_test SOURCES engine/storage/columns_test.cpp)
