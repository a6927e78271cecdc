# Integration tests of the session glue (common/client/session.c): a probe
# program on it against a real brigade-server.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
if(TARGET brigade-client)
  add_executable(session_probe ${CMAKE_CURRENT_LIST_DIR}/session_probe.c)
  target_link_libraries(session_probe PRIVATE brigade-client)
  add_test(NAME session
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_session.py -v)
  set_tests_properties(session PROPERTIES LABELS integration TIMEOUT 300
    ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")
endif()
