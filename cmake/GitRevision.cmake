# Script mode (cmake -DSOURCE_DIR=... -DOUTPUT=... -P GitRevision.cmake): writes a header with the
# source tree's git revision, run at every build so that an incremental build never reports a
# stale revision; the header is rewritten only when the revision changes.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE rev OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE dirty OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT rev)
  set(rev "unknown")
elseif(dirty)
  set(rev "${rev}-dirty")
endif()
file(WRITE ${OUTPUT}.tmp "#pragma once\n// Generated at build time by cmake/GitRevision.cmake.\n#define LNSLAB_GIT_REVISION \"${rev}\"\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUTPUT}.tmp ${OUTPUT})
file(REMOVE ${OUTPUT}.tmp)
