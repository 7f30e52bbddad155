// Puts the replies of a split or fanned-out command back together as one reply to the client, as one Redis
// would have answered: MGET's arrays in the client's key order, DEL's counts summed, MSET's OKs as one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "proxy/job.h"

namespace codis::proxy {

// The client's reply for a job whose calls are all done. A call that failed (an error reply) makes the
// whole reply that error, the first one in call order, as the command would fail on one server.
std::string merge_replies(const Job& job);

// KEYS over every group: the groups' arrays as one (the first error instead, if any).
std::string concat_arrays(const Job& job);

// The raw elements of an array reply; false when `reply` is not one well-formed array.
bool split_array(std::string_view reply, std::vector<std::string_view>& out);

}  // namespace codis::proxy
