# Hardware tests of libbrigade-drivers, on real parts: the virtual printer
# on an ephemeral loopback port, a private cupsd with a capture backend,
# and umockdev-emulated USB devices.
if(TARGET brigade-drivers)
  # brigade_hw_test(NAME SOURCES ... [LIBS ...] [ARGS ...] [WRAPPER cmd])
  function(brigade_hw_test name)
    cmake_parse_arguments(H "" "WRAPPER" "SOURCES;LIBS;ARGS" ${ARGN})
    add_executable(${name} ${H_SOURCES})
    target_link_libraries(${name} PRIVATE brigade-drivers PkgConfig::CMOCKA ${H_LIBS})
    add_test(NAME ${name} COMMAND ${H_WRAPPER} $<TARGET_FILE:${name}> ${H_ARGS})
    set_tests_properties(${name} PROPERTIES LABELS hardware TIMEOUT 120 SKIP_RETURN_CODE 77)
  endfunction()

  brigade_hw_test(test_tcp_printer SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tcp_printer.c
    LIBS SQLite::SQLite3 Threads::Threads ARGS $<TARGET_FILE:brigade-vprinter>)

  brigade_hw_test(test_cups_printer SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_cups_printer.c
    ARGS ${CMAKE_CURRENT_LIST_DIR}/cups/cupsd-up.sh)

  # umockdev emulates the USB devices; its preload library must be loaded
  # into the test, which umockdev-wrapper does
  pkg_check_modules(UMOCKDEV IMPORTED_TARGET umockdev-1.0)
  find_program(UMOCKDEV_WRAPPER umockdev-wrapper)
  if(UMOCKDEV_FOUND AND UMOCKDEV_WRAPPER)
    brigade_hw_test(test_usb SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_usb.c
      ${CMAKE_CURRENT_LIST_DIR}/usbdev.c
      LIBS PkgConfig::UMOCKDEV Threads::Threads WRAPPER ${UMOCKDEV_WRAPPER})
    target_compile_definitions(test_usb PRIVATE USB_DATA_DIR="${CMAKE_CURRENT_LIST_DIR}/usb")
    # the preload comes before ASan's runtime in the library list
    set_tests_properties(test_usb PROPERTIES ENVIRONMENT
      "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=1:abort_on_error=1")

    # one emulated device served to another process (a till under tmux)
    add_executable(usbdev-serve ${CMAKE_CURRENT_LIST_DIR}/usbdev_serve.c
      ${CMAKE_CURRENT_LIST_DIR}/usbdev.c)
    target_link_libraries(usbdev-serve PRIVATE brigade-drivers PkgConfig::UMOCKDEV
      Threads::Threads)
    if(TARGET brigade-pos AND Python3_FOUND AND TMUX_PROGRAM)
      add_test(NAME pos_card_reader
        COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/tui/test_pos_card_reader.py -v)
      set_tests_properties(pos_card_reader PROPERTIES LABELS "tui;hardware" TIMEOUT 300
        ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin;USBDEV_SERVE=$<TARGET_FILE:usbdev-serve>;USB_DATA_DIR=${CMAKE_CURRENT_LIST_DIR}/usb")
    endif()
  else()
    message(STATUS "umockdev not found: test_usb is not built (install umockdev libumockdev-dev)")
  endif()
endif()
