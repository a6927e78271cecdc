# Unit tests of libbrigade-drivers: encoder, code pages, profiles,
# documents (golden bytes), swipe parser and keyboard-wedge detector.
if(TARGET brigade-drivers)
  pkg_check_modules(DRV_PNG REQUIRED IMPORTED_TARGET libpng)
  brigade_unit_test(test_escpos SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_escpos.c
    LIBS brigade-drivers PkgConfig::DRV_PNG)
endif()
if(TARGET brigade-drivers)
  brigade_unit_test(test_swipe SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_swipe.c LIBS brigade-drivers)
endif()
if(TARGET brigade-drivers)
  brigade_unit_test(test_documents SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_documents.c
    LIBS brigade-drivers)
  target_compile_definitions(test_documents PRIVATE
    GOLDEN_DIR="${CMAKE_CURRENT_LIST_DIR}/golden"
    PROFILES_DIR="${PROJECT_SOURCE_DIR}/drivers/profiles")
endif()
if(TARGET brigade-drivers)
  brigade_unit_test(test_printer SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_printer.c
    LIBS brigade-drivers)
endif()
if(TARGET brigade-drivers)
  brigade_unit_test(test_printq SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_printq.c
    LIBS brigade-drivers)
endif()
