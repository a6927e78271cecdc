# Helpers every test fragment uses.

# brigade_unit_test(NAME SOURCES ... [LIBS ...]): a cmocka test, one per file.
function(brigade_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE brigade-common PkgConfig::CMOCKA ${T_LIBS})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS unit)
endfunction()

# brigade_fuzz_target(NAME SOURCES ... LIBS ...). With -DBRIGADE_FUZZ=ON (and
# CC=clang) each target is a libFuzzer binary; otherwise it is built with a
# small replay driver and ctest replays its seed corpus (tests/fuzz/corpus/
# NAME/), so every crash ever found stays a test.
function(brigade_fuzz_target name)
  cmake_parse_arguments(F "" "" "SOURCES;LIBS" ${ARGN})
  if(BRIGADE_FUZZ)
    add_executable(${name} ${F_SOURCES})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  else()
    add_executable(${name} ${F_SOURCES} ${BRIGADE_TESTS_DIR}/fuzz/replay_main.c)
  endif()
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  add_test(NAME ${name} COMMAND ${name} ${BRIGADE_TESTS_DIR}/fuzz/corpus/${name})
  set_tests_properties(${name} PROPERTIES LABELS fuzz)
endfunction()
