# Hardware tests of libbrigade-drivers, on real parts: the virtual printer
# on an ephemeral loopback port, a private cupsd with a capture backend,
# and umockdev-emulated USB devices.
if(TARGET brigade-drivers)
  function(brigade_hw_test name)
    cmake_parse_arguments(H "" "" "SOURCES;LIBS;ARGS" ${ARGN})
    add_executable(${name} ${H_SOURCES})
    target_link_libraries(${name} PRIVATE brigade-drivers PkgConfig::CMOCKA ${H_LIBS})
    add_test(NAME ${name} COMMAND ${name} ${H_ARGS})
    set_tests_properties(${name} PROPERTIES LABELS hardware TIMEOUT 120 SKIP_RETURN_CODE 77)
  endfunction()

  brigade_hw_test(test_tcp_printer SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tcp_printer.c
    LIBS SQLite::SQLite3 Threads::Threads ARGS $<TARGET_FILE:brigade-vprinter>)
endif()
if(TARGET brigade-drivers)
  brigade_hw_test(test_cups_printer SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_cups_printer.c
    ARGS ${CMAKE_CURRENT_LIST_DIR}/cups/cupsd-up.sh)
endif()
