// Runs one command stream against the reference and the subject over fresh connections and compares
// every reply under its mode (compare_mode.h). Commands that need only their own replies are pipelined
// (both servers work at once); the others take runner steps: a content query before random commands and
// lex ranges, putting SPOP's members back, iterating SCAN cursors to the end, keeping DUMP payloads for
// RESTORE, asking OBJECT REFCOUNT when OBJECT IDLETIME differs, and checking EXEC replies element by
// element with each queued command's mode. After the stream the two data sets are compared with DEBUG
// DIGEST, so a write whose reply matched but whose effect did not is caught too.
// Redis's SORT reads errno after strtod without clearing it first, so an ERANGE left by an earlier command
// of the same pipeline fails it ("One or more scores can't be converted into double"); the reference gets
// kErrnoReset, a read of nothing that clears errno, right before every SORT, and its reply is dropped.
#pragma once

#include <string>
#include <vector>

#include "resp/value.h"
#include "tests/server_diff/client.h"
#include "tests/server_diff/command.h"
#include "tests/server_diff/compare.h"

namespace codis::diff {

struct Endpoint {
  std::string host;
  int port = 0;
};

struct StreamOutcome {
  bool ok = true;
  bool transport_failure = false;  // a connection broke or timed out: check the processes
  size_t exchanges = 0;            // commands sent to each server, runner steps included
  size_t checked = 0;              // replies compared
  size_t errors = 0;               // of which the reference answered with an error
  std::string report;              // on a mismatch: the history and both replies
};

class Runner {
 public:
  Runner(Endpoint reference, Endpoint subject, size_t pipeline = 32)
      : ref_ep_(std::move(reference)), sub_ep_(std::move(subject)), pipeline_(pipeline) {}

  // Connects afresh (so no connection state leaks between streams), switches to RESP3 if asked,
  // FLUSHALLs both servers, then runs the stream up to its end or its first mismatch.
  StreamOutcome run(const std::vector<Command>& stream, int protocol);
  // The subject is a proxy over these servers: the data set check asks each of them (digest.h), since
  // the proxy refuses DEBUG, and the reports show database 0 only.
  void set_subject_servers(std::vector<Endpoint> servers) { sub_servers_ = std::move(servers); }

 private:
  struct Record {
    std::string command;  // as displayed
    std::string note;     // "(content)", "(restore)", "(all cursors)"...
    std::string ref;
    std::string sub;
  };
  struct Queued {
    std::vector<std::string> argv;
    ModeChoice mode;
  };

  bool setup(int protocol, StreamOutcome& out);
  // Commands whose check needs only their own two replies are pipelined in batches (fewer round trips
  // on a loaded machine); the others go one by one through step().
  bool run_batch(const std::vector<const Command*>& batch, StreamOutcome& out);
  bool step(const Command& c, StreamOutcome& out);
  // Compares the replies of a command already sent (queued in MULTI, EXEC, or by its mode) and tracks
  // the transaction state and DUMP payloads.
  // `reset` is the reply to the kErrnoReset sent to the reference before c, if one was.
  bool process(const Command& c, const resp::Value& r, const resp::Value& s, StreamOutcome& out,
               const resp::Value* reset = nullptr);
  void resolve_dumps(const Command& c, std::vector<std::string>& ref_argv,
                     std::vector<std::string>& sub_argv) const;
  bool exchange(const std::vector<std::string>& ref_argv, const std::vector<std::string>& sub_argv,
                resp::Value& ref, resp::Value& sub, StreamOutcome& out);
  // Records the step and, if `why` is not empty, writes the mismatch report; returns why.empty().
  bool check(const std::string& display, const std::string& note, const resp::Value& ref,
             const resp::Value& sub, const std::string& why, ModeChoice mode, StreamOutcome& out);
  bool random_step(const Command& c, ModeChoice mode, StreamOutcome& out);
  bool restore_popped(const std::string& key, const resp::Value& ref, const resp::Value& sub,
                      StreamOutcome& out);
  bool scan_step(const Command& c, StreamOutcome& out);
  bool lex_step(const Command& c, ModeChoice mode, StreamOutcome& out);
  bool idle_step(const Command& c, ModeChoice mode, StreamOutcome& out);
  bool scan_all(Client& client, std::vector<std::string> argv, size_t cursor_at, bool pairs,
                resp::Value& result, StreamOutcome& out, const char* who);
  bool exec_replies(const Command& c, const resp::Value& r, const resp::Value& s, StreamOutcome& out);
  // After the stream: DEBUG DIGEST of both data sets must be equal (digest_check in runner.cc).
  bool digest_check(StreamOutcome& out);
  std::string digest_difference(Client& a, Client& b);
  // The subject's DEBUG DIGEST: its own, or its servers' combined.
  bool subject_digest(Client& b, resp::Value& digest, std::string& error);
  // The keys whose DEBUG DIGEST-VALUE on the reference differs from the subject servers' (proxy mode).
  std::string servers_digest_difference(Client& a);
  std::string history() const;
  // After a mismatch: DBSIZE and KEYS * of databases 0-2 on both servers, over fresh connections.
  std::string keyspace_summary();

  Endpoint ref_ep_, sub_ep_;
  std::vector<Endpoint> sub_servers_;  // behind the subject proxy; empty when the subject is a server
  size_t pipeline_;                    // most commands sent before reading their replies; 1 = no pipelining
  Client ref_, sub_;
  std::vector<Record> records_;
  bool in_multi_ = false;
  std::vector<Queued> queued_;
  // Where the reference's EXEC reply has the replies of kErrnoReset commands queued before SORTs.
  std::vector<size_t> ref_resets_;
  std::string ref_dump_, sub_dump_;
};

}  // namespace codis::diff
