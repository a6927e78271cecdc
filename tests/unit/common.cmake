# Unit tests of libbrigade-common (cmocka).
function(brigade_unit_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE brigade-common PkgConfig::CMOCKA)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS unit)
endfunction()

brigade_unit_test(test_lifecycle ${CMAKE_CURRENT_LIST_DIR}/test_lifecycle.c)
brigade_unit_test(test_codec ${CMAKE_CURRENT_LIST_DIR}/test_codec.c)
brigade_unit_test(test_money ${CMAKE_CURRENT_LIST_DIR}/test_money.c)
