# brigade-pos driven in tmux against a real server and virtual printers.
find_package(Python3 COMPONENTS Interpreter)
find_program(TMUX_PROGRAM tmux)
if(TARGET brigade-pos AND Python3_FOUND AND TMUX_PROGRAM)
  foreach(t sale offline floor store manage terminals corrections rering reprint)
    add_test(NAME pos_${t}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_pos_${t}.py -v)
    set_tests_properties(pos_${t} PROPERTIES LABELS tui TIMEOUT 300
      ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")
  endforeach()
  # card payments through the payment terminal: the test terminal module
  # (tests/unit/drivers.cmake builds it) and the external terminal
  add_test(NAME pos_card
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_pos_card.py -v)
  set_tests_properties(pos_card PROPERTIES LABELS tui TIMEOUT 300
    ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin;BRIGADE_PAYTERM_TEST=$<$<TARGET_EXISTS:payterm_test>:$<TARGET_FILE:payterm_test>>")
  # two instances of one database on a private PostgreSQL cluster
  add_test(NAME pos_failover
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_pos_failover.py -v)
  set_tests_properties(pos_failover PROPERTIES LABELS "tui;postgresql" TIMEOUT 300
    ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")
  # README.md's "Your own restaurant", run word for word
  add_test(NAME readme_own_restaurant
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_readme_own_restaurant.py -v)
  set_tests_properties(readme_own_restaurant PROPERTIES LABELS tui TIMEOUT 300
    ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")
endif()
