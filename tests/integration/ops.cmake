# brigade-server as an administrator runs it (test_server_ops.py), and the
# Debian packages built, checked by lintian, unpacked and started
# (test_packages.py). Both run on Debian's own python3, where
# python3-prometheus-client is installed.
find_program(BRIGADE_DEBIAN_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT BRIGADE_DEBIAN_PYTHON)
  set(BRIGADE_DEBIAN_PYTHON ${Python3_EXECUTABLE})
endif()
if(TARGET brigade-client)   # session.cmake builds session_probe
  add_test(NAME server_ops
    COMMAND ${BRIGADE_DEBIAN_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_server_ops.py -v)
  set_tests_properties(server_ops PROPERTIES LABELS integration TIMEOUT 300
    ENVIRONMENT "BRIGADE_BIN=${CMAKE_BINARY_DIR}/bin")
endif()
# packages are never built with sanitizers: the plain build checks them
if(NOT BRIGADE_SANITIZE AND NOT BRIGADE_FUZZ)
  add_test(NAME packages
    COMMAND ${BRIGADE_DEBIAN_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_packages.py -v)
  set_tests_properties(packages PROPERTIES LABELS integration TIMEOUT 900
    ENVIRONMENT "BRIGADE_SOURCE=${PROJECT_SOURCE_DIR};BRIGADE_PACKAGE_DIR=${CMAKE_BINARY_DIR}/deb")
endif()
