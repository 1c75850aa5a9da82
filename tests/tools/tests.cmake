# tests for tools/ (the brocken command line, run as a user runs it)
brocken_gtest(tools_cli_test SOURCES tools/cli_test.cpp)
target_compile_definitions(tools_cli_test PRIVATE BROCKEN_CLI="$<TARGET_FILE:brocken>")
add_dependencies(tools_cli_test brocken)

# The acceptance checks (tests/tools/foundation.sh, a copy of the project's external acceptance
# check): full-scale baseline at 1, 2 and 4 threads, bit-identical; xarray reads the root
# contract; error reporting; no overwrite. Three full-scale runs are too slow under the
# sanitizers, so only optimised builds without a sanitizer register it.
if(NOT BROCKEN_SANITIZE AND CMAKE_BUILD_TYPE STREQUAL "Release")
  add_test(NAME tools_foundation_checks
           COMMAND "${CMAKE_CURRENT_LIST_DIR}/foundation.sh" "$<TARGET_FILE:brocken>"
           WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  set_tests_properties(tools_foundation_checks PROPERTIES TIMEOUT 900 RUN_SERIAL TRUE)
endif()

# Formatting is configuration (.clang-format), checked like any other contract.
find_program(BROCKEN_CLANG_FORMAT clang-format)
if(BROCKEN_CLANG_FORMAT)
  add_test(NAME tools_lint_format COMMAND "${PROJECT_SOURCE_DIR}/tools/lint.sh"
           WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  set_tests_properties(tools_lint_format PROPERTIES TIMEOUT 120)
endif()

# The comparison with the official projections (tools/validation/, docs/validation.md), end to
# end on a small run: the tools work and the table has rows. The numbers are not checked. It tests
# the Python tools and the document update, so it runs in builds without a sanitizer only (about
# 4 s optimised; 15-30 s under thread at 0.2 %, which bought nothing: the run itself is covered
# under the sanitizers by the CLI, model and checkpoint tests).
if(NOT BROCKEN_SANITIZE)
  add_test(NAME tools_validation_projections
           COMMAND "${CMAKE_CURRENT_LIST_DIR}/validation_test.sh" "$<TARGET_FILE:brocken>"
                   "${BROCKEN_PYTHON}"
           WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  set_tests_properties(tools_validation_projections PROPERTIES TIMEOUT 300)
endif()

# The calibration command (tools/calibrate/, docs/calibration.md), end to end: a tiny fit, the
# document reproduced by --evaluate, and docs/calibration.md reproduced from the repository's
# config and fitted scenario (about 30 s optimised; builds without a sanitizer only, like the
# validation tools: the runs themselves are covered under the sanitizers elsewhere).
if(NOT BROCKEN_SANITIZE)
  add_test(NAME tools_calibrate
           COMMAND "${CMAKE_CURRENT_LIST_DIR}/calibrate_test.sh" "$<TARGET_FILE:brocken>"
                   "${BROCKEN_PYTHON}"
           WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  set_tests_properties(tools_calibrate PROPERTIES TIMEOUT 600)
endif()

# Checkpoints, interruption and resource limits from the outside (docs/reliability.md): SIGKILL at
# random moments and resume at the other thread count, SIGINT/SIGTERM (exit 4), RLIMIT_FSIZE
# (exit 3), memory refusal and unusable checkpoints (exit 2). Small runs (2 % of the population):
# about 6 s optimised; it runs under the sanitizers too.
if(BROCKEN_SANITIZE)
  set(_checkpoint_scale 0.004)  # sanitizer builds run 5 to 20 times slower
  set(_checkpoint_sanitized yes)
else()
  set(_checkpoint_scale 0.02)
  set(_checkpoint_sanitized no)
endif()
add_test(NAME tools_checkpoint_resume
         COMMAND "${CMAKE_CURRENT_LIST_DIR}/checkpoint_test.sh" "$<TARGET_FILE:brocken>"
                 "${BROCKEN_PYTHON}" "${_checkpoint_scale}" "${_checkpoint_sanitized}"
         WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
set_tests_properties(tools_checkpoint_resume PROPERTIES TIMEOUT 600 LABELS "checkpoint")
