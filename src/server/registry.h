// Maps command table entries to their handlers. Each family registers its commands by name at start-up;
// a command in the table without a handler is answered as unknown, exactly as Redis would answer it.
#pragma once

#include <string_view>
#include <unordered_map>

#include "cmd/spec.h"
#include "server/context.h"

namespace codis::server {

class Registry {
 public:
  // name is "get" or "config|get"; aborts at start-up if the table has no such command (a bug).
  void add(std::string_view name, Handler h);
  Handler find(const cmd::CommandSpec* spec) const {
    auto it = handlers_.find(spec);
    return it == handlers_.end() ? nullptr : it->second;
  }
  size_t size() const { return handlers_.size(); }

 private:
  std::unordered_map<const cmd::CommandSpec*, Handler> handlers_;  // looked up only, never iterated
};

// Every family's registration function (families/*.cc).
void register_string_family(Registry& r);
void register_key_family(Registry& r);
void register_server_family(Registry& r);
void register_list_family(Registry& r);
void register_hash_family(Registry& r);
void register_set_family(Registry& r);
void register_pubsub_family(Registry& r);
void register_dump_family(Registry& r);
void register_zset_family(Registry& r);
void register_bit_family(Registry& r);
void register_hll_family(Registry& r);
void register_introspection_family(Registry& r);
void register_sort_family(Registry& r);
void register_debug_family(Registry& r);
void register_slot_family(Registry& r);
void register_slot_migration_family(Registry& r);
void register_slot_migration_async_family(Registry& r);
void register_slot_restore_async_family(Registry& r);
void register_persist_family(Registry& r);
void register_all_families(Registry& r);

}  // namespace codis::server
