# The codis-server engine library (shared by the binary, tests, fuzzers and the simulator) and the binary.
add_library(codis_server STATIC
  ${CMAKE_CURRENT_LIST_DIR}/client_memory.cc
  ${CMAKE_CURRENT_LIST_DIR}/config.cc
  ${CMAKE_CURRENT_LIST_DIR}/glob.cc
  ${CMAKE_CURRENT_LIST_DIR}/info.cc
  ${CMAKE_CURRENT_LIST_DIR}/keyspace.cc
  ${CMAKE_CURRENT_LIST_DIR}/latency_histogram.cc
  ${CMAKE_CURRENT_LIST_DIR}/monitor.cc
  ${CMAKE_CURRENT_LIST_DIR}/object.cc
  ${CMAKE_CURRENT_LIST_DIR}/persist/persistence.cc
  ${CMAKE_CURRENT_LIST_DIR}/persist/rdb_load.cc
  ${CMAKE_CURRENT_LIST_DIR}/persist/rdb_save.cc
  ${CMAKE_CURRENT_LIST_DIR}/persist/slot_aux.cc
  ${CMAKE_CURRENT_LIST_DIR}/persist/snapshot.cc
  ${CMAKE_CURRENT_LIST_DIR}/pubsub.cc
  ${CMAKE_CURRENT_LIST_DIR}/registry.cc
  ${CMAKE_CURRENT_LIST_DIR}/server.cc
  ${CMAKE_CURRENT_LIST_DIR}/slot_table.cc
  ${CMAKE_CURRENT_LIST_DIR}/slots/slot_route.cc
  ${CMAKE_CURRENT_LIST_DIR}/slots/slot_states.cc
  ${CMAKE_CURRENT_LIST_DIR}/slots/cleanup.cc
  ${CMAKE_CURRENT_LIST_DIR}/slots/fence.cc
  ${CMAKE_CURRENT_LIST_DIR}/slots/free_later.cc
  ${CMAKE_CURRENT_LIST_DIR}/slots/key_stream.cc
  ${CMAKE_CURRENT_LIST_DIR}/slots/lazy_free.cc
  ${CMAKE_CURRENT_LIST_DIR}/slots/link.cc
  ${CMAKE_CURRENT_LIST_DIR}/slots/ownership.cc
  ${CMAKE_CURRENT_LIST_DIR}/stats.cc
)
# Every command family registers itself in registry.cc; a new family is one new file here.
file(GLOB codis_server_families CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/families/*.cc)
target_sources(codis_server PRIVATE ${codis_server_families})
target_link_libraries(codis_server PUBLIC codis_rt codis_resp codis_cmd codis_server_rdb codis_server_ds)

add_executable(codis-server ${CMAKE_CURRENT_LIST_DIR}/main.cc)
target_link_libraries(codis-server PRIVATE codis_server codis_rt_asio)
