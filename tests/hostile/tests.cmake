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
