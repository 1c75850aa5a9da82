# Run at build time (cmake -P) by the brocken_git_commit target: writes the current git commit
# into OUT only when it changed, so a new commit recompiles one file and relinks, and an
# unchanged tree rebuilds nothing. Inputs: SOURCE_DIR, IN (template), OUT, plus the variables
# the template uses.
set(BROCKEN_GIT_COMMIT "unknown")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse HEAD WORKING_DIRECTORY "${SOURCE_DIR}"
                  OUTPUT_VARIABLE _commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
  if(_rc EQUAL 0 AND _commit)
    set(BROCKEN_GIT_COMMIT "${_commit}")
    # Tracked files changed since the commit (untracked files, e.g. outputs, do not count).
    execute_process(COMMAND "${GIT_EXECUTABLE}" status --porcelain --untracked-files=no
                    WORKING_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE _dirty
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(_dirty)
      string(APPEND BROCKEN_GIT_COMMIT "-dirty")
    endif()
  endif()
endif()
configure_file("${IN}" "${OUT}" @ONLY)
