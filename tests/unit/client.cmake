# Unit tests of libbrigade-client: outbox, config, clock, backoff, failover.
if(TARGET brigade-client)
  brigade_unit_test(test_outbox SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_outbox.c
    LIBS brigade-client)
  brigade_unit_test(test_client_core SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_client_core.c
    LIBS brigade-client)
  brigade_unit_test(test_client_failover
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_client_failover.c LIBS brigade-client)
endif()
if(TARGET brigade-client)
  brigade_unit_test(test_client_cache SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_client_cache.c
    LIBS brigade-client)
endif()
