# Unit tests of libbrigade-tui's models (no terminal needed).
if(TARGET brigade-tui)
  brigade_unit_test(test_tui SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tui.c
    LIBS brigade-tui)
  target_compile_definitions(test_tui PRIVATE THEMES_DIR="${PROJECT_SOURCE_DIR}/themes")
  set_tests_properties(test_tui PROPERTIES ENVIRONMENT "LC_ALL=C.UTF-8")
endif()
