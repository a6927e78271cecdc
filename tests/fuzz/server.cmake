# Fuzz targets for the server's request handling.
brigade_fuzz_target(fuzz_request
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_request.c
  LIBS brigade-server-core)

# The running server on whole byte streams: requests split, pipelined and
# malformed, the stream's upgrade and frames (tests/fuzz/fuzz_http.c).
brigade_fuzz_target(fuzz_http
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_http.c ${CMAKE_CURRENT_LIST_DIR}/server_main.c
  LIBS brigade-server-core)
