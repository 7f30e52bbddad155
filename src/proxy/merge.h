// Puts the replies of a split or fanned-out command back together as one reply to the client, as one Redis
// would have answered: MGET's arrays in the client's key order, DEL's counts summed, MSET's OKs as one.
#pragma once

#include <string>

#include "proxy/job.h"

namespace codis::proxy {

// The client's reply for a job whose calls are all done. A call that failed (an error reply) makes the
// whole reply that error, the first one in call order, as the command would fail on one server.
std::string merge_replies(const Job& job);

}  // namespace codis::proxy
