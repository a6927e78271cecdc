# Integration tests of brigadectl's menu, store, staff and order correction
# commands: the real binary against a real brigade-server on a fresh
# database.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
if(TARGET brigadectl)
  foreach(t brigadectl_menu brigadectl_corrections)
    add_test(NAME ${t}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_${t}.py -v)
    set_tests_properties(${t} PROPERTIES LABELS integration TIMEOUT 300
      ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")
  endforeach()
endif()
