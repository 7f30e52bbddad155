#include "sim/net.h"

#include <algorithm>
#include <cstring>

#include "rt/combinators.h"
#include "rt/sleep.h"
#include "sim/process.h"
#include "sim/world.h"

namespace codis::sim {

using rt::Errc;
using rt::Result;
using rt::Task;

namespace {

struct Segment {
  rt::MonoTime at;
  std::string bytes;
  bool fin = false;
};

// Suspends until someone wakes the Waker stored in *target (data arrived, space freed, reset...).
struct WaitOn {
  rt::Executor* ex;
  rt::Waker* target;
  rt::WakeSlot slot;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { *target = slot.arm(*ex, h); }
  void await_resume() const noexcept {}
};

// A fast running digest of delivered bytes, eight at a time (the determinism fingerprint hashes every byte
// a reader gets, so a byte-at-a-time hash would cost the echo scenario a third of its speed).
uint64_t digest_bytes(std::string_view b, uint64_t h) {
  constexpr uint64_t kMul = 0x9e3779b97f4a7c15ULL;
  size_t i = 0;
  for (; i + 8 <= b.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, b.data() + i, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 32;
  }
  uint64_t tail = 0;
  if (i < b.size()) {
    std::memcpy(&tail, b.data() + i, b.size() - i);
  }
  h = (h ^ tail ^ (static_cast<uint64_t>(b.size()) << 56)) * kMul;
  return h ^ (h >> 29);
}

}  // namespace

// One direction of a connection: bytes from side d to side 1-d.
struct Pipe {
  std::deque<Segment> segs;
  uint64_t pump_event = 0;
  bool pump_scheduled = false;
  rt::MonoTime last_at{};
  std::string rx;  // delivered to the receiver, not yet read
  size_t rx_off = 0;
  size_t in_flight = 0;
  bool fin_queued = false;
  bool fin_delivered = false;
  size_t cap = 0;
  uint64_t digest = 0;  // running digest of what the reader was given (the event hash's view of the bytes)
  rt::Waker reader;
  rt::Waker writer;
  size_t unread() const { return in_flight + (rx.size() - rx_off); }
};

struct Conn {
  uint64_t id = 0;
  Network* net = nullptr;
  HostId host[2] = {0, 0};
  Process* proc[2] = {nullptr, nullptr};
  rt::Endpoint ep[2];
  Pipe pipe[2];
  bool reset[2] = {false, false};
  bool closed[2] = {false, false};
  bool ghost[2] = {false, false};  // the side died with its host: no socket answers for it any more
  // Reset on the wire: the sides learn of it a latency later, but nothing written from now on is delivered
  // (a peer's kernel answers later segments with a reset, it never hands them to the reader).
  bool severed = false;
  // The side's stream belongs to its process (connected, or accepted): it holds a descriptor there until
  // closed. A connection still in a listener's backlog holds none yet.
  bool held[2] = {false, false};

  void wake_side(int d) {
    pipe[1 - d].reader.wake();
    pipe[d].writer.wake();
  }
};

namespace {

class SimStream final : public rt::Stream {
 public:
  SimStream(std::shared_ptr<Conn> c, int side) : c_(std::move(c)), side_(side) {}
  ~SimStream() override { close(); }
  void hold() { c_->held[side_] = true; }

  Task<Result<size_t>> read(std::span<char> buf) override {
    auto c = c_;  // keep the connection alive for the whole operation
    const int s = side_;
    for (;;) {
      if (c->closed[s]) {
        co_return Errc::kCancelled;
      }
      Pipe& in = c->pipe[1 - s];
      if (in.rx.size() > in.rx_off) {
        size_t n = std::min(buf.size(), in.rx.size() - in.rx_off);
        std::memcpy(buf.data(), in.rx.data() + in.rx_off, n);
        delivered(*c, s, std::string_view(buf.data(), n), 0);
        in.rx_off += n;
        if (in.rx_off == in.rx.size()) {
          in.rx.clear();
          in.rx_off = 0;
        }
        in.writer.wake();
        co_return n;
      }
      if (c->reset[s]) {
        delivered(*c, s, {}, 2);
        co_return Errc::kConnReset;
      }
      if (in.fin_delivered) {
        delivered(*c, s, {}, 1);
        co_return size_t{0};
      }
      co_await WaitOn{c->proc[s], &in.reader, {}};
    }
  }

