# Unit tests of the kitchen display's board model, settings and saved VOID
# cards.
if(TARGET brigade-kds-model)
  brigade_unit_test(test_kds_board SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kds_board.c
    LIBS brigade-kds-model)
  set_tests_properties(test_kds_board PROPERTIES ENVIRONMENT "LC_ALL=C.UTF-8")
  brigade_unit_test(test_kds_voids SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kds_voids.c
    LIBS brigade-kds-model)
endif()
