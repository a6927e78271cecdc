# tmux tests of brigade-kds: the real binary in a private tmux server,
# against a real brigade-server on 127.0.0.1 (one ctest per file, so they
# run in parallel).
find_package(Python3 REQUIRED COMPONENTS Interpreter)
if(TARGET brigade-kds)
  file(GLOB kds_tui_tests ${CMAKE_CURRENT_LIST_DIR}/test_kds_*.py)
  list(SORT kds_tui_tests)
  foreach(f ${kds_tui_tests})
    get_filename_component(t ${f} NAME_WE)
    string(REPLACE "test_" "" t ${t})
    add_test(NAME ${t} COMMAND ${Python3_EXECUTABLE} ${f} -v)
    set_tests_properties(${t} PROPERTIES LABELS tui TIMEOUT 300
      ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")
  endforeach()
endif()
if(TEST kds_failover)
  # two instances of one database on a private PostgreSQL cluster
  set_tests_properties(kds_failover PROPERTIES LABELS "tui;postgresql")
endif()
