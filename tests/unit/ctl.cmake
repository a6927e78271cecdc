# Unit tests of brigadectl's menu file: the CSV reader, the menu in CSV and
# back, and the lines an import prints.
if(TARGET brigadectl-menu)
  brigade_unit_test(test_csv SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_csv.c
    LIBS brigadectl-menu)
  brigade_unit_test(test_menucsv SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_menucsv.c
    LIBS brigadectl-menu)
  # the sample menu of docs/examples/ is read as the tests' own
  target_compile_definitions(test_menucsv PRIVATE
    MENU_SAMPLE="${PROJECT_SOURCE_DIR}/docs/examples/menu.csv")
  brigade_unit_test(test_menudiff SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_menudiff.c
    LIBS brigadectl-menu)
endif()
