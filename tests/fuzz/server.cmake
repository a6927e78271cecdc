# Fuzz targets for the server's request handling.
brigade_fuzz_target(fuzz_request
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_request.c
  LIBS brigade-server-core)
