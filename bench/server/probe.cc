// The migration benchmark's latency probe (bench/server/migrate.sh), in C++ so that its own scheduling
// stays out of the figures (the Python one's idle p99 was 2-3 ms on its own): open loop on one connection,
// GET and SET alternately on keys of other slots than the moving one, request k sent at start + k/rate
// whether or not earlier replies came back, each latency measured from the request's due time.
// Usage: probe PORT SLOT COUNT RATE OUT READY. On SIGTERM the sender stops, sends a PING, the replies are
// read up to the PING's and OUT gets one line per request: "due_ns latency_ns get|set error(0|1)".
// Built by migrate.sh with the system compiler (g++ -O2 -pthread); no project dependency.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic<bool> stop_flag{false};

uint32_t crc32_ieee(const std::string& s) {
  static uint32_t table[256];
  static bool ready = false;
  if (!ready) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = true;
  }
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char ch : s) c = table[(c ^ ch) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

// Codis's slot (the keys here have no hash tag).
int slot_of(const std::string& key) {
  return static_cast<int>(crc32_ieee(key) & 1023);
}

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

void sleep_until(int64_t due) {
  timespec ts{static_cast<time_t>(due / 1000000000), static_cast<long>(due % 1000000000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR && !stop_flag) {
  }
}

bool send_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

std::string bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

// Reads replies one at a time from a socket: just enough RESP2 for GET/SET/PING replies.
class ReplyReader {
 public:
  explicit ReplyReader(int fd) : fd_(fd) {}
  // One reply; false when the connection ended. error: the reply was an error (or a null, which the probe
  // never expects: its keys all exist).
  bool next(bool& error) {
    std::string line;
    if (!read_line(line) || line.empty()) return false;
    if (line[0] == '-') {
      error = true;
      return true;
    }
    if (line[0] == '$') {
      long n = std::strtol(line.c_str() + 1, nullptr, 10);
      error = n < 0;
      if (n >= 0 && !skip(static_cast<size_t>(n) + 2)) return false;
      return true;
    }
    error = false;
    return true;
  }

 private:
  bool fill() {
    if (pos_ > 0) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    char tmp[65536];
    for (;;) {
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buf_.append(tmp, static_cast<size_t>(n));
      return true;
    }
  }
  bool read_line(std::string& line) {
    for (;;) {
      size_t e = buf_.find("\r\n", pos_);
      if (e != std::string::npos) {
        line.assign(buf_, pos_, e - pos_);
        pos_ = e + 2;
        return true;
      }
      if (!fill()) return false;
    }
  }
  bool skip(size_t n) {
    while (buf_.size() - pos_ < n) {
      if (!fill()) return false;
    }
    pos_ += n;
    return true;
  }
  int fd_;
  std::string buf_;
  size_t pos_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: probe PORT SLOT COUNT RATE OUT READY\n");
    return 2;
  }
  int port = std::atoi(argv[1]), slot = std::atoi(argv[2]);
  size_t count = std::strtoul(argv[3], nullptr, 10);
  double rate = std::atof(argv[4]);
  const char* out_path = argv[5];
  const char* ready_path = argv[6];

  // The same keys as migrate.py's probe_keys: probe:<i> for i = 0, 1, ... skipping the moving slot's.
  std::vector<std::string> get_reqs, set_reqs;
  const std::string value(100, 'p');
  for (int i = 0; get_reqs.size() < count; ++i) {
    std::string k = "probe:" + std::to_string(i);
    if (slot_of(k) == slot) continue;
    get_reqs.push_back("*2\r\n$3\r\nGET\r\n" + bulk(k));
    set_reqs.push_back("*3\r\n$3\r\nSET\r\n" + bulk(k) + bulk(value));
  }

  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("probe: connect");
    return 1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  struct sigaction sa {};
  sa.sa_handler = [](int) { stop_flag = true; };
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  // The sender records each request's due time before sending it; the reader only reads entries below
  // `sent`, so the vector is sized up front and never reallocates under the reader.
  const int64_t interval = static_cast<int64_t>(1e9 / rate);
  // Left uninitialised on purpose: only the pages written get mapped.
  constexpr size_t kMaxRequests = size_t{1} << 24;
  std::unique_ptr<int64_t[]> dues(new int64_t[kMaxRequests]);
  std::atomic<size_t> sent{0};
  std::atomic<size_t> ping_index{SIZE_MAX};  // set before the final PING goes out
  std::thread sender([&] {
    // Signals go to the main thread (the reader), which sets stop_flag.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    const int64_t start = now_ns();
    size_t k = 0;
    while (!stop_flag && k < kMaxRequests) {
      int64_t due = start + static_cast<int64_t>(k) * interval;
      if (now_ns() < due) sleep_until(due);
      if (stop_flag) break;
      dues[k] = due;
      const std::string& req = (k % 2 == 0 ? get_reqs : set_reqs)[k % count];
      sent.store(k + 1, std::memory_order_release);
      if (!send_all(fd, req)) break;
      ++k;
    }
    ping_index.store(k, std::memory_order_release);
    send_all(fd, "*1\r\n$4\r\nPING\r\n");
  });
  if (FILE* f = std::fopen(ready_path, "w")) std::fclose(f);

  std::vector<int64_t> latencies;
  std::vector<char> errors;
  latencies.reserve(1u << 20);
  ReplyReader reader(fd);
  for (;;) {
    bool error = false;
    if (!reader.next(error)) {
      std::fprintf(stderr, "probe: the connection to the source closed\n");
      break;
    }
    int64_t done = now_ns();
    size_t i = latencies.size();
    if (i == ping_index.load(std::memory_order_acquire)) break;  // the PING's reply
    (void)sent.load(std::memory_order_acquire);                  // dues[i] was written before i was sent
    latencies.push_back(done - dues[i]);
    errors.push_back(error ? 1 : 0);
  }
  sender.join();
  ::close(fd);

  FILE* out = std::fopen(out_path, "w");
  if (!out) {
    std::perror("probe: output");
    return 1;
  }
  for (size_t i = 0; i < latencies.size(); ++i) {
    std::fprintf(out, "%lld %lld %s %d\n", static_cast<long long>(dues[i]),
                 static_cast<long long>(latencies[i]), i % 2 == 0 ? "get" : "set", errors[i]);
  }
  std::fclose(out);
  return 0;
}
