// SAVE, BGSAVE [SCHEDULE] and LASTSAVE over the server's persistence (persist/persistence.h). SAVE waits
// for its file like Redis's, but other clients go on meanwhile: the file is the snapshot of the moment SAVE
// ran, whatever they write.
#include "server/families/util.h"
#include "server/persist/persistence.h"
#include "server/server.h"

namespace codis::server {

namespace {

void cmd_save(CommandContext& ctx) {
  Server& server = ctx.server;
  Persistence& p = server.persistence();
  if (p.in_progress()) {
    ctx.out.error("ERR Background save already in progress");
    return;
  }
  if (ctx.client.in_exec) {
    ctx.out.error("ERR SAVE inside MULTI/EXEC is not supported; use BGSAVE");  // EXEC cannot wait
    return;
  }
  const uint64_t id = ctx.client.id;
  const uint64_t ticket = server.suspend(ctx.client);
  const std::string error =
      p.start(Persistence::Kind::kForeground, [&server, id, ticket](const SaveOutcome& out) {
        server.finish(id, ticket, [&out](resp::ReplyWriter& w) {
          if (out.ok) {
            w.ok();
          } else {
            w.error("ERR " + out.error);
          }
        });
      });
  if (!error.empty()) {
    server.unblock(ctx.client);
    ctx.out.error(error);
  }
}

// BGSAVE [SCHEDULE]: Redis's bgsaveCommand. Inside EXEC (Redis cannot fork there) it is scheduled.
void cmd_bgsave(CommandContext& ctx) {
  bool schedule = false;
  if (ctx.argc() > 1) {
    if (ctx.argc() == 2 && iequals(ctx.arg(1), "schedule")) {
      schedule = true;
    } else {
      ctx.out.error(err::kSyntax);
      return;
    }
  }
  Persistence& p = ctx.server.persistence();
  if (p.in_progress()) {
    ctx.out.error("ERR Background save already in progress");
    return;
  }
  if (ctx.client.in_exec) {
    p.schedule();
    ctx.out.simple("Background saving scheduled");
    return;
  }
  (void)schedule;  // nothing else ever runs beside a save here, so SCHEDULE starts at once
  if (std::string error = p.start(Persistence::Kind::kBackground); !error.empty()) {
    ctx.out.error(error);
    return;
  }
  ctx.out.simple("Background saving started");
}

void cmd_lastsave(CommandContext& ctx) {
  ctx.out.integer(ctx.server.persistence().lastsave_s());
}

}  // namespace

void register_persist_family(Registry& r) {
  r.add("save", cmd_save);
  r.add("bgsave", cmd_bgsave);
  r.add("lastsave", cmd_lastsave);
}

}  // namespace codis::server
