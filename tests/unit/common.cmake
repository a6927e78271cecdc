# Unit tests of libbrigade-common.
brigade_unit_test(test_lifecycle SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_lifecycle.c)
brigade_unit_test(test_codec SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_codec.c)
brigade_unit_test(test_money SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_money.c)
brigade_unit_test(test_report SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_report.c)
