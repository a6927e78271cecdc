# Every client cut off from the server at once through a proxy the tests
# drive (tests/integration/netproxy.py): the KDS and the POS in tmux,
# brigadectl tail and its outbox. The three-minute cut is labelled slow.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
if(TARGET brigade-kds AND TARGET brigade-pos AND TARGET brigadectl)
  add_test(NAME client_outage
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_client_outage.py -v)
  set_tests_properties(client_outage PROPERTIES LABELS tui TIMEOUT 420
    ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")
  add_test(NAME client_outage_long
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_client_outage_long.py -v)
  set_tests_properties(client_outage_long PROPERTIES LABELS "tui;slow" TIMEOUT 480
    ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")
endif()
