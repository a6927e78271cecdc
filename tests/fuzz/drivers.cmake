# Fuzz targets of libbrigade-drivers: the swipe parser and wedge detector,
# the encoder's text path, and the ESC/POS interpreter of the virtual printer.
if(TARGET brigade-drivers)
  brigade_fuzz_target(fuzz_swipe SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_swipe.c
    LIBS brigade-drivers)
  brigade_fuzz_target(fuzz_escpos_text SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_escpos_text.c
    LIBS brigade-drivers)
  brigade_fuzz_target(fuzz_render SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_render.c
    LIBS brigade-drivers)
endif()
