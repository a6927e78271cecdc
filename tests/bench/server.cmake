# Benchmark tools (not tests): built with the tree, run by tests/bench/*.sh.
add_executable(bench-fanout ${CMAKE_CURRENT_LIST_DIR}/fanout.c)
