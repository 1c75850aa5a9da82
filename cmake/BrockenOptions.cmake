# Project-wide warning and sanitizer settings, applied through the brocken_warnings INTERFACE target.
add_library(brocken_warnings INTERFACE)
target_compile_options(brocken_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion
  -Wimplicit-fallthrough)
if(BROCKEN_WARNINGS_AS_ERRORS)
  target_compile_options(brocken_warnings INTERFACE -Werror)
endif()

if(BROCKEN_SANITIZE)
  string(REPLACE ";" "," _san "${BROCKEN_SANITIZE}")
  add_compile_options(-fsanitize=${_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_san})
  # Debian's libtbb is not instrumented, so TSan reports false races inside every parallel_for;
  # the thread-sanitizer build runs the executor's blocks on std::threads instead
  # (engine/sched/executor.hpp explains why).
  if("thread" IN_LIST BROCKEN_SANITIZE)
    add_compile_definitions(BROCKEN_EXECUTOR_STD_THREADS)
  endif()
endif()

# libFuzzer (the fuzz preset): every library gets the fuzzer's coverage instrumentation; the
# fuzz targets themselves link with -fsanitize=fuzzer (fuzz/CMakeLists.txt).
if(BROCKEN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "BROCKEN_FUZZ needs clang (libFuzzer); use the fuzz preset")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# GCC 12 reports -Wrestrict, -Wmaybe-uninitialized and -Wnull-dereference (std::streambuf)
# false positives inside libstdc++'s
# std::string and std::optional once inlined at -O2/-O3 (GCC bugs 105329, 105651, 107919).
# They are switched off for GCC < 13 only; Debug builds, clang-tidy and the sanitizer presets
# still cover these classes of bug.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(brocken_warnings INTERFACE -Wno-restrict -Wno-maybe-uninitialized -Wno-null-dereference)
endif()
