#include "server/slots/free_later.h"

#include "rt/sleep.h"
#include "server/server.h"

namespace codis::server {
namespace {

rt::Task<void> run_lazy_free(Server* s) {
  LazyFree& lf = s->migrations().lazy_free();
  while (lf.step()) {
    co_await rt::yield(s->env().exec);
  }
  lf.running = false;
}

}  // namespace

void free_later(Server& s, Object o) {
  LazyFree& lf = s.migrations().lazy_free();
  lf.add(std::move(o));
  if (!lf.empty() && !lf.running) {
    lf.running = s.spawn(run_lazy_free(&s));
    if (!lf.running) {
      while (lf.step()) {
      }
    }
  }
}

}  // namespace codis::server
