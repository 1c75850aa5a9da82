# Not under ThreadSanitizer: every case runs brocken on one thread (the loaders and the command
# line are single-threaded), where TSan has nothing to find, and the corpus was 40 % of the tsan
# preset's test time. The release and asan (address + undefined) presets run all of it; the
# threaded paths run under tsan in tools_checkpoint_resume (-t 2) and the model tests.
if(BROCKEN_SANITIZE MATCHES "thread")
  return()
endif()

# The bad-input corpus (tests/hostile/hostile.py, docs/fuzzing.md): every case runs the real
# `brocken` command line on hostile input and expects exit code 2, the message with its file and
# line/column or key, and no crash, hang or sanitizer report. One CTest test per case; the case
# list is read from hostile.py when CMake configures.
execute_process(
  COMMAND "${BROCKEN_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/hostile.py" --list
  OUTPUT_VARIABLE _hostile_cases RESULT_VARIABLE _hostile_rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _hostile_rc EQUAL 0)
  message(FATAL_ERROR "tests/hostile/hostile.py --list failed (${_hostile_rc})")
endif()
# Reconfigure when cases are added (a new file changes its directory's time stamp).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  "${CMAKE_CURRENT_LIST_DIR}/hostile.py" "${CMAKE_CURRENT_LIST_DIR}/scenario"
  "${CMAKE_CURRENT_LIST_DIR}/data")
string(REPLACE "\n" ";" _hostile_cases "${_hostile_cases}")
foreach(_case IN LISTS _hostile_cases)
  add_test(NAME hostile.${_case}
           COMMAND "${BROCKEN_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/hostile.py"
                   --brocken "$<TARGET_FILE:brocken>" --source "${PROJECT_SOURCE_DIR}" "${_case}")
  set_tests_properties(hostile.${_case} PROPERTIES TIMEOUT 300 LABELS hostile)
endforeach()

# Hostile use of a run from the outside (tests/hostile/runtime.py, docs/reliability.md): closed
# pipes, --force and foreign files, concurrent runs and locks, resume identity, early failures,
# memory limits at many sizes, crafted checkpoints that are valid HDF5. One CTest test per case.
execute_process(
  COMMAND "${BROCKEN_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/runtime.py" --list
  OUTPUT_VARIABLE _runtime_cases RESULT_VARIABLE _runtime_rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _runtime_rc EQUAL 0)
  message(FATAL_ERROR "tests/hostile/runtime.py --list failed (${_runtime_rc})")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/runtime.py")
set(_runtime_flags)
if(BROCKEN_SANITIZE)
  set(_runtime_flags --sanitized)  # address-space limits are meaningless under the sanitizers
endif()
string(REPLACE "\n" ";" _runtime_cases "${_runtime_cases}")
foreach(_case IN LISTS _runtime_cases)
  add_test(NAME hostile_runtime.${_case}
           COMMAND "${BROCKEN_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/runtime.py"
                   --brocken "$<TARGET_FILE:brocken>" --source "${PROJECT_SOURCE_DIR}"
                   ${_runtime_flags} "${_case}")
  set_tests_properties(hostile_runtime.${_case} PROPERTIES TIMEOUT 900 LABELS hostile)
endforeach()
