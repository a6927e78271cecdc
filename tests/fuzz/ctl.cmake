# Fuzz target of brigadectl's menu file reader (and its writer, on whatever
# the reader takes).
if(TARGET brigadectl-menu)
  brigade_fuzz_target(fuzz_menucsv SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_menucsv.c
    LIBS brigadectl-menu)
endif()
