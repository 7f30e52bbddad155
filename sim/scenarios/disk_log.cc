// disk_log: one process on its own host keeps a DurableLog (sim/workloads/durable_log.h) and appends
// records to it continuously through every disk fault class: kill -9 (the page cache survives), power loss
// (unsynced writes lost or torn), failed writes and fsyncs (the dirty pages dropped from durability), read
// errors, bad regions and bit flips. After heal the log must acknowledge records again, and again after
// each of a few more power losses the scenario makes.
//
// The checker sees every record the log wrote and every acknowledgement, and judges each recovery by what
// it kept: (1) every acknowledged record is there with its exact bytes, unless the disk damaged the file
// (the simulator records the lowest damaged offset, SimFileData::damaged_from) at or before the end of its
// frame; (2) no record is there that was never written with exactly those bytes; (3) sequence numbers
// strictly increase.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "rt/sleep.h"
#include "sim/scenarios/disk_log.h"
#include "sim/workloads/durable_log.h"

namespace codis::sim {

namespace {

using rt::Task;

constexpr int kAcksAfterHeal = 20;  // before each power loss after heal, and after the last
constexpr int kFinalCuts = 3;
constexpr const char* kDir = "/data";

// The first bytes of a payload, printable (damaged bytes as \xNN).
std::string clip(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < 40; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
    }
  }
  return s.size() > 40 ? out + "..." : out;
}

class DiskLogScenario final : public Scenario, public LogObserver {
 public:
  explicit DiskLogScenario(const ScenarioOptions&) {}

  // The process and disk fault classes, each on in about half the seeds or more, at its own strength (swarm
  // testing: each seed a different mix). The network classes have nothing to hit: the log has no peers.
  void tune_faults(FaultPlan& p, rt::Random r) const override {
    const double crash = r.real01() * 0.5, host_crash = r.real01() * 0.5, werr = r.real01() * 0.01,
                 serr = r.real01() * 0.02, rerr = r.real01() * 0.02, bad = r.real01() * 0.3,
                 corrupt = r.real01() * 0.5;
    p.crash_per_s = r.chance(0.7) ? crash : 0;
    p.host_crash_per_s = r.chance(0.7) ? host_crash : 0;
    p.disk.write_error_chance = r.chance(0.5) ? werr : 0;
    p.disk.sync_error_chance = r.chance(0.6) ? serr : 0;
    p.disk.read_error_chance = r.chance(0.5) ? rerr : 0;
    p.bad_region_per_s = r.chance(0.4) ? bad : 0;
    p.corrupt_per_s = r.chance(0.5) ? corrupt : 0;
  }

  void setup(World& w) override {
    w_ = &w;
    final_cut_ = w.stream("disk-log-final-cut");
    host_ = &w.add_host("disk");
    proc_ = &w.add_process(*host_, "log", [this](rt::Env& env) { return log_main(env); });
    proc_->start();
  }

  void on_heal(World&) override { healed_ = true; }

  std::string pending(World&) const override {
    if (!healed_) {
      return "chaos";
    }
    const std::string cut = "power loss " + std::to_string(cuts_) + "/" + std::to_string(kFinalCuts);
    if (recovering_) {
      return "recovery after " + cut;
    }
    if (acks_since_ < kAcksAfterHeal || cuts_ < kFinalCuts) {
      return "acks " + std::to_string(acks_since_) + "/" + std::to_string(kAcksAfterHeal) + " since " +
             (cuts_ == 0 ? std::string("heal") : cut);
    }
    return "";
  }

  const std::vector<std::string>& violations() const override { return violations_; }

  // LogObserver: the checker's view of the log.
  void written(const LogRecord& r) override {
    written_.emplace(r.seq, r.payload);
    if (healed_ && !recovering_ && cuts_ < kFinalCuts && acks_since_ >= kAcksAfterHeal) {
      cut_power();
    }
  }

  void acked(const LogRecord& r) override {
    expected_.push_back(r);
    if (healed_ && !recovering_) {
      ++acks_since_;
    }
  }

