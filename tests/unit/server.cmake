# Unit tests of the server's pure parts.
brigade_unit_test(test_service SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_service.c
  LIBS brigade-server-core)
brigade_unit_test(test_throttle SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_throttle.c
  LIBS brigade-server-core)
brigade_unit_test(test_corrections SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_corrections.c
  LIBS brigade-server-core)
