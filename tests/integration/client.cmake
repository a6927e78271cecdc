# Integration tests of the client library and brigadectl: the real binaries
# against a real brigade-server (and a hostile fake peer for bad answers).
find_package(Python3 REQUIRED COMPONENTS Interpreter)
if(TARGET brigadectl)
  add_executable(client_probe ${CMAKE_CURRENT_LIST_DIR}/client_probe.c)
  target_link_libraries(client_probe PRIVATE brigade-client)
  foreach(t brigadectl_outbox brigadectl_auth client_stream client_loop client_badpeer client_tls
      client_storm client_proxy)
    add_test(NAME ${t}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_${t}.py -v)
    set_tests_properties(${t} PROPERTIES LABELS integration TIMEOUT 300
      ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")
  endforeach()
endif()

# Clients with several instances of one PostgreSQL database (a private
# cluster the test starts): failover of the outbox, the stream and
# brigadectl.
if(TARGET brigadectl)
  add_test(NAME client_failover
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_client_failover.py -v)
  set_tests_properties(client_failover PROPERTIES LABELS "integration;postgresql"
    TIMEOUT 300 ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")
endif()
