#include "proxy/routing_table.h"

#include <boost/json.hpp>

namespace codis::proxy {

namespace json = boost::json;

namespace {

// Reads the routing file's values; the first problem found is kept in `error` and every later read fails.
struct Reader {
  std::string error;

  bool fail(std::string message) {
    if (error.empty()) {
      error = std::move(message);
    }
    return false;
  }
  bool integer(const json::value* v, const std::string& what, int64_t lo, int64_t hi, int64_t& out) {
    if (v == nullptr) {
      return fail(what + " is missing");
    }
    if (!v->is_int64() && !v->is_uint64()) {
      return fail(what + " must be an integer");
    }
    const int64_t x =
        v->is_int64() ? v->as_int64() : static_cast<int64_t>(std::min<uint64_t>(v->as_uint64(), INT64_MAX));
    if (x < lo || x > hi) {
      return fail(what + " must be in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " +
                  std::to_string(x));
    }
    out = x;
    return true;
  }
  bool endpoint(const json::value* v, const std::string& what, rt::Endpoint& out) {
    if (v == nullptr) {
      return fail(what + " is missing");
    }
    if (!v->is_string()) {
      return fail(what + " must be a \"host:port\" string");
    }
    auto e = rt::Endpoint::parse(std::string_view(v->as_string()));
    if (!e.ok()) {
      return fail(what + " is not a host:port address: '" + std::string(v->as_string()) + "'");
    }
    out = *e;
    return true;
  }
  const json::array* array(const json::value* v, const std::string& what) {
    if (v == nullptr) {
      fail(what + " is missing");
      return nullptr;
    }
    if (!v->is_array()) {
      fail(what + " must be an array");
      return nullptr;
    }
    return &v->as_array();
  }
  const json::object* object(const json::value& v, const std::string& what) {
    if (!v.is_object()) {
      fail(what + " must be an object");
      return nullptr;
    }
    return &v.as_object();
  }
};

}  // namespace

std::variant<std::shared_ptr<const RoutingTable>, RoutingTable::ParseError> RoutingTable::parse(
    std::string_view text) {
  json::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) {
    return ParseError{"routing file is not valid JSON: " + ec.message()};
  }
  auto t = std::make_shared<RoutingTable>();
  Reader r;
  const json::object* o = r.object(root, "the routing file");
  if (o == nullptr) {
    return ParseError{r.error};
  }
  if (const json::value* e = o->if_contains("epoch")) {
    int64_t epoch = 0;
    if (!r.integer(e, "epoch", 0, INT64_MAX, epoch)) {
      return ParseError{r.error};
    }
    t->epoch_ = static_cast<uint64_t>(epoch);
  }
  const json::array* groups = r.array(o->if_contains("groups"), "\"groups\"");
  if (groups == nullptr) {
    return ParseError{r.error};
  }
  for (size_t i = 0; i < groups->size(); ++i) {
    const std::string what = "groups[" + std::to_string(i) + "]";
    const json::object* g = r.object((*groups)[i], what);
    Group group;
    int64_t id = 0;
    if (g == nullptr || !r.integer(g->if_contains("id"), what + ".id", 1, INT32_MAX, id) ||
        !r.endpoint(g->if_contains("master"), what + ".master", group.master)) {
      return ParseError{r.error};
    }
    group.id = static_cast<int>(id);
    if (const json::value* reps = g->if_contains("replicas")) {
      const json::array* a = r.array(reps, what + ".replicas");
      if (a == nullptr) {
        return ParseError{r.error};
      }
      for (size_t k = 0; k < a->size(); ++k) {
        rt::Endpoint e;
        if (!r.endpoint(&(*a)[k], what + ".replicas[" + std::to_string(k) + "]", e)) {
          return ParseError{r.error};
        }
        group.replicas.push_back(std::move(e));
      }
    }
    if (!t->groups_.emplace(group.id, group).second) {
      return ParseError{what + ": group " + std::to_string(group.id) + " is listed twice"};
    }
  }
  const json::array* slots = r.array(o->if_contains("slots"), "\"slots\"");
  if (slots == nullptr) {
    return ParseError{r.error};
  }
  for (size_t i = 0; i < slots->size(); ++i) {
    const std::string what = "slots[" + std::to_string(i) + "]";
    const json::object* s = r.object((*slots)[i], what);
    if (s == nullptr) {
      return ParseError{r.error};
    }
    const json::array* range = r.array(s->if_contains("range"), what + ".range");
    if (range == nullptr) {
      return ParseError{r.error};
    }
    if (range->size() != 2) {
      return ParseError{what + ".range must be [first, last]"};
    }
    int64_t lo = 0, hi = 0, gid = 0;
    if (!r.integer(&(*range)[0], what + ".range[0]", 0, cmd::kSlots - 1, lo) ||
        !r.integer(&(*range)[1], what + ".range[1]", lo, cmd::kSlots - 1, hi) ||
        !r.integer(s->if_contains("group"), what + ".group", 1, INT32_MAX, gid)) {
      return ParseError{r.error};
    }
    if (t->groups_.count(static_cast<int>(gid)) == 0) {
      return ParseError{what + " names group " + std::to_string(gid) + ", which is not in \"groups\""};
    }
    int64_t from = kNoGroup;
    Forward forward = Forward::kNone;
    if (const json::value* m = s->if_contains("migrating_from")) {
      if (!r.integer(m, what + ".migrating_from", 1, INT32_MAX, from)) {
        return ParseError{r.error};
      }
      if (t->groups_.count(static_cast<int>(from)) == 0) {
        return ParseError{what + ".migrating_from names group " + std::to_string(from) +
                          ", which is not in \"groups\""};
      }
      if (from == gid) {
        return ParseError{what + " migrates from its own group " + std::to_string(gid)};
      }
      forward = Forward::kSemiAsync;
    }
    if (const json::value* f = s->if_contains("forward")) {
      const std::string_view m = f->is_string() ? std::string_view(f->as_string()) : std::string_view();
      if (m == "sync") {
        forward = Forward::kSync;
      } else if (m == "semi-async") {
        forward = Forward::kSemiAsync;
      } else if (m == "none") {
        forward = Forward::kNone;
      } else {
        return ParseError{what + ".forward must be \"sync\", \"semi-async\" or \"none\""};
      }
      if (from == kNoGroup) {
        return ParseError{what + ".forward needs \"migrating_from\""};
      }
    }
    for (int64_t slot = lo; slot <= hi; ++slot) {
      if (t->slots_[static_cast<size_t>(slot)] != kNoGroup) {
        return ParseError{what + ": slot " + std::to_string(slot) + " is assigned twice"};
      }
      t->slots_[static_cast<size_t>(slot)] = static_cast<int>(gid);
      t->migrating_from_[static_cast<size_t>(slot)] = static_cast<int>(from);
      t->forward_[static_cast<size_t>(slot)] = forward;
      t->any_forwarding_ = t->any_forwarding_ || forward != Forward::kNone;
    }
  }
  return std::shared_ptr<const RoutingTable>(std::move(t));
}

