// Executing and comparing one stream (see runner.h).
#include "tests/server_diff/runner.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "tests/server_diff/digest.h"

namespace codis::diff {
namespace {

using resp::Kind;
using resp::Value;

std::string shorten(std::string s, size_t max) {
  if (s.size() > max) s = s.substr(0, max) + "...(" + std::to_string(s.size()) + " chars)";
  return s;
}

// ZUNION parses its weight with string2d, which sets errno to 0; the key is never used by a stream.
const std::vector<std::string> kErrnoReset = {"ZUNION", "1", "{server_diff}none", "WEIGHTS", "1"};

bool clears_errno_first(const std::vector<std::string>& argv) {
  const std::string name = to_upper(argv[0]);
  return name == "SORT" || name == "SORT_RO";
}

bool is_simple(const Value& v, std::string_view text) {
  return v.kind == Kind::kSimpleString && v.str == text;
}

// Members a SPOP reply returned: one bulk string or an array/set of them.
std::vector<std::string> popped(const Value& v) {
  std::vector<std::string> out;
  if (v.kind == Kind::kBulkString) out.push_back(v.str);
  if (v.is_aggregate()) {
    for (const Value& e : v.elems) out.push_back(e.str);
  }
  return out;
}

}  // namespace

StreamOutcome Runner::run(const std::vector<Command>& stream, int protocol) {
  StreamOutcome out;
  records_.clear();
  queued_.clear();
  in_multi_ = false;
  ref_resets_.clear();
  ref_dump_.clear();
  sub_dump_.clear();
  if (!setup(protocol, out)) return out;
  size_t i = 0;
  while (i < stream.size()) {
    std::vector<const Command*> batch;
    while (i < stream.size() && batch.size() < pipeline_ && !stream[i].argv.empty() &&
           !needs_runner_steps(mode_for(stream[i].argv).mode)) {
      batch.push_back(&stream[i++]);
      if (to_upper(batch.back()->argv[0]) == "EXEC") break;  // a SPOP in it may need a restore
    }
    if (batch.empty() ? !step(stream[i++], out) : !run_batch(batch, out)) break;
  }
  if (out.ok) digest_check(out);
  if (!out.ok && !out.transport_failure) out.report += keyspace_summary();
  ref_.close();
  sub_.close();
  return out;
}

bool Runner::setup(int protocol, StreamOutcome& out) {
  std::string error;
  if (!ref_.connect(ref_ep_.host, ref_ep_.port, error) || !sub_.connect(sub_ep_.host, sub_ep_.port, error)) {
    out.ok = false;
    out.transport_failure = true;
    out.report = "  connect: " + error + "\n";
    return false;
  }
  Value r, s;
  if (protocol == 3) {
    // The HELLO reply names the server and its version: only errors matter here.
    if (!exchange({"HELLO", "3"}, {"HELLO", "3"}, r, s, out)) return false;
    if (!check("HELLO 3", "(setup)", r, s, r.is_error() || s.is_error() ? compare_shape(r, s) : "", {},
               out)) {
      return false;
    }
    records_.back().ref = records_.back().sub = "(server information)";
  }
  if (!exchange({"FLUSHALL"}, {"FLUSHALL"}, r, s, out)) return false;
  return check("FLUSHALL", "(setup)", r, s, r == s && is_simple(r, "OK") ? "" : "FLUSHALL failed", {}, out);
}

bool Runner::exchange(const std::vector<std::string>& ref_argv, const std::vector<std::string>& sub_argv,
                      Value& ref, Value& sub, StreamOutcome& out) {
  std::string error;
  out.exchanges++;
  // Both servers work at the same time: send to each, then read each.
  const char* who = "reference";
  bool ok = ref_.send(ref_argv, error);
  if (ok) {
    who = "subject";
    ok = sub_.send(sub_argv, error);
  }
  if (ok) {
    who = "reference";
    ok = ref_.read(ref, error);
  }
  if (ok) {
    who = "subject";
    ok = sub_.read(sub, error);
  }
  if (ok) return true;
  out.ok = false;
  out.transport_failure = true;
  out.report = history() + "  transport failure on the " + who + " at #" + std::to_string(records_.size()) +
               " " + to_display(Command{ref_argv}) + ": " + error + "\n";
  return false;
}

bool Runner::run_batch(const std::vector<const Command*>& batch, StreamOutcome& out) {
  std::string error;
  const char* who = "reference";
  bool ok = true;
  std::vector<bool> reset(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    const Command* c = batch[i];
    std::vector<std::string> ref_argv = c->argv, sub_argv = c->argv;
    resolve_dumps(*c, ref_argv, sub_argv);
    reset[i] = clears_errno_first(c->argv);
    if (reset[i]) ok = ok && ref_.send(kErrnoReset, error);
    ok = ok && ref_.send(ref_argv, error) && sub_.send(sub_argv, error);
  }
  std::vector<Value> r(batch.size()), s(batch.size()), resets(batch.size());
  for (size_t i = 0; ok && i < batch.size(); ++i) {
    if (reset[i]) ok = ref_.read(resets[i], error);
    ok = ok && ref_.read(r[i], error);
  }
  if (ok) who = "subject";
  for (size_t i = 0; ok && i < batch.size(); ++i) ok = sub_.read(s[i], error);
  out.exchanges += batch.size();
  if (!ok) {
    out.ok = false;
    out.transport_failure = true;
    out.report = history() + "  transport failure on the " + who + " in a pipeline of " +
                 std::to_string(batch.size()) + " commands starting with " + to_display(*batch[0]) + ": " +
                 error + "\n";
    return false;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (process(*batch[i], r[i], s[i], out, reset[i] ? &resets[i] : nullptr)) continue;
    if (i + 1 < batch.size()) {
      out.report += "  (pipelined: the next " + std::to_string(batch.size() - i - 1) +
                    " commands of the stream had also run, up to " + to_display(*batch.back()) + ")\n";
    }
    return false;
  }
  return true;
}

bool Runner::check(const std::string& display, const std::string& note, const Value& ref, const Value& sub,
                   const std::string& why, ModeChoice mode, StreamOutcome& out) {
  records_.push_back(
      {display, note, shorten(resp::to_display(ref), 300), shorten(resp::to_display(sub), 300)});
  out.checked++;
  if (ref.is_error()) out.errors++;
  if (why.empty()) return true;
  out.ok = false;
  records_.pop_back();
  out.report = history() + "  MISMATCH at #" + std::to_string(records_.size()) + " " + note +
               (note.empty() ? "" : " ") + display + "   [mode " + std::string(mode_name(mode.mode)) + "]\n" +
               "    reference: " + shorten(resp::to_display(ref), 4000) + "\n" +
               "    subject:   " + shorten(resp::to_display(sub), 4000) + "\n" + "    why: " + why + "\n";
  return false;
}

std::string Runner::history() const {
  std::string out =
      "  history (" + std::to_string(records_.size()) + " steps, fresh connections, after FLUSHALL):\n";
  for (size_t i = 0; i < records_.size(); ++i) {
    const Record& r = records_[i];
    out += "    #" + std::to_string(i) + " " + (r.note.empty() ? "" : r.note + " ") + r.command + "\n";
    out += "        -> " + r.ref + (r.sub == r.ref ? "" : "   (subject: " + r.sub + ")") + "\n";
  }
  return out;
}

// DEBUG DIGEST over fresh connections (the stream's may be inside MULTI, subscribed or blocked). Both
// digests count keys whose time has passed but that are still stored, and when those go differs: Redis's
// active expiry samples keys, ours deletes exactly the expired ones. So unequal digests are asked again
// a few times, a little later, when both servers' cycles have removed such keys, before they count as a
// mismatch. A reference that refuses DEBUG (enable-debug-command no in custom arguments) skips the check.
bool Runner::digest_check(StreamOutcome& out) {
  Client a, b;
  std::string error;
  Value r, s;
  const std::vector<std::string> digest = {"DEBUG", "DIGEST"};
  for (int attempt = 0;; ++attempt) {
    const bool connected = a.connected() || (a.connect(ref_ep_.host, ref_ep_.port, error) &&
                                             b.connect(sub_ep_.host, sub_ep_.port, error));
    out.exchanges++;
    if (!connected || !a.call(digest, r, error) || !subject_digest(b, s, error)) {
      out.ok = false;
      out.transport_failure = true;
      out.report = history() + "  DEBUG DIGEST after the stream: " + error + "\n";
      return false;
    }
    if (r.is_error()) return true;
    if (r == s || attempt == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
  }
  const std::string why =
      r == s ? ""
             : "the data sets differ:\n" +
                   (sub_servers_.empty() ? digest_difference(a, b) : servers_digest_difference(a));
  return check("DEBUG DIGEST", "(after the stream)", r, s, why, {}, out);
}

bool Runner::subject_digest(Client& b, Value& digest, std::string& error) {
  if (sub_servers_.empty()) return b.call({"DEBUG", "DIGEST"}, digest, error);
  std::vector<std::string> parts;
  for (const Endpoint& e : sub_servers_) {
    Client c;
    Value v;
    if (!c.connect(e.host, e.port, error) || !c.call({"DEBUG", "DIGEST"}, v, error)) return false;
    if (v.is_error()) {
      digest = v;
      return true;
    }
    parts.push_back(v.str);
  }
  const auto combined = combine_digests(parts);
  digest = combined ? Value::simple_string(*combined) : Value::error("unexpected DEBUG DIGEST replies");
  return true;
}

std::string Runner::servers_digest_difference(Client& a) {
  std::string out, error;
  std::vector<Client> servers(sub_servers_.size());
  std::set<std::string> keys;
  Value rk;
  if (!a.call({"KEYS", "*"}, rk, error)) return "      " + error + "\n";
  for (const Value& k : rk.elems) keys.insert(k.str);
  for (size_t i = 0; i < servers.size(); ++i) {
    Value sk;
    if (!servers[i].connect(sub_servers_[i].host, sub_servers_[i].port, error) ||
        !servers[i].call({"KEYS", "*"}, sk, error)) {
      return "      " + error + "\n";
    }
    for (const Value& k : sk.elems) keys.insert(k.str);
  }
  int lines = 0;
  for (const std::string& key : keys) {
    Value rd, rt;
    if (!a.call({"DEBUG", "DIGEST-VALUE", key}, rd, error) || !a.call({"TYPE", key}, rt, error)) {
      return out + "      " + error + "\n";
    }
    // DEBUG DIGEST also says whether a key has a TTL (not its value): compare that too.
    Value rttl;
    if (!a.call({"PTTL", key}, rttl, error)) return out + "      " + error + "\n";
    bool ttl_differs = false;
    std::vector<std::string> parts;
    std::string types;
    for (size_t i = 0; i < servers.size(); ++i) {
      Value d, t, ttl;
      if (!servers[i].call({"DEBUG", "DIGEST-VALUE", key}, d, error) ||
          !servers[i].call({"TYPE", key}, t, error) || !servers[i].call({"PTTL", key}, ttl, error)) {
        return out + "      " + error + "\n";
      }
      // A server that does not own the key's slot answers MOVED: only the owner's digest counts.
      if (t.is_error() || d.is_error()) continue;
      parts.push_back(d.is_aggregate() && !d.elems.empty() ? d.elems[0].str : d.str);
      if (t.str != "none") types += " " + t.str + " on server " + std::to_string(i + 1);
      if (t.str != "none" && (ttl.num >= 0) != (rttl.num >= 0)) {
        ttl_differs = true;
        types += " with PTTL " + std::to_string(ttl.num) + " (reference " + std::to_string(rttl.num) + ")";
      }
    }
    const std::string ref_digest = rd.is_aggregate() && !rd.elems.empty() ? rd.elems[0].str : rd.str;
    const std::string sd = xor_digests(parts).value_or("?");
    if (ref_digest == sd && !ttl_differs) continue;
    out += "      db0 " + shorten(key, 60) + ": reference " + resp::to_display(rt) + " " + ref_digest +
           ", subject" + (types.empty() ? " none" : types) + " " + sd + "\n";
    if (++lines == 10) break;
  }
  if (!out.empty()) return out;
  out = "      (no key's value digest or TTL flag differs: expired keys, or keys outside database 0)\n";
  Value ref_info;
  if (!a.call({"INFO", "keyspace"}, ref_info, error)) return out + "      " + error + "\n";
  out += "      reference: " + shorten(ref_info.str, 300) + "\n";
  for (size_t i = 0; i < servers.size(); ++i) {
    Value info, digest;
    if (!servers[i].call({"INFO", "keyspace"}, info, error) ||
        !servers[i].call({"DEBUG", "DIGEST"}, digest, error)) {
      return out + "      " + error + "\n";
    }
    out += "      server " + std::to_string(i + 1) + ": DEBUG DIGEST " + digest.str + ", " +
           shorten(info.str, 300) + "\n";
  }
  return out;
}

// The keys whose DEBUG DIGEST-VALUE differs, per database (at most 10 lines), to start the search with.
std::string Runner::digest_difference(Client& a, Client& b) {
  std::string out, error;
  int lines = 0;
  for (int db = 0; db < 16 && lines < 10; ++db) {
    Value ignored, rk, sk;
    const std::vector<std::string> select = {"SELECT", std::to_string(db)};
    if (!a.call(select, ignored, error) || !b.call(select, ignored, error) ||
        !a.call({"KEYS", "*"}, rk, error) || !b.call({"KEYS", "*"}, sk, error)) {
      return out + "      " + error + "\n";
    }
    std::set<std::string> keys;
    for (const Value* v : {&rk, &sk}) {
      for (const Value& k : v->elems) keys.insert(k.str);
    }
    for (const std::string& key : keys) {
      Value rd, sd, rt, st;
      if (!a.call({"DEBUG", "DIGEST-VALUE", key}, rd, error) ||
          !b.call({"DEBUG", "DIGEST-VALUE", key}, sd, error) || !a.call({"TYPE", key}, rt, error) ||
          !b.call({"TYPE", key}, st, error)) {
        return out + "      " + error + "\n";
      }
      if (rd == sd) continue;
      out += "      db" + std::to_string(db) + " " + shorten(key, 60) + ": reference " +
             resp::to_display(rt) + " " + resp::to_display(rd) + ", subject " + resp::to_display(st) + " " +
             resp::to_display(sd) + "\n";
      if (++lines == 10) break;
    }
  }
  return out.empty() ? "      (no key's value digest differs: expired keys or the database numbers)\n" : out;
}

std::string Runner::keyspace_summary() {
  std::string out = "  keyspace after the mismatch (DBSIZE, KEYS * per database):\n";
  Client a, b;
  std::string error;
  if (!a.connect(ref_ep_.host, ref_ep_.port, error) || !b.connect(sub_ep_.host, sub_ep_.port, error)) {
    return out + "    " + error + "\n";
  }
  const std::vector<const char*> dbs =
      sub_servers_.empty() ? std::vector<const char*>{"0", "1", "2"} : std::vector<const char*>{"0"};
  for (const char* db : dbs) {
    Value r, s, ignored;
    for (auto* c : {&a, &b}) {
      if (!c->call({"SELECT", db}, ignored, error)) return out + "    " + error + "\n";
    }
    for (const char* cmd : {"DBSIZE", "KEYS"}) {
      std::vector<std::string> argv = {cmd};
      if (std::string_view(cmd) == "KEYS") argv.push_back("*");
      if (!a.call(argv, r, error) || !b.call(argv, s, error)) return out + "    " + error + "\n";
      if (r.is_aggregate())
        std::sort(r.elems.begin(), r.elems.end(),
                  [](const Value& x, const Value& y) { return x.str < y.str; });
      if (s.is_aggregate())
        std::sort(s.elems.begin(), s.elems.end(),
                  [](const Value& x, const Value& y) { return x.str < y.str; });
      out += "    db" + std::string(db) + " " + cmd + ": reference " + shorten(resp::to_display(r), 500) +
             (r == s ? ", subject the same" : ", subject " + shorten(resp::to_display(s), 500)) + "\n";
    }
  }
  return out;
}

void Runner::resolve_dumps(const Command& c, std::vector<std::string>& ref_argv,
                           std::vector<std::string>& sub_argv) const {
  // RESTORE $DUMP(...): each server gets the payload the stand-in names.
  for (size_t i = 0; i < c.argv.size(); ++i) {
    if (c.argv[i] == kDumpOfReference) {
      ref_argv[i] = sub_argv[i] = ref_dump_;
    } else if (c.argv[i] == kDumpSwapped) {
      ref_argv[i] = sub_dump_;
      sub_argv[i] = ref_dump_;
    }
  }
}

bool Runner::step(const Command& c, StreamOutcome& out) {
  if (c.argv.empty()) return true;
  if (!in_multi_) {
    const ModeChoice mode = mode_for(c.argv);
    switch (mode.mode) {
      case Mode::kScan:
        return scan_step(c, out);
      case Mode::kRandomMembers:
      case Mode::kRandomPairs:
      case Mode::kPopRestore:
        return random_step(c, mode, out);
      case Mode::kLexRange:
        return lex_step(c, mode, out);
      case Mode::kIdleTime:
        return idle_step(c, mode, out);
      default:
        break;
    }
  }
  std::vector<std::string> ref_argv = c.argv, sub_argv = c.argv;
  resolve_dumps(c, ref_argv, sub_argv);
  Value r, s;
  return exchange(ref_argv, sub_argv, r, s, out) && process(c, r, s, out);
}

bool Runner::process(const Command& c, const Value& r, const Value& s, StreamOutcome& out,
                     const Value* reset) {
  const std::string name = to_upper(c.argv[0]);
  const ModeChoice mode = mode_for(c.argv);
  if (in_multi_ && name != "EXEC" && name != "DISCARD") {
    // The reference queued a kErrnoReset just before this command.
    if (reset != nullptr && is_simple(*reset, "QUEUED")) {
      ref_resets_.push_back(queued_.size() + ref_resets_.size());
    }
    // Queued: the reply is +QUEUED or an immediate error; the real replies come with EXEC.
    if (!check(to_display(c), "", r, s, compare_replies({}, c.argv, r, s, nullptr), {}, out)) return false;
    if (is_simple(r, "QUEUED")) queued_.push_back({c.argv, mode});
    return true;
  }
  if (name == "EXEC" && in_multi_) return exec_replies(c, r, s, out);
  if (!check(to_display(c), "", r, s, compare_replies(mode, c.argv, r, s, nullptr), mode, out)) return false;
  if (mode.mode == Mode::kDump) {
    ref_dump_ = r.kind == Kind::kBulkString ? r.str : "";
    sub_dump_ = s.kind == Kind::kBulkString ? s.str : "";
  }
  if (name == "MULTI" && is_simple(r, "OK")) {
    in_multi_ = true;
    queued_.clear();
    ref_resets_.clear();
  } else if (name == "DISCARD") {
    in_multi_ = false;
    ref_resets_.clear();
  }
  return true;
}

bool Runner::exec_replies(const Command& c, const Value& ref, const Value& s, StreamOutcome& out) {
  in_multi_ = false;
  Value r = ref;
  if (r.is_aggregate() && r.elems.size() == queued_.size() + ref_resets_.size()) {
    for (auto at = ref_resets_.rbegin(); at != ref_resets_.rend(); ++at) {
      r.elems.erase(r.elems.begin() + static_cast<std::ptrdiff_t>(*at));
    }
  }
  ref_resets_.clear();
  std::string why;
  if (r.is_aggregate() && s.is_aggregate() && r.kind == s.kind && r.elems.size() == queued_.size() &&
      s.elems.size() == queued_.size()) {
    for (size_t i = 0; i < queued_.size() && why.empty(); ++i) {
      const Queued& q = queued_[i];
      // Modes that need a content query or several calls can only be checked by shape in a transaction.
      const std::string w = needs_runner_steps(q.mode.mode)
                                ? compare_shape(r.elems[i], s.elems[i])
                                : compare_replies(q.mode, q.argv, r.elems[i], s.elems[i], nullptr);
      if (!w.empty()) why = "element " + std::to_string(i) + " (" + to_display(Command{q.argv}) + "): " + w;
    }
  } else {
    why = compare_replies({}, c.argv, r, s, nullptr);
  }
  if (!check(to_display(c), "", r, s, why, {}, out)) return false;
  // A SPOP in the transaction took different members on each server: put them back, as outside MULTI.
  if (r.is_aggregate() && s.is_aggregate() && r.elems.size() == queued_.size()) {
    for (size_t i = 0; i < queued_.size(); ++i) {
      if (queued_[i].mode.mode == Mode::kPopRestore && queued_[i].argv.size() >= 2) {
        if (!restore_popped(queued_[i].argv[1], r.elems[i], s.elems[i], out)) return false;
      }
    }
  }
  queued_.clear();
  return true;
}

bool Runner::random_step(const Command& c, ModeChoice mode, StreamOutcome& out) {
  Value r, s;
  if (c.argv.size() < 2) {
    if (!exchange(c.argv, c.argv, r, s, out)) return false;
    return check(to_display(c), "", r, s, compare_replies({}, c.argv, r, s, nullptr), {}, out);
  }
  const std::string name = to_upper(c.argv[0]);
  const std::string& key = c.argv[1];
  std::vector<std::string> query;
  bool pairs = false;
  if (name == "HRANDFIELD") {
    query = {"HGETALL", key};
    pairs = true;
  } else if (name == "ZRANDMEMBER") {
    query = {"ZRANGE", key, "0", "-1", "WITHSCORES"};
    pairs = true;
  } else {
    query = {"SMEMBERS", key};
  }
  // The key's content just before, checked equal on both servers; membership is judged against it.
  if (!exchange(query, query, r, s, out)) return false;
  const ModeChoice query_mode{pairs ? Mode::kUnorderedPairs : Mode::kUnordered, 0};
  if (!check(to_display(Command{query}), "(content)", r, s, compare_replies(query_mode, query, r, s, nullptr),
             query_mode, out)) {
    return false;
  }
  const Content content = content_from(r, pairs);
  if (!exchange(c.argv, c.argv, r, s, out)) return false;
  if (!check(to_display(c), "", r, s, compare_replies(mode, c.argv, r, s, &content), mode, out)) return false;
  if (mode.mode == Mode::kPopRestore) return restore_popped(key, r, s, out);
  return true;
}

bool Runner::restore_popped(const std::string& key, const Value& ref, const Value& sub, StreamOutcome& out) {
  if (ref.is_error() || sub.is_error()) return true;
  std::vector<std::string> ref_argv = {"SADD", key}, sub_argv = {"SADD", key};
  for (std::string& m : popped(ref)) ref_argv.push_back(std::move(m));
  for (std::string& m : popped(sub)) sub_argv.push_back(std::move(m));
  if (ref_argv.size() == 2 && sub_argv.size() == 2) return true;
  Value r, s;
  // Each server gets its own members back, so the keyspaces agree again; SADD's count also proves that
  // the popped members were really removed.
  if (ref_argv.size() == 2) ref_argv = {"EXISTS", key};
  if (sub_argv.size() == 2) sub_argv = {"EXISTS", key};
  if (!exchange(ref_argv, sub_argv, r, s, out)) return false;
  return check("SADD " + key + " <the members this server popped>", "(restore)", r, s,
               compare_replies({}, {}, r, s, nullptr), {}, out);
}

bool Runner::lex_step(const Command& c, ModeChoice mode, StreamOutcome& out) {
  const size_t key_at = static_cast<size_t>(mode.param);
  Value r, s;
  if (c.argv.size() > key_at) {
    const std::vector<std::string> query = {"ZRANGE", c.argv[key_at], "0", "-1", "WITHSCORES"};
    if (!exchange(query, query, r, s, out)) return false;
    if (!check(to_display(Command{query}), "(content)", r, s, compare_replies({}, query, r, s, nullptr), {},
               out)) {
      return false;
    }
    std::set<std::string> scores;
    for (const auto& [member, score] : flatten_pairs(r)) scores.insert(score);
    if (scores.size() > 1) {
      // Not sent: both servers keep the same keyspace, and the stream goes on.
      records_.push_back({to_display(c), "(skipped: lex range over mixed scores is unspecified)",
                          "(not sent)", "(not sent)"});
      return true;
    }
  }
  if (!exchange(c.argv, c.argv, r, s, out)) return false;
  return check(to_display(c), "", r, s, compare_replies({}, c.argv, r, s, nullptr), mode, out);
}

bool Runner::idle_step(const Command& c, ModeChoice mode, StreamOutcome& out) {
  Value r, s;
  if (!exchange(c.argv, c.argv, r, s, out)) return false;
  const std::string why = compare_replies(mode, c.argv, r, s, nullptr);
  if (why.empty() || c.argv.size() != 3) return check(to_display(c), "", r, s, why, mode, out);
  // Redis stores the integers 0..9999 as shared objects: the one access clock of each moves with every
  // key holding that integer (and starts at server start), so such a key has no idle time of its own.
  const std::vector<std::string> query = {"OBJECT", "REFCOUNT", c.argv[2]};
  Value rq, sq;
  if (!exchange(query, query, rq, sq, out)) return false;
  if (rq.kind != Kind::kInteger || rq.num != 2147483647 || !(rq == sq)) {
    return check(to_display(c), "", r, s, why, mode, out);
  }
  records_.push_back({to_display(c), "(not compared: a shared integer)", shorten(resp::to_display(r), 300),
                      shorten(resp::to_display(s), 300)});
  return check(to_display(Command{query}), "(shared?)", rq, sq, "", {Mode::kTypeOnly, 0}, out);
}

bool Runner::scan_step(const Command& c, StreamOutcome& out) {
  const std::string name = to_upper(c.argv[0]);
  const size_t cursor_at = name == "SCAN" ? 1 : 2;
  Value r, s;
  if (c.argv.size() <= cursor_at || c.argv[cursor_at] != "0") {
    // Arity errors, bad cursors, or a walk that starts mid-table (cursors are the server's business).
    if (!exchange(c.argv, c.argv, r, s, out)) return false;
    return check(to_display(c), "", r, s, compare_shape(r, s), {Mode::kScan, 0}, out);
  }
  const bool pairs = name == "HSCAN" || name == "ZSCAN";
  if (!scan_all(ref_, c.argv, cursor_at, pairs, r, out, "reference")) return false;
  if (!scan_all(sub_, c.argv, cursor_at, pairs, s, out, "subject")) return false;
  return check(to_display(c), "(all cursors)", r, s, compare_replies({}, c.argv, r, s, nullptr),
               {Mode::kScan, 0}, out);
}

bool Runner::scan_all(Client& client, std::vector<std::string> argv, size_t cursor_at, bool pairs,
                      Value& result, StreamOutcome& out, const char* who) {
  std::set<std::string> seen;
  for (int calls = 0; calls < 100000; ++calls) {
    Value v;
    std::string error;
    out.exchanges++;
    if (!client.call(argv, v, error)) {
      out.ok = false;
      out.transport_failure = true;
      out.report = history() + "  transport failure on the " + who + " during " + to_display(Command{argv}) +
                   ": " + error + "\n";
      return false;
    }
    if (v.is_error()) {
      // The first call's error is compared as the reply; a later one is reported as it is.
      result = calls == 0 ? v : Value::error("error after " + std::to_string(calls) + " calls: " + v.str);
      return true;
    }
    if (v.kind != Kind::kArray || v.elems.size() != 2 || v.elems[0].kind != Kind::kBulkString ||
        !v.elems[1].is_aggregate()) {
      result = Value::error("malformed SCAN reply: " + resp::to_display(v));
      return true;
    }
    const std::vector<Value>& e = v.elems[1].elems;
    if (pairs) {
      for (size_t i = 0; i + 1 < e.size(); i += 2) seen.insert(e[i].str + " => " + e[i + 1].str);
    } else {
      for (const Value& x : e) seen.insert(x.str);
    }
    argv[cursor_at] = v.elems[0].str;
    if (argv[cursor_at] == "0") {
      std::vector<Value> elems;
      for (const std::string& x : seen) elems.push_back(Value::bulk(x));
      result = Value::array(std::move(elems));
      return true;
    }
  }
  result = Value::error("SCAN did not return cursor 0 within 100000 calls");
  return true;
}

}  // namespace codis::diff
