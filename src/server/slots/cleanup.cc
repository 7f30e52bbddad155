#include "server/slots/cleanup.h"

#include <algorithm>
#include <string_view>

#include "rt/sleep.h"
#include "server/server.h"
#include "server/slots/fence.h"
#include "server/slots/link.h"

namespace codis::server {
namespace {

// Deletes the copies of keys[from...] on `to`; how many of them (from the front) are known gone, and in
// *why what stopped it short.
rt::Task<size_t> delete_copies(Server* s, const rt::Endpoint& to, int db,
                               const std::vector<std::string>& keys, size_t from, rt::Duration timeout,
                               std::string* why) {
  auto opened = co_await MigrationLink::open(s->env(), to, s->config().requirepass, db, timeout);
  if (!opened.ok()) {
    *why = "connecting: " + std::string(rt::errc_name(opened.error()));
    co_return 0;
  }
  MigrationLink& link = **opened;
  const rt::Endpoint local = link.local();
  auto fenced = co_await kill_fences(s->env(), s->migrations(), link, timeout);
  if (!fenced.ok()) {
    s->migrations().add_fence(to, local);
    *why = "killing fences: " + std::string(rt::errc_name(fenced.error()));
    co_return 0;
  }
  if (fenced->has_value()) {
    *why = "CLIENT KILL refused: " + (*fenced)->str;
    co_return 0;  // try again later
  }
  for (size_t i = from; i < keys.size(); ++i) {
    const std::string_view argv[] = {"SLOTSRESTORE-ASYNC", "del", keys[i]};
    link.queue(argv);
  }
  if (auto w = co_await link.flush(timeout); !w.ok()) {
    s->migrations().add_fence(to, local);
    *why = "sending: " + std::string(rt::errc_name(w.error()));
    co_return 0;
  }
  size_t gone = 0;
  for (size_t i = from; i < keys.size(); ++i) {
    auto r = co_await link.receive(timeout);
    if (!r.ok()) {
      s->migrations().add_fence(to, local);
      *why = "waiting for an ACK: " + std::string(rt::errc_name(r.error()));
      break;
    }
    const bool ack =
        r->kind == resp::Kind::kArray && r->elems.size() == 3 && r->elems[0].str == "SLOTSRESTORE-ASYNC-ACK";
    if (ack && r->elems[1].str == "0") {
      ++gone;
      continue;
    }
    // A target whose slot is neither owned nor importing takes no message for it (and closes the link):
    // it serves nothing of that slot, and drops what it holds there before it imports the slot again.
    if (ack && r->elems[2].str.starts_with("slot ")) {
      ++gone;
    }
    *why = "refused: " + (ack ? r->elems[2].str : r->str);
    break;
  }
  co_return gone;
}

rt::Task<void> run_clean_up(Server* s, rt::Endpoint to, int db, std::vector<std::string> keys,
                            rt::Duration timeout) {
  size_t done = 0;
  rt::Duration pause = rt::milliseconds(20);
  while (done < keys.size()) {
    std::string why;
    const size_t gone = co_await delete_copies(s, to, db, keys, done, timeout, &why);
    done += gone;
    if (!why.empty()) {
      s->env().log.notice("migration: deleting copies of " + std::to_string(keys.size() - done) + " keys (" +
                          keys[done < keys.size() ? done : 0] + "...) on " + to.to_string() + ": " + why);
    }
    if (gone == 0) {
      co_await rt::sleep_for(s->env().exec, pause);
      pause = std::min<rt::Duration>(pause * 2, rt::seconds(1));
      timeout = std::min<rt::Duration>(timeout * 2, rt::seconds(5));  // a slow network: be more patient
    }
  }
  s->migrations().end_flight(db, keys);
}

}  // namespace

void clean_up_copies(Server& s, rt::Endpoint to, int db, std::vector<std::string> keys,
                     rt::Duration timeout) {
  if (keys.empty()) {
    return;
  }
  if (s.env().exec.planted("mgrt-skip-cleanup") ||
      !s.spawn(run_clean_up(&s, std::move(to), db, keys, timeout))) {
    s.migrations().end_flight(db, keys);  // (keys was copied into the task, not moved)
  }
}

}  // namespace codis::server
