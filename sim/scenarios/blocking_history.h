// What server_blocking's checker knows about the elements it pushed and the pops it saw, per server life:
// where each element is (a list, the move destination, a sorted set), since when it surely was there, and
// which element each reply named. Pops with no reply (the consumer's connection broke) are tolerated only
// as far as they can explain what is missing or what appeared elsewhere.
//
// Pop replies also make claims about a time window [sent, received]: a timeout claims its keys stayed
// empty, a multi-key pop served from key i claims keys 0..i-1 were empty, a BZPOPMIN claims nothing lower
// was in its set. The claims are judged at the end against every element whose presence over the whole
// window is certain (pushed and acknowledged before `sent`, removed by a command sent after `received` or
// still there at the end).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "rt/time.h"

namespace codis::sim {

class BlockingHistory {
 public:
  // A claim's predicate on an element of its key: kEmpty holds no element, kNoneBelow none ordered before
  // (score, member), kNoneAbove none after.
  enum class Claim { kEmpty, kNoneBelow, kNoneAbove };

  using Report = std::function<void(std::string)>;
  explicit BlockingHistory(std::vector<std::string> key_names, Report report)
      : keys_(std::move(key_names)), report_(std::move(report)) {}

  const std::string& key(int k) const { return keys_[static_cast<size_t>(k)]; }
  std::optional<int> key_index(const std::string& name) const;

  // A pusher is about to send `name` to key k (score for sorted sets); acked() when its reply came in the
  // same server life.
  void pushing(const std::string& name, int k, uint64_t life, double score);
  void acked(const std::string& name, rt::MonoTime at);

  // A consumer is about to send a pop on `keys` (a move's source is keys[0], to `move_to`); its outcome is
  // unknown until settled(). Returns the op's id.
  uint64_t begin(uint64_t life, std::vector<int> keys, int move_to, rt::MonoTime sent);
  void settled(uint64_t op);

  // A reply delivered `name` from key k (popped by a command sent at `sent`); `score` is checked for sorted
  // sets. False after reporting a violation.
  bool popped(const std::string& who, const std::string& name, int k, rt::MonoTime sent,
              std::optional<double> score);
  // A move reply: `name` went from `from` to `to` by a command sent at `sent`, answered at `received`.
  bool moved(const std::string& who, const std::string& name, int from, int to, rt::MonoTime sent,
             rt::MonoTime received);
  void claim(uint64_t life, int k, Claim c, rt::MonoTime sent, rt::MonoTime received, double score = 0,
             std::string member = "");

  // At the end: `present` lists what key k holds now in server life `life`. Checks that nothing
  // acknowledged is missing beyond what unanswered pops explain, then judges every claim.
  void finish(uint64_t life, const std::map<int, std::vector<std::string>>& present);

 private:
  struct Stint {
    int key;
    rt::MonoTime from, until;
  };
  struct Element {
    int key = 0;
    uint64_t life = 0;
    double score = 0;
    bool acked = false;
    bool certain = false;  // `since` is a time by which it surely was in `key`
    rt::MonoTime since{};
    bool delivered = false;
    bool touched = false;  // a reply named it (popped or moved)
    int ghost_from = -1;   // appeared in `key` by a move from this key whose reply never named it
    std::vector<Stint> stints;
  };
  struct Op {
    uint64_t life;
    std::vector<int> keys;
    int move_to;
    rt::MonoTime sent;
  };
  struct ClaimRec {
    uint64_t life;
    Claim c;
    rt::MonoTime sent, received;
    double score;
    std::string member;
  };

  // `e` (`name`) is found in key k though the record has it elsewhere: explained only by a move from its
  // key to k whose reply has not named it. False after reporting.
  bool explain(const std::string& who, const std::string& name, Element& e, int k);
  bool violates(const ClaimRec& c, const std::string& name, const Element& e) const;
  void close_stint(Element& e, rt::MonoTime until);

  std::vector<std::string> keys_;
  Report report_;
  std::map<std::string, Element> elements_;
  std::map<uint64_t, Op> inflight_;  // pops and moves whose reply has not come (yet or ever)
  uint64_t next_op_ = 0;
  std::map<std::tuple<uint64_t, int, int>, int64_t> ghosts_;  // (life, from, to) -> elements explained
  std::map<int, std::vector<ClaimRec>> claims_;               // by key
};

}  // namespace codis::sim
