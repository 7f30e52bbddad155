// Runs a case of the pipelined-proxy model property in a simulated world: three cluster-mode codis-servers
// owning a third of the slots each (kRanges), one codis-proxy (the real proxy::Proxy) whose routing table
// says the same, the case's clients pipelining through the proxy, and a fourth codis-server, plain, alone:
// the "one Redis" each client's commands are replayed on, one at a time. In-process, single-threaded,
// virtual time: the same case gives the same run.
#pragma once

#include <set>
#include <string>

#include "props/proxy/pipeline_case.h"

namespace codis::proxy::model {

// "" when every client got, in order, exactly the replies one Redis gives its commands run alone (clients
// use disjoint keys) and the proxy never met a redirect (its table is right, so none is due); otherwise
// the first difference or what went wrong. `bugs` plants deliberate bugs (rt::Executor::planted).
std::string run_case(const Case& c, const std::set<std::string, std::less<>>& bugs = {});

}  // namespace codis::proxy::model
