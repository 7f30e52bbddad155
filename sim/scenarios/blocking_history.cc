#include "sim/scenarios/blocking_history.h"

#include <algorithm>
#include <limits>
#include <set>

namespace codis::sim {

namespace {

constexpr rt::MonoTime kForever = rt::MonoTime::max();

int64_t ms_of(rt::MonoTime t) {
  return std::chrono::duration_cast<rt::milliseconds>(t.time_since_epoch()).count();
}

std::string window(rt::MonoTime from, rt::MonoTime until) {
  return "[" + std::to_string(ms_of(from)) + " ms, " +
         (until == kForever ? std::string("the end") : std::to_string(ms_of(until)) + " ms") + ")";
}

const char* claim_name(BlockingHistory::Claim c) {
  switch (c) {
    case BlockingHistory::Claim::kEmpty:
      return "nothing";
    case BlockingHistory::Claim::kNoneBelow:
      return "nothing lower than";
    case BlockingHistory::Claim::kNoneAbove:
      return "nothing higher than";
  }
  return "";
}

}  // namespace

std::optional<int> BlockingHistory::key_index(const std::string& name) const {
  auto it = std::find(keys_.begin(), keys_.end(), name);
  if (it == keys_.end()) {
    return std::nullopt;
  }
  return static_cast<int>(it - keys_.begin());
}

void BlockingHistory::pushing(const std::string& name, int k, uint64_t life, double score) {
  Element& e = elements_[name];
  e.key = k;
  e.life = life;
  e.score = score;
}

void BlockingHistory::acked(const std::string& name, rt::MonoTime at) {
  Element& e = elements_[name];
  e.acked = true;
  if (!e.touched) {  // a pop may have named it before the push's own reply came
    e.certain = true;
    e.since = at;
  }
}

uint64_t BlockingHistory::begin(uint64_t life, std::vector<int> keys, int move_to, rt::MonoTime sent) {
  const uint64_t id = next_op_++;
  inflight_.emplace(id, Op{life, std::move(keys), move_to, sent});
  return id;
}

void BlockingHistory::settled(uint64_t op) {
  auto it = inflight_.find(op);
  if (it == inflight_.end()) {
    return;
  }
  const Op o = it->second;
  inflight_.erase(it);
  if (o.move_to < 0) {
    return;
  }
  // Each element that appeared in the destination unnamed needs a move that never named anything.
  const auto g = ghosts_.find({o.life, o.keys[0], o.move_to});
  if (g == ghosts_.end() || g->second == 0) {
    return;
  }
  int64_t open = 0;
  for (const auto& [id, p] : inflight_) {
    open += p.life == o.life && p.move_to == o.move_to && p.keys[0] == o.keys[0];
  }
  if (g->second > open) {
    report_(std::to_string(g->second) + " elements appeared in " + key(o.move_to) + " from " +
            key(o.keys[0]) + " unnamed, but only " + std::to_string(open) + " moves are unanswered");
  }
}

void BlockingHistory::close_stint(Element& e, rt::MonoTime until) {
  if (e.certain) {
    e.stints.push_back(Stint{e.key, e.since, until});
    e.certain = false;
  }
}

bool BlockingHistory::explain(const std::string& who, const std::string& name, Element& e, int k) {
  int64_t open = 0;
  rt::MonoTime earliest = kForever;
  for (const auto& [id, o] : inflight_) {
    if (o.life == e.life && o.move_to == k && o.keys[0] == e.key) {
      ++open;
      earliest = std::min(earliest, o.sent);
    }
  }
  int64_t& used = ghosts_[{e.life, e.key, k}];
  if (used >= open) {
    report_(who + ": found " + name + " in " + key(k) + ", but it went to " + key(e.key) +
            " and no unanswered move from there is left to have taken it");
    return false;
  }
  ++used;
  close_stint(e, earliest);  // it left no earlier than the first such move was sent
  e.ghost_from = e.key;
  e.key = k;
  return true;
}

bool BlockingHistory::popped(const std::string& who, const std::string& name, int k, rt::MonoTime sent,
                             std::optional<double> score) {
  auto it = elements_.find(name);
  if (it == elements_.end()) {
    report_(who + ": popped " + name + " from " + key(k) + ", which was never pushed");
    return false;
  }
  Element& e = it->second;
  if (e.delivered) {
    report_(who + ": " + name + " was delivered twice");
    return false;
  }
  if (e.key != k && !explain(who, name, e, k)) {
    return false;
  }
  if (score && *score != e.score) {
    report_(who + ": popped " + name + " with score " + std::to_string(*score) + ", but it was added with " +
            std::to_string(e.score));
    return false;
  }
  e.touched = true;
  close_stint(e, sent);
  e.delivered = true;
  return true;
}

bool BlockingHistory::moved(const std::string& who, const std::string& name, int from, int to,
                            rt::MonoTime sent, rt::MonoTime received) {
  auto it = elements_.find(name);
  if (it == elements_.end()) {
    report_(who + ": moved " + name + " from " + key(from) + ", which was never pushed");
    return false;
  }
  Element& e = it->second;
  e.touched = true;
  if (e.key == to && e.ghost_from == from) {
    // Seen in (or popped from) the destination before this reply named it: this is the move that put it
    // there.
    --ghosts_[{e.life, from, to}];
    e.ghost_from = -1;
    return true;
  }
  if (e.delivered) {
    report_(who + ": moved " + name + ", which was already delivered");
    return false;
  }
  if (e.key != from && !explain(who, name, e, from)) {
    return false;
  }
  close_stint(e, sent);
  e.key = to;
  e.ghost_from = -1;
  e.certain = true;  // moved by the time its reply came
  e.since = received;
  return true;
}

void BlockingHistory::claim(uint64_t life, int k, Claim c, rt::MonoTime sent, rt::MonoTime received,
                            double score, std::string member) {
  claims_[k].push_back(ClaimRec{life, c, sent, received, score, std::move(member)});
}

bool BlockingHistory::violates(const ClaimRec& c, const std::string& name, const Element& e) const {
  switch (c.c) {
    case Claim::kEmpty:
      return true;
    case Claim::kNoneBelow:
      return e.score < c.score || (e.score == c.score && name < c.member);
    case Claim::kNoneAbove:
      return e.score > c.score || (e.score == c.score && name > c.member);
  }
  return false;
}

void BlockingHistory::finish(uint64_t life, const std::map<int, std::vector<std::string>>& present) {
  std::set<std::string> there;
  for (const auto& [k, names] : present) {
    for (const auto& name : names) {
      auto it = elements_.find(name);
      if (it == elements_.end()) {
        report_(key(k) + " holds " + name + ", which was never pushed");
        continue;
      }
      Element& e = it->second;
      if (e.delivered) {
        report_(key(k) + " still holds " + name + ", which was delivered");
        continue;
      }
      if (e.key != k && !explain("at the end", name, e, k)) {
        continue;
      }
      there.insert(name);
      if (e.life == life) {
        close_stint(e, kForever);
      }
    }
  }

  // Missing: acknowledged, never delivered, not there. Each needs an unanswered pop or move on its key.
  std::map<int, int64_t> missing, budget;
  for (const auto& [name, e] : elements_) {
    if (e.life == life && e.acked && !e.delivered && there.count(name) == 0) {
      ++missing[e.key];
    }
  }
  for (const auto& [id, o] : inflight_) {
    if (o.life != life) {
      continue;
    }
    if (o.move_to >= 0) {
      ++budget[o.keys[0]];
    } else {
      for (int k : std::set<int>(o.keys.begin(), o.keys.end())) {
        ++budget[k];
      }
    }
  }
  for (const auto& [g, n] : ghosts_) {
    if (std::get<0>(g) == life) {
      budget[std::get<1>(g)] -= n;
    }
  }
  for (const auto& [k, n] : missing) {
    if (n > budget[k]) {
      report_(key(k) + ": " + std::to_string(n) +
              " acknowledged elements were never delivered and are gone, but only " +
              std::to_string(budget[k]) + " pops had an unknown outcome");
    }
  }

  // The claims, against every element surely present over a whole claim's window.
  for (auto& [k, cs] : claims_) {
    std::sort(cs.begin(), cs.end(), [](const ClaimRec& a, const ClaimRec& b) { return a.sent < b.sent; });
  }
  for (const auto& [name, e] : elements_) {
    for (const Stint& s : e.stints) {
      auto cit = claims_.find(s.key);
      if (cit == claims_.end()) {
        continue;
      }
      const auto& cs = cit->second;
      auto c = std::upper_bound(cs.begin(), cs.end(), s.from,
                                [](rt::MonoTime t, const ClaimRec& r) { return t < r.sent; });
      for (; c != cs.end() && c->sent < s.until; ++c) {
        if (c->life == e.life && c->received < s.until && violates(*c, name, e)) {
          std::string what = claim_name(c->c);
          if (c->c != Claim::kEmpty) {
            what += " " + c->member + " (" + std::to_string(c->score) + ")";
          }
          report_("a pop on " + key(s.key) + " sent at " + std::to_string(ms_of(c->sent)) +
                  " ms and answered at " + std::to_string(ms_of(c->received)) + " ms found " + what +
                  " there, but " + name + " (" + std::to_string(e.score) + ") was there over " +
                  window(s.from, s.until));
          return;
        }
      }
    }
  }
}

}  // namespace codis::sim
