// Fences: before anything more is sent to a target, every earlier link to it whose last request got no
// reply is killed there (CLIENT KILL ADDR). That request (an old batch) may still be on its way, and landing
// after a newer batch it would put back old values over keys that moved and were written there since. Once
// CLIENT KILL has answered, nothing more from those links runs on the target.
#pragma once

#include <optional>

#include "resp/value.h"
#include "rt/env.h"
#include "rt/result.h"
#include "rt/task.h"
#include "server/slots/link.h"
#include "server/slots/migrations.h"

namespace codis::server {

// Kills the fences of link->peer() over `link` (not under the planted bug mgrt-skip-fence). The target's
// reply when it refused a kill (the link stays usable), an error when the link failed (a fence of its own
// then), nothing when all are gone.
rt::Task<rt::Result<std::optional<resp::Value>>> kill_fences(rt::Env& env, Migrations& m, MigrationLink& link,
                                                             rt::Duration timeout);

}  // namespace codis::server
