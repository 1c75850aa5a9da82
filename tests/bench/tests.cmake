# tests for bench/reference/ (the reference benchmark model) and the `brocken bench` command
brocken_gtest(bench_reference_test SOURCES bench/reference_test.cpp LIBS brocken::reference_model)
target_compile_definitions(bench_reference_test PRIVATE BROCKEN_CLI="$<TARGET_FILE:brocken>")
add_dependencies(bench_reference_test brocken)
