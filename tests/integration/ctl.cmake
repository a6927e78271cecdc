# Integration tests of brigadectl's menu, store and staff commands: the real
# binary against a real brigade-server on a fresh database.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
if(TARGET brigadectl)
  add_test(NAME brigadectl_menu
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_brigadectl_menu.py -v)
  set_tests_properties(brigadectl_menu PROPERTIES LABELS integration TIMEOUT 300
    ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")
endif()
