# Unit tests of brigade-pos's models: ticket, catalog, dispatch, sales.
if(TARGET brigade-pos-core)
  brigade_unit_test(test_pos_ticket SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_pos_ticket.c
    LIBS brigade-pos-core)
endif()
if(TARGET brigade-pos-core)
  brigade_unit_test(test_pos_models SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_pos_models.c
    LIBS brigade-pos-core)
endif()
if(TARGET brigade-pos-core)
  brigade_unit_test(test_pos_correct SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_pos_correct.c
    LIBS brigade-pos-core)
endif()