  void recovered(const Recovery& rec) override {
    if (recovering_) {
      recovering_ = false;
      acks_since_ = 0;
    }
    // The file recovery read: its damage excuses losing what lay from there on.
    uint64_t damaged = UINT64_MAX;
    if (auto it = host_->disk->files().find(std::string(kDir) + "/log"); it != host_->disk->files().end()) {
      damaged = it->second->damaged_from;
    }
    const std::string how = "recovery stopped at " + std::string(stop_name(rec.stop)) + " after " +
                            std::to_string(rec.valid_end) + " of " + std::to_string(rec.file_size) + " bytes";
    std::map<uint64_t, const std::string*> got;
    uint64_t prev = 0;
    for (const LogRecord& r : rec.records) {
      if (r.seq <= prev) {
        violation("record seq " + std::to_string(r.seq) + " recovered after seq " + std::to_string(prev));
      }
      prev = r.seq;
      if (written_.count({r.seq, r.payload}) == 0) {
        violation("recovered record seq " + std::to_string(r.seq) + " at offset " + std::to_string(r.offset) +
                  " was never written with these bytes: '" + clip(r.payload) + "' (" + how + ")");
      }
      got[r.seq] = &r.payload;
    }
    std::vector<LogRecord> kept;  // a record lost where the disk damaged the file is no process's fault
    for (const LogRecord& a : expected_) {
      auto it = got.find(a.seq);
      if (it != got.end() && *it->second == a.payload) {
        kept.push_back(a);
      } else if (damaged >= a.offset + a.size) {
        violation("acknowledged record seq " + std::to_string(a.seq) + " (frame at " +
                  std::to_string(a.offset) + ", +" + std::to_string(a.size) + ") lost or changed; " + how +
                  ", the file " +
                  (damaged == UINT64_MAX ? std::string("undamaged")
                                         : "damaged only from " + std::to_string(damaged)));
      }
    }
    expected_ = std::move(kept);
  }

 private:
  void violation(std::string v) {
    if (violations_.size() < 10) {
      violations_.push_back(std::move(v));
    }
  }

  // A power loss after heal, within 0.6 ms of a record's write (a write or sync takes 10..200 us, so it often
  // lands between a batch's writes and the end of its sync, where a log that acknowledges early loses
  // acknowledged records). Scheduled apart: the observer runs inside the log's coroutine, which it destroys.
  void cut_power() {
    recovering_ = true;
    ++cuts_;
    const rt::MonoTime at =
        w_->now() + final_cut_.uniform(rt::Duration(0), rt::Duration(rt::microseconds(600)));
    w_->sched().schedule(at, 0, EventKind::kFault, [this] {
      w_->crash_host(*host_);
      w_->restart_host(*host_);
    });
  }

  Task<void> log_main(rt::Env& env) {
    DurableLog log(env, kDir, this);
    while (!(co_await log.open()).ok()) {
      co_await rt::sleep_for(env.exec, rt::milliseconds(50));
    }
    const uint64_t life = proc_->incarnation();
    for (;;) {
      co_await rt::sleep_for(env.exec, env.random.exponential(rt::Duration(rt::milliseconds(5))));
      std::vector<std::string> batch;
      const uint64_t n = env.random.uniform(1, 4);
      for (uint64_t i = 0; i < n; ++i) {
        // Unique per life and sequence number, so a number reused after a lost tail names other bytes.
        std::string p = std::to_string(life) + ":" + std::to_string(log.next_seq() + i) + ":";
        p.append(env.random.uniform(0, 48), static_cast<char>('a' + env.random.uniform(0, 25)));
        batch.push_back(std::move(p));
      }
      if (!(co_await log.append(std::move(batch))).ok()) {
        co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(10, 50)));
      }
    }
  }

  World* w_ = nullptr;
  Host* host_ = nullptr;
  Process* proc_ = nullptr;
  rt::Random final_cut_{0};
  std::set<std::pair<uint64_t, std::string>> written_;
  std::vector<LogRecord> expected_;  // acknowledged and, as far as the checker knows, still in the log
  bool healed_ = false;
  int cuts_ = 0;             // power losses after heal
  bool recovering_ = false;  // until the log recovers from the last of them
  int acks_since_ = 0;       // acknowledgements since heal or since that recovery
  std::vector<std::string> violations_;
};

}  // namespace

std::unique_ptr<Scenario> make_disk_log_scenario(const ScenarioOptions& o) {
  return std::make_unique<DiskLogScenario>(o);
}

}  // namespace codis::sim
