// Env: everything a component may use to touch the world, passed by reference to every constructor.
// There are no globals: the real runtime makes one Env per loop thread, the simulator one per process.
#pragma once

#include "rt/buggify.h"
#include "rt/clock.h"
#include "rt/disk.h"
#include "rt/executor.h"
#include "rt/log.h"
#include "rt/memory.h"
#include "rt/net.h"
#include "rt/random.h"

namespace codis::rt {

struct Env {
  Clock& clock;
  Executor& exec;
  Net& net;
  Disk& disk;
  Random& random;
  Buggify& buggify;
  Log& log;
  Memory& memory;
};

}  // namespace codis::rt
