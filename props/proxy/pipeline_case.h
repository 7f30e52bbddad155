// One case of the pipelined-proxy model property (pipeline_props.cc): a world seed, the simulated network's
// delays, and 1-3 clients, each with its own keys and a pipeline of commands cut into batches that are
// written without waiting for the replies of earlier ones. gen_case() draws it; run_case (pipeline_world.h)
// runs it.
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace codis::proxy::model {

using Args = std::vector<std::string>;

// The slots of the three cluster servers: server i owns kRanges[i] (the proxy's table says the same).
struct SlotRange {
  uint32_t first = 0, last = 0;
};
inline constexpr SlotRange kRanges[3] = {{0, 340}, {341, 681}, {682, 1023}};

// After a batch is written, how many of the replies still owed the client reads before the next batch.
enum class Read { kNone, kSome, kAll };

struct Batch {
  std::vector<Args> commands;
  Read read = Read::kNone;
  int64_t pause_us = 0;  // then waits this long before writing the next batch
};

struct Client {
  int64_t start_us = 0;  // when it connects, after setup
  int protocol = 2;      // 3: it says HELLO 3 first (on the reference server too)
  std::vector<Batch> batches;
};

struct Case {
  uint64_t seed = 1;  // the world's: segmentation, latencies, same-time order
  // The simulated network (sim::NetParams): latencies, their tail, and how finely writes are cut.
  int64_t latency_min_us = 100, latency_max_us = 800;
  double tail_chance = 0;
  int64_t tail_max_us = 0;
  int64_t pair_extra_max_us = 0;
  size_t max_segment = 64 * 1024;
  size_t send_buffer_min = 64 * 1024, send_buffer_max = 4 * 1024 * 1024;  // unread bytes a connection holds
  bool shuffle_ties = false;
  std::vector<Client> clients;
};

// Client c's keys, disjoint from every other client's: strings, lists and hashes, each with plain keys on
// all three servers and one key under the client's hash tag (the tag's slot is where its MULTI blocks go).
struct KeyPools {
  std::vector<std::string> strings, lists, hashes;
  std::vector<std::string> tagged_strings;  // the tagged ones again, for MULTI and same-slot MGET/MSET
  std::string tagged_list, tagged_hash;
};
KeyPools key_pools(int client);

rc::Gen<Case> gen_case();

// A command as one line: "" for an empty argument, v*1000 for a long one.
std::string show_args(const Args& a);

void showValue(const Case& c, std::ostream& os);

}  // namespace codis::proxy::model
