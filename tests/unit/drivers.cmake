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
# The payment terminal interface, and the make-believe terminal
# (tests/payterm) the till loads as a module in the tmux tests; it is
# built for the tests only and never installed.
if(TARGET brigade-drivers)
  add_library(payterm_test MODULE ${BRIGADE_TESTS_DIR}/payterm/payterm_test.c)
  target_include_directories(payterm_test PRIVATE ${PROJECT_SOURCE_DIR}/drivers
    ${PROJECT_SOURCE_DIR}/common)
  target_link_libraries(payterm_test PRIVATE Threads::Threads)
  brigade_unit_test(test_payterm SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_payterm.c
    LIBS brigade-drivers)
  target_compile_definitions(test_payterm PRIVATE
    PAYTERM_TEST_MODULE="$<TARGET_FILE:payterm_test>")
  add_dependencies(test_payterm payterm_test)
endif()
