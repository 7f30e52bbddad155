#include "server/registry.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cmd/table.h"

namespace codis::server {

void Registry::add(std::string_view name, Handler h) {
  const cmd::CommandSpec* spec = nullptr;
  auto bar = name.find('|');
  if (bar == std::string_view::npos) {
    spec = cmd::lookup(name);
  } else if (const cmd::CommandSpec* c = cmd::lookup(name.substr(0, bar))) {
    spec = cmd::lookup_subcommand(*c, name.substr(bar + 1));
  }
  if (spec == nullptr) {
    std::fprintf(stderr, "codis-server: bug: no command '%s' in the command table\n",
                 std::string(name).c_str());
    std::abort();
  }
  handlers_[spec] = h;
}

void register_all_families(Registry& r) {
  register_string_family(r);
  register_key_family(r);
  register_server_family(r);
  register_list_family(r);
  register_hash_family(r);
  register_set_family(r);
  register_pubsub_family(r);
  register_dump_family(r);
  register_zset_family(r);
  register_bit_family(r);
  register_hll_family(r);
  register_introspection_family(r);
  register_sort_family(r);
  register_debug_family(r);
  register_slot_family(r);
  register_slot_migration_family(r);
  register_slot_migration_async_family(r);
  register_slot_restore_async_family(r);
  register_persist_family(r);
}

}  // namespace codis::server