int RoutingTable::served_slots() const {
  int n = 0;
  for (int g : slots_) {
    n += g != kNoGroup ? 1 : 0;
  }
  return n;
}

std::string RoutingTable::to_json() const {
  json::object o;
  o["epoch"] = epoch_;
  json::array groups;
  for (const auto& [id, g] : groups_) {
    json::object jg;
    jg["id"] = id;
    jg["master"] = g.master.to_string();
    json::array reps;
    for (const auto& r : g.replicas) {
      reps.emplace_back(r.to_string());
    }
    jg["replicas"] = std::move(reps);
    groups.emplace_back(std::move(jg));
  }
  o["groups"] = std::move(groups);
  json::array slots;
  for (uint32_t s = 0; s < cmd::kSlots;) {
    uint32_t e = s;
    while (e + 1 < cmd::kSlots && slots_[e + 1] == slots_[s] &&
           migrating_from_[e + 1] == migrating_from_[s] && forward_[e + 1] == forward_[s]) {
      ++e;
    }
    if (slots_[s] != kNoGroup) {
      json::object js;
      js["range"] = json::array{s, e};
      js["group"] = slots_[s];
      if (migrating_from_[s] != kNoGroup) {
        js["migrating_from"] = migrating_from_[s];
        js["forward"] = forward_[s] == Forward::kSync        ? "sync"
                        : forward_[s] == Forward::kSemiAsync ? "semi-async"
                                                             : "none";
      }
      slots.emplace_back(std::move(js));
    }
    s = e + 1;
  }
  o["slots"] = std::move(slots);
  return json::serialize(o);
}

}  // namespace codis::proxy
