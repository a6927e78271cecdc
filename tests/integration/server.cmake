# Integration tests of brigade-server: the real binary on an ephemeral port
# with a temporary database, driven over HTTP and WebSocket.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
foreach(t lifecycle rejections idempotency stream auth durability config reports wire floods
    store menu corrections)
  add_test(NAME server_${t}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_server_${t}.py -v)
  set_tests_properties(server_${t} PROPERTIES LABELS integration TIMEOUT 300
    ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")
endforeach()

add_test(NAME brigadectl_print
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_brigadectl_print.py -v)
set_tests_properties(brigadectl_print PROPERTIES LABELS integration TIMEOUT 300
  ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")

# The server's tests again on PostgreSQL: each starts a private cluster
# (initdb, pg_ctl) on a Unix socket in a temporary folder. All but
# test_server_store.py, which is about the SQLite file itself (its backup,
# restore, locking and damage; PostgreSQL has pg_dump for those). The
# sanitizer build runs those that exercise most of store_pg.c and cluster.c
# (writes, keys, the stream, kill -9); the others add minutes there, not
# coverage.
set(pg_tests lifecycle rejections idempotency stream auth durability config reports wire
    floods menu corrections)
if(BRIGADE_SANITIZE)
  set(pg_tests lifecycle idempotency stream durability)
endif()
foreach(t ${pg_tests})
  add_test(NAME server_pg_${t}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_server_${t}.py -v)
  set_tests_properties(server_pg_${t} PROPERTIES LABELS "integration;postgresql"
    TIMEOUT 300 ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin;BRIGADE_TEST_STORE=pg")
endforeach()

# Three instances on one PostgreSQL database.
add_test(NAME server_cluster
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_server_cluster.py -v)
set_tests_properties(server_cluster PROPERTIES LABELS "integration;postgresql"
  TIMEOUT 300 ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")

# Many stores on one PostgreSQL database, two instances; and SQLite's one.
add_test(NAME server_stores
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_server_stores.py -v)
set_tests_properties(server_stores PROPERTIES LABELS "integration;postgresql"
  TIMEOUT 300 ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")

# Two instances on one PostgreSQL database behind Debian's HAProxy, run with
# the packaged example configuration (packaging/haproxy/brigade.cfg) on free
# loopback ports, as the current user.
add_test(NAME server_proxy
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_proxy.py -v)
set_tests_properties(server_proxy PROPERTIES LABELS "integration;postgresql"
  TIMEOUT 300 ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")

# The stream and the lifecycle again on libwebsockets' own poll() loop, the
# server's loop where the libuv plugin is missing.
foreach(t stream lifecycle)
  add_test(NAME server_poll_${t}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_server_${t}.py -v)
  set_tests_properties(server_poll_${t} PROPERTIES LABELS "integration"
    TIMEOUT 300 ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin;BRIGADE_EVENT_LOOP=poll")
endforeach()
