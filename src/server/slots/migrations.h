// The migration state a server keeps between commands: which keys are on their way to another server (a
// write to one is refused with TRYAGAIN until the target acknowledged it or the move failed, so the copy
// that lands is the value that stays), and idle links to targets, reused by the next SLOTSMGRT* to the
// same target and database, and fences: links that failed with a batch whose fate is unknown, which must be
// killed on the target before anything more is sent there (a late copy of an old batch would otherwise
// overwrite the keys after they moved and were written on the target).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/slots/lazy_free.h"
#include "server/slots/link.h"

namespace codis::server {

struct AsyncBatch;

class Migrations {
 public:
  bool in_flight(int db, std::string_view key) const {
    return in_flight_.find(std::pair<int, std::string_view>(db, key)) != in_flight_.end();
  }
  bool any_in_flight() const { return !in_flight_.empty(); }
  void start_flight(int db, const std::vector<std::string>& keys) {
    for (const auto& k : keys) {
      in_flight_.emplace(db, k);
    }
  }
  void end_flight(int db, const std::vector<std::string>& keys) {
    for (const auto& k : keys) {
      if (auto it = in_flight_.find(std::pair<int, std::string_view>(db, k)); it != in_flight_.end()) {
        in_flight_.erase(it);
      }
    }
  }

  // The async batch running on `db` (SLOTSMGRT*-ASYNC), or null; set_async(db, nullptr) ends it.
  std::shared_ptr<AsyncBatch> async(int db) const {
    auto it = async_.find(db);
    return it == async_.end() ? nullptr : it->second;
  }
  void set_async(int db, std::shared_ptr<AsyncBatch> b) {
    if (b == nullptr) {
      async_.erase(db);
    } else {
      async_[db] = std::move(b);
    }
  }
  bool any_async() const { return !async_.empty(); }

  // Moved values waiting to be freed bit by bit.
  LazyFree& lazy_free() { return lazy_free_; }

  // An idle link to `to` on `db`, or null; the caller owns it while in use. A link idle for longer than
  // kLinkIdleMs is closed instead (the target may have dropped it as an idle client).
  std::unique_ptr<MigrationLink> take_link(const rt::Endpoint& to, int db, int64_t now_ms) {
    auto it = links_.find(link_key(to, db));
    if (it == links_.end()) {
      return nullptr;
    }
    auto link = std::move(it->second.link);
    const int64_t since = it->second.since_ms;
    links_.erase(it);
    return now_ms - since > kLinkIdleMs ? nullptr : std::move(link);
  }
  // Keeps a link that is still usable for the next move (one per target and database).
  void give_link(std::unique_ptr<MigrationLink> link, int64_t now_ms) {
    if (link != nullptr && link->usable()) {
      const std::string key = link_key(link->peer(), link->db());  // before the link moves out
      links_[key] = IdleLink{std::move(link), now_ms};
    }
  }
  static constexpr int64_t kLinkIdleMs = 60000;
  size_t idle_links() const { return links_.size(); }

  // A link to `to` whose last request got no reply: its client address on the target.
  void add_fence(const rt::Endpoint& to, const rt::Endpoint& link_local) {
    fences_[to.to_string()].insert(link_local.to_string());
  }
  // The fences still to kill on `to` before sending it anything ("host:port" each).
  std::vector<std::string> fences(const rt::Endpoint& to) const {
    auto it = fences_.find(to.to_string());
    return it == fences_.end() ? std::vector<std::string>{}
                               : std::vector<std::string>(it->second.begin(), it->second.end());
  }
  void clear_fence(const rt::Endpoint& to, const std::string& link_local) {
    if (auto it = fences_.find(to.to_string()); it != fences_.end()) {
      it->second.erase(link_local);
      if (it->second.empty()) {
        fences_.erase(it);
      }
    }
  }

 private:
  static std::string link_key(const rt::Endpoint& to, int db) {
    return to.to_string() + "/" + std::to_string(db);
  }

  struct Less {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return std::pair<int, std::string_view>(a.first, a.second) <
             std::pair<int, std::string_view>(b.first, b.second);
    }
  };
  std::set<std::pair<int, std::string>, Less> in_flight_;
  struct IdleLink {
    std::unique_ptr<MigrationLink> link;
    int64_t since_ms = 0;
  };
  std::map<std::string, IdleLink> links_;
  std::map<int, std::shared_ptr<AsyncBatch>> async_;
  LazyFree lazy_free_;
  std::map<std::string, std::set<std::string>> fences_;  // target -> client addresses to kill there
};

}  // namespace codis::server
