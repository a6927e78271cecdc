# Unit tests of the session glue's bookkeeping (no server needed).
if(TARGET brigade-client)
  brigade_unit_test(test_session SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_session.c
    LIBS brigade-client)
endif()