  Task<Result<void>> write(std::span<const char> data) override {
    auto c = c_;
    const int s = side_;
    size_t off = 0;
    while (off < data.size()) {
      if (c->closed[s]) {
        co_return Errc::kCancelled;
      }
      if (c->reset[s] || c->pipe[s].fin_queued) {
        co_return Errc::kConnReset;
      }
      Pipe& out = c->pipe[s];
      size_t space = out.cap > out.unread() ? out.cap - out.unread() : 0;
      if (space == 0) {
        co_await WaitOn{c->proc[s], &out.writer, {}};
        continue;
      }
      size_t n = std::min(space, data.size() - off);
      enqueue(*c, s, data.subspan(off, n));
      off += n;
    }
    co_return rt::ok();
  }

  void shutdown_write() override {
    Conn& c = *c_;
    if (c.closed[side_] || c.reset[side_] || c.pipe[side_].fin_queued) {
      return;
    }
    queue_fin(c, side_);
  }

  void close() override {
    Conn& c = *c_;
    if (c.closed[side_]) {
      return;
    }
    c.closed[side_] = true;
    if (!c.reset[side_]) {
      // Like Linux: closing with unread incoming data resets the connection instead of a clean FIN.
      if (c.pipe[1 - side_].unread() > 0) {
        c.net->reset_conn(c_);
      } else if (!c.pipe[side_].fin_queued) {
        queue_fin(c, side_);
      }
    }
    c.wake_side(side_);
  }

  rt::Endpoint local() const override { return c_->ep[side_]; }
  rt::Endpoint peer() const override { return c_->ep[1 - side_]; }

 private:
  // The event hash covers what each reader was given, not only when: a running digest per direction
  // (tag 0: bytes, 1: end of stream, 2: reset), folded into the world's hash at every delivery.
  static void delivered(Conn& c, int s, std::string_view bytes, uint64_t tag) {
    Pipe& in = c.pipe[1 - s];
    in.digest = digest_bytes(bytes, in.digest ^ tag);
    c.net->world().sched().note_delivery(in.digest);
  }
  void enqueue(Conn& c, int s, std::span<const char> d) {
    if (c.severed) {
      return;  // accepted by our kernel, then lost: the reset is on its way to us
    }
    Network& net = *c.net;
    Pipe& out = c.pipe[s];
    size_t off = 0;
    rt::MonoTime now = net.world().now();
    while (off < d.size()) {
      size_t n = net.segment_size(d.size() - off);
      rt::MonoTime at = std::max(out.last_at, now + net.latency(c.host[s], c.host[1 - s]));
      out.last_at = at;
      out.segs.push_back(Segment{at, std::string(d.data() + off, n), false});
      out.in_flight += n;
      off += n;
    }
    net.pump(c_, s);
  }
  void queue_fin(Conn& c, int s) {
    Network& net = *c.net;
    Pipe& out = c.pipe[s];
    out.fin_queued = true;
    if (c.severed) {
      return;
    }
    rt::MonoTime at = std::max(out.last_at, net.world().now() + net.latency(c.host[s], c.host[1 - s]));
    out.last_at = at;
    out.segs.push_back(Segment{at, {}, true});
    net.pump(c_, s);
  }

  std::shared_ptr<Conn> c_;
  int side_;
};

}  // namespace

class SimListener final : public rt::Listener {
 public:
  SimListener(Network& n, Process& p, HostId h, rt::Endpoint local)
      : n_(&n), p_(&p), h_(h), local_(std::move(local)) {}
  ~SimListener() override { close(); }

  Task<Result<rt::StreamPtr>> accept() override {
    for (;;) {
      if (closed_) {
        co_return Errc::kCancelled;
      }
      if (!backlog_.empty()) {
        if (n_->out_of_fds(*p_)) {
          co_return Errc::kIoError;  // EMFILE: the connection stays queued (rt/net.h)
        }
        std::unique_ptr<SimStream> s = std::move(backlog_.front());
        backlog_.pop_front();
        s->hold();
        co_return rt::StreamPtr(std::move(s));
      }
      co_await WaitOn{p_, &acceptor_, {}};
    }
  }
  rt::Endpoint local() const override { return local_; }
  void close() override {
    if (closed_) {
      return;
    }
    closed_ = true;
    n_->unregister_listener(h_, local_.port, this);
    backlog_.clear();
    acceptor_.wake();
  }

  void push(std::unique_ptr<SimStream> s) {
    backlog_.push_back(std::move(s));
    acceptor_.wake();
  }
  Process& process() const { return *p_; }

