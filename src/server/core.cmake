# The codis-server engine library (shared by the binary, tests, fuzzers and the simulator) and the binary.
add_library(codis_server STATIC
  ${CMAKE_CURRENT_LIST_DIR}/config.cc
  ${CMAKE_CURRENT_LIST_DIR}/glob.cc
  ${CMAKE_CURRENT_LIST_DIR}/info.cc
  ${CMAKE_CURRENT_LIST_DIR}/keyspace.cc
  ${CMAKE_CURRENT_LIST_DIR}/object.cc
  ${CMAKE_CURRENT_LIST_DIR}/registry.cc
  ${CMAKE_CURRENT_LIST_DIR}/server.cc
  ${CMAKE_CURRENT_LIST_DIR}/families/keys.cc
  ${CMAKE_CURRENT_LIST_DIR}/families/server_cmds.cc
  ${CMAKE_CURRENT_LIST_DIR}/families/strings.cc
)
target_link_libraries(codis_server PUBLIC codis_rt codis_resp codis_cmd)

add_executable(codis-server ${CMAKE_CURRENT_LIST_DIR}/main.cc)
target_link_libraries(codis-server PRIVATE codis_server codis_rt_asio)