 private:
  Network* n_;
  Process* p_;
  HostId h_;
  rt::Endpoint local_;
  bool closed_ = false;
  std::deque<std::unique_ptr<SimStream>> backlog_;
  rt::Waker acceptor_;
};

Network::Network(World& w, rt::Random r, NetParams p) : w_(&w), r_(r), p_(p) {}
Network::~Network() = default;

Host* Network::resolve(const std::string& host) const {
  return w_->find_host(host);
}

uint16_t Network::ephemeral_port(HostId h) {
  auto& next = next_port_[h];
  if (next < 20000) {
    next = 20000;
  }
  while (listeners_.count({h, next}) != 0) {
    ++next;
  }
  return next++;
}

rt::Duration Network::latency(HostId from, HostId to) {
  rt::Duration d = r_.uniform(p_.latency_min, p_.latency_max);
  if (p_.tail_chance > 0 && r_.chance(p_.tail_chance)) {
    d += r_.uniform(rt::Duration(0), p_.tail_max);
  }
  if (p_.pair_extra_max.count() > 0) {
    auto key = std::minmax(from, to);
    auto it = pair_extra_.find(key);
    if (it == pair_extra_.end()) {
      rt::Duration extra = r_.chance(0.5) ? rt::Duration(0) : r_.uniform(rt::Duration(0), p_.pair_extra_max);
      it = pair_extra_.emplace(key, extra).first;
    }
    d += it->second;
  }
  return d;
}

size_t Network::segment_size(size_t remaining) {
  return std::min(remaining, static_cast<size_t>(r_.uniform(1, std::max<size_t>(1, p_.max_segment))));
}

rt::MonoTime Network::blocked_until(HostId from, HostId to) const {
  if (down_.count(from) != 0 || down_.count(to) != 0) {
    return rt::MonoTime::max();  // until set_host_down(.., false)
  }
  rt::MonoTime until = rt::MonoTime::min();
  if (auto it = clogs_.find({from, to}); it != clogs_.end()) {
    until = std::max(until, it->second);
  }
  if (auto it = partitions_.find({from, to}); it != partitions_.end()) {
    until = std::max(until, it->second);
  }
  return until;
}

bool Network::partitioned(HostId from, HostId to) const {
  auto it = partitions_.find({from, to});
  return it != partitions_.end() && it->second > w_->now();
}

void Network::clog(HostId from, HostId to, rt::MonoTime until) {
  auto& u = clogs_[{from, to}];
  u = std::max(u, until);
}

void Network::partition(HostId from, HostId to, rt::MonoTime until) {
  auto& u = partitions_[{from, to}];
  u = std::max(u, until);
}

void Network::heal() {
  clogs_.clear();
  partitions_.clear();
  for (auto& [id, weak] : conns_) {
    if (auto c = weak.lock()) {
      for (int d = 0; d < 2; ++d) {
        if (c->pipe[d].pump_scheduled) {
          w_->sched().cancel(c->pipe[d].pump_event);
          c->pipe[d].pump_scheduled = false;
        }
        pump(c, d);
      }
    }
  }
}

void Network::pump(const std::shared_ptr<Conn>& c, int dir) {
  Pipe& p = c->pipe[dir];
  if (p.pump_scheduled || p.segs.empty()) {
    return;
  }
  rt::MonoTime blocked = blocked_until(c->host[dir], c->host[1 - dir]);
  if (blocked == rt::MonoTime::max()) {
    return;  // a host is down: set_host_down pumps again when it is back
  }
  rt::MonoTime at = std::max(p.segs.front().at, blocked);
  p.pump_scheduled = true;
  std::weak_ptr<Conn> weak = c;
  p.pump_event = w_->sched().schedule(at, 0, EventKind::kNet, [this, weak, dir] {
    auto c = weak.lock();
    if (!c) {
      return;
    }
    Pipe& p = c->pipe[dir];
    p.pump_scheduled = false;
    if (p.segs.empty()) {
      return;
    }
    rt::MonoTime now = w_->now();
    if (blocked_until(c->host[dir], c->host[1 - dir]) > now || p.segs.front().at > now) {
      pump(c, dir);  // still held (a clog or partition began after the segment was sent)
      return;
    }
    Segment seg = std::move(p.segs.front());
    p.segs.pop_front();
    const int rcv = 1 - dir;
    if (seg.fin) {
      if (c->ghost[rcv]) {
        reset_conn(c);  // a FIN for a connection the rebooted host never heard of: it answers with a reset
        return;
      }
      p.fin_delivered = true;
    } else {
      p.in_flight -= seg.bytes.size();
      if (c->closed[rcv]) {
        reset_conn(c);  // data for a closed socket: the receiver answers with a reset
        return;
      }
      if (!c->reset[rcv]) {
        p.rx.append(seg.bytes);
      }
    }
    p.reader.wake();
    pump(c, dir);
  });
}

void Network::reset_conn(const std::shared_ptr<Conn>& c) {
  c->severed = true;
  for (int d = 0; d < 2; ++d) {
    Pipe& p = c->pipe[d];
    if (p.pump_scheduled) {
      w_->sched().cancel(p.pump_event);
      p.pump_scheduled = false;
    }
    p.segs.clear();
    p.in_flight = 0;
  }
  // Each side learns of the reset one latency later; until then its reads still see what had arrived.
  for (int d = 0; d < 2; ++d) {
    if (c->closed[d] || c->reset[d]) {
      continue;
    }
    std::weak_ptr<Conn> weak = c;
    w_->sched().schedule(w_->now() + latency(c->host[1 - d], c->host[d]), 0, EventKind::kNet, [weak, d] {
      if (auto c = weak.lock()) {
        c->reset[d] = true;
        c->pipe[1 - d].rx.clear();
        c->pipe[1 - d].rx_off = 0;
        c->wake_side(d);
      }
    });
  }
}

bool Network::reset_one(uint64_t pick) {
  std::vector<std::shared_ptr<Conn>> live;
  for (auto& [id, weak] : conns_) {
    if (auto c = weak.lock(); c && !c->reset[0] && !c->reset[1] && !c->closed[0] && !c->closed[1]) {
      live.push_back(c);
    }
  }
  if (live.empty()) {
    return false;
  }
  reset_conn(live[pick % live.size()]);
  return true;
}

void Network::reset_all() {
  for (auto& [id, weak] : conns_) {
    if (auto c = weak.lock()) {
      reset_conn(c);
    }
  }
}

size_t Network::live_connections() const {
  size_t n = 0;
  for (auto& [id, weak] : conns_) {
    if (auto c = weak.lock(); c && !(c->closed[0] && c->closed[1])) {
      ++n;
    }
  }
  return n;
}

void Network::set_host_down(HostId h, bool down) {
  if (down) {
    down_.insert(h);
    return;
  }
  down_.erase(h);
  for (auto& [id, weak] : conns_) {
    auto c = weak.lock();
    if (!c || (c->host[0] != h && c->host[1] != h)) {
      continue;
    }
    for (int d = 0; d < 2; ++d) {
      if (c->pipe[d].pump_scheduled) {
        w_->sched().cancel(c->pipe[d].pump_event);
        c->pipe[d].pump_scheduled = false;
      }
      pump(c, d);
    }
  }
}

bool Network::listening(HostId h) const {
  auto it = listeners_.lower_bound({h, 0});
  return it != listeners_.end() && it->first.first == h;
}

void Network::set_fd_limit(const Process& p, size_t limit) {
  if (limit == 0) {
    fd_limits_.erase(&p);
  } else {
    fd_limits_[&p] = limit;
  }
}

size_t Network::open_fds(const Process& p) const {
  size_t n = 0;
  for (const auto& [key, l] : listeners_) {
    n += &l->process() == &p ? 1 : 0;
  }
  for (const auto& [id, weak] : conns_) {
    if (auto c = weak.lock()) {
      for (int d = 0; d < 2; ++d) {
        n += c->proc[d] == &p && c->held[d] && !c->closed[d] ? 1 : 0;
      }
    }
  }
  return n;
}

bool Network::out_of_fds(const Process& p) const {
  auto it = fd_limits_.find(&p);
  return it != fd_limits_.end() && open_fds(p) >= it->second;
}

void Network::on_process_down(Process& p, ProcessExit how) {
  fd_limits_.erase(&p);  // a limit set for this run of the process ends with it
  for (auto it = conns_.begin(); it != conns_.end();) {
    auto c = it->second.lock();
    if (!c) {
      it = conns_.erase(it);
      continue;
    }
    ++it;
    for (int d = 0; d < 2; ++d) {
      if (c->proc[d] != &p || c->closed[d]) {
        continue;
      }
      if (how == ProcessExit::kPowerLoss) {
        // The host's kernel dies too: what this side had not yet sent is gone, nothing tells the peer.
        Pipe& out = c->pipe[d];
        if (out.pump_scheduled) {
          w_->sched().cancel(out.pump_event);
          out.pump_scheduled = false;
        }
        out.segs.clear();
        out.in_flight = 0;
        c->pipe[1 - d].rx.clear();
        c->pipe[1 - d].rx_off = 0;
        c->closed[d] = true;
        c->ghost[d] = true;
      } else if (how == ProcessExit::kKilled) {
        reset_conn(c);
        c->closed[d] = true;
      } else {
        // A clean exit closes sockets: the kernel sends FIN (or a reset if data was left unread).
        if (c->pipe[1 - d].unread() > 0) {
          reset_conn(c);
        } else if (!c->reset[d] && !c->severed && !c->pipe[d].fin_queued) {
          Pipe& out = c->pipe[d];
          out.fin_queued = true;
          out.last_at = std::max(out.last_at, w_->now() + latency(c->host[d], c->host[1 - d]));
          out.segs.push_back(Segment{out.last_at, {}, true});
          pump(c, d);
        }
        c->closed[d] = true;
      }
    }
  }
}

rt::Result<rt::ListenerPtr> Network::listen(Process& p, const rt::Endpoint& at) {
  Host& h = p.host();
  if (!at.host.empty() && at.host != "0.0.0.0" && resolve(at.host) != &h) {
    return Errc::kInvalidArgument;  // cannot bind another host's address
  }
  networked_.insert(h.id);
  uint16_t port = at.port != 0 ? at.port : ephemeral_port(h.id);
  if (listeners_.count({h.id, port}) != 0) {
    return Errc::kAddrInUse;
  }
  auto l = std::make_unique<SimListener>(*this, p, h.id, rt::Endpoint{h.ip, port});
  listeners_[{h.id, port}] = l.get();
  return rt::ListenerPtr(std::move(l));
}

void Network::unregister_listener(HostId h, uint16_t port, SimListener* l) {
  auto it = listeners_.find({h, port});
  if (it != listeners_.end() && it->second == l) {
    listeners_.erase(it);
  }
}

rt::Task<rt::Result<rt::StreamPtr>> Network::connect(Process& p, rt::Endpoint to, rt::Duration timeout) {
  auto attempt = [](Network* n, Process* p, rt::Endpoint to) -> Task<Result<rt::StreamPtr>> {
    if (n->out_of_fds(*p)) {
      co_return Errc::kIoError;  // socket() fails with EMFILE
    }
    Host* dst = n->resolve(to.host);
    HostId src = p->host().id;
    if (dst == nullptr) {
      co_await rt::sleep_for(*p, n->latency(src, src));
      co_return Errc::kConnRefused;
    }
    if (n->down_.count(dst->id) != 0) {
      co_await rt::sleep_for(*p, rt::hours(24 * 365));  // the SYN gets no answer; the caller's timeout fires
    }
    if (n->partitioned(src, dst->id) || n->partitioned(dst->id, src)) {
      int mode = n->p_.connect_error_mode;
      if (mode == 2) {
        mode = static_cast<int>(n->r_.uniform(0, 1));
      }
      if (mode == 0) {
        co_await rt::sleep_for(*p, rt::hours(24 * 365));  // the SYN is lost; the caller's timeout fires
      }
      co_await rt::sleep_for(*p, n->latency(src, dst->id));
      co_return Errc::kConnRefused;
    }
    // SYN: arrives one latency later, or when a clog lifts.
    rt::MonoTime syn_at = std::max(n->w_->now() + n->latency(src, dst->id), n->blocked_until(src, dst->id));
    co_await rt::sleep_for(*p, syn_at - n->w_->now());
    if (n->down_.count(dst->id) != 0) {
      co_await rt::sleep_for(*p, rt::hours(24 * 365));  // the host lost power while the SYN was on its way
    }
    auto it = n->listeners_.find({dst->id, to.port});
    if (it == n->listeners_.end() || !it->second->process().alive()) {
      co_await rt::sleep_for(*p, n->latency(dst->id, src));
      co_return Errc::kConnRefused;
    }
    auto c = std::make_shared<Conn>();
    c->id = ++n->next_conn_id_;
    c->net = n;
    c->host[0] = src;
    c->host[1] = dst->id;
    c->proc[0] = p;
    c->proc[1] = &it->second->process();
    c->ep[0] = rt::Endpoint{p->host().ip, n->ephemeral_port(src)};
    c->ep[1] = rt::Endpoint{dst->ip, to.port};
    for (int d = 0; d < 2; ++d) {
      Pipe& pipe = c->pipe[d];
      pipe.cap = n->r_.uniform(n->p_.send_buffer_min, std::max(n->p_.send_buffer_min, n->p_.send_buffer_max));
      pipe.digest = c->id * 2 + static_cast<uint64_t>(d);
    }
    n->conns_[c->id] = c;
    it->second->push(std::make_unique<SimStream>(c, 1));
    auto mine = std::make_unique<SimStream>(c, 0);
    mine->hold();
    // SYN-ACK back to the client.
    co_await rt::sleep_for(*p, n->latency(dst->id, src));
    co_return rt::StreamPtr(std::move(mine));
  };
  networked_.insert(p.host().id);
  co_return co_await rt::with_timeout(p, timeout, attempt(this, &p, std::move(to)));
}

}  // namespace codis::sim
