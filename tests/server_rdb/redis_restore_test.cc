// Live differential test against Debian's redis-server 7.0 (skipped when it is not installed): Redis,
// with sanitize-dump-payload yes, must RESTORE every payload we encode (every type and encoding, legacy
// ones included), hold the value we encoded, and, for values in the encoding Redis itself would pick,
// DUMP our exact bytes back.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "server/rdb/decoder.h"
#include "server/rdb/encoder.h"
#include "tests/server_rdb/test_util.h"

extern char** environ;

namespace codis::server::rdb {
namespace {

using testing::canonical;
using testing::hex;

constexpr const char* kRedisServer = "/usr/bin/redis-server";

// One redis-server on a unix socket in a private directory, and one connection to it.
class Redis {
 public:
  bool start() {
    char tmpl[] = "/tmp/codis-rdb-redis-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return false;
    dir_ = tmpl;
    const std::string sock = dir_ + "/redis.sock";
    std::vector<std::string> args = {kRedisServer,
                                     "--port",
                                     "0",
                                     "--unixsocket",
                                     sock,
                                     "--save",
                                     "",
                                     "--appendonly",
                                     "no",
                                     "--dir",
                                     dir_,
                                     "--logfile",
                                     dir_ + "/log",
                                     "--sanitize-dump-payload",
                                     "yes"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, kRedisServer, nullptr, nullptr, argv.data(), environ) != 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, sock.c_str(), sizeof(addr.sun_path) - 1);
    for (int i = 0; i < 500; ++i) {
      fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
      if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) return true;
      close(fd_);
      fd_ = -1;
      poll(nullptr, 0, 10);
    }
    return false;
  }

  ~Redis() {
    if (fd_ >= 0) close(fd_);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  // Sends a command; returns the reply's first byte and its text (a bulk's bytes, a line's text).
  std::pair<char, std::string> cmd(const std::vector<std::string>& args) {
    std::string out = "*" + std::to_string(args.size()) + "\r\n";
    for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    for (size_t sent = 0; sent < out.size();) {
      const ssize_t n = send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return {'!', "send failed"};
      sent += static_cast<size_t>(n);
    }
    const std::string line = read_line();
    if (line.empty()) return {'!', "no reply"};
    if (line[0] != '$') return {line[0], line.substr(1)};
    const long n = std::stol(line.substr(1));
    if (n < 0) return {'$', ""};
    fill(static_cast<size_t>(n) + 2);
    std::string bulk = buf_.substr(0, static_cast<size_t>(n));
    buf_.erase(0, static_cast<size_t>(n) + 2);
    return {'$', bulk};
  }

 private:
  bool fill(size_t want) {
    char chunk[65536];
    while (buf_.size() < want) {
      const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return false;
      buf_.append(chunk, static_cast<size_t>(n));
    }
    return true;
  }
  std::string read_line() {
    size_t at;
    while ((at = buf_.find("\r\n")) == std::string::npos) {
      if (!fill(buf_.size() + 1)) return "";
    }
    std::string line = buf_.substr(0, at);
    buf_.erase(0, at + 2);
    return line;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string dir_;
  std::string buf_;
};

// Deterministic pseudo-random values of every type (no <random>: the project's lint forbids it).
class Values {
 public:
  uint64_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return state_ >> 33;
  }
  std::string element() {
    switch (next() % 5) {
      case 0:
        return std::to_string(static_cast<int64_t>(next() % 100000) - 50000);
      case 1:
        return std::to_string(static_cast<int64_t>((next() << 31) ^ next()));
      case 2:
        return std::string(next() % 3000, static_cast<char>('a' + next() % 3));
      default: {
        std::string s(next() % 20, '\0');
        for (char& c : s) c = static_cast<char>(next());
        return s;
      }
    }
  }
  DumpValue value() {
    const size_t n = 1 + next() % (next() % 4 == 0 ? 700 : 20);
    DumpValue v;
    std::vector<std::string> unique;
    for (size_t i = 0; i < n; ++i) {
      std::string e = element() + (next() % 2 ? std::to_string(i) : "");
      if (std::find(unique.begin(), unique.end(), e) == unique.end()) unique.push_back(e);
    }
    switch (next() % 6) {
      case 0:
        return DumpValue::string(unique[0]);
      case 1:
        return DumpValue::list(unique);
      case 2:
        return DumpValue::set(unique);
      case 3: {
        std::vector<std::string> ints;
        for (size_t i = 0; i < n; ++i)
          ints.push_back(std::to_string(static_cast<int64_t>(next() % 5000) * 7 + i));
        std::sort(ints.begin(), ints.end());
        ints.erase(std::unique(ints.begin(), ints.end()), ints.end());
        return DumpValue::set(ints);
      }
      case 4: {
        v.type = ValueType::kZSet;
        for (auto& m : unique) {
          const double s =
              next() % 3 == 0 ? static_cast<double>(next() % 100) : static_cast<double>(next()) / 7.0;
          v.zmembers.emplace_back(m, next() % 2 ? s : -s);
        }
        return v;
      }
      default:
        v.type = ValueType::kHash;
        for (auto& f : unique) v.fields.emplace_back(f, element());
        return v;
    }
  }

 private:
  uint64_t state_ = 20240607;
};

class RedisRestore : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kRedisServer, X_OK) != 0) GTEST_SKIP() << "no " << kRedisServer;
    ASSERT_TRUE(redis_.start());
  }
  // RESTOREs the payload, DUMPs it back and returns Redis's payload ("" on a refusal).
  std::string round_trip(const std::string& payload) {
    const auto r = redis_.cmd({"RESTORE", "k", "0", payload, "REPLACE"});
    EXPECT_EQ(r.first, '+') << r.second;
    if (r.first != '+') return "";
    return redis_.cmd({"DUMP", "k"}).second;
  }
  Redis redis_;
};

TEST_F(RedisRestore, EveryEncodingIsAccepted) {
  std::vector<std::pair<std::string, double>> zs = {
      {"a", 1.5}, {"b", -2},       {"c", 1e20},      {"d", 3},
      {"e", 0.1}, {"f", HUGE_VAL}, {"g", -HUGE_VAL}, {"", 4611686018427387904.0}};
  std::vector<std::pair<std::string, std::string>> hs = {
      {"f", "v"}, {"n", "123"}, {"long", std::string(300, 'x')}, {"", ""}, {"-5", "70000"}};
  std::vector<std::string> many;
  for (int i = 0; i < 3000; ++i) many.push_back("e" + std::to_string(i * 7));
  many.push_back(std::string(20000, 'z'));
  const std::vector<std::pair<DumpValue, std::vector<RdbType>>> samples = {
      {DumpValue::list(many),
       {RdbType::kList, RdbType::kListZiplist, RdbType::kListQuicklist, RdbType::kListQuicklist2}},
      {DumpValue::zset(zs), {RdbType::kZSet, RdbType::kZSet2, RdbType::kZSetZiplist, RdbType::kZSetListpack}},
      {DumpValue::hash(hs),
       {RdbType::kHash, RdbType::kHashZipmap, RdbType::kHashZiplist, RdbType::kHashListpack}},
      {DumpValue::set({"1", "-5", "70000", "9223372036854775807"}), {RdbType::kSet, RdbType::kSetIntset}},
      {DumpValue::string(std::string(100, 's')), {RdbType::kString}},
  };
  for (const bool compress : {false, true}) {
    EncodeOptions o;
    o.compress = compress;
    DumpEncoder enc(o);
    for (const auto& [value, types] : samples) {
      for (const RdbType t : types) {
        SCOPED_TRACE(std::string(rdb_type_name(static_cast<uint8_t>(t))) + (compress ? " lzf" : ""));
        std::string ours;
        ASSERT_TRUE(enc.encode_payload(value, t, &ours).ok());
        const std::string theirs = round_trip(ours);
        auto r = decode_dump_payload(theirs);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(canonical(r->value), canonical(value));
      }
    }
  }
}

TEST_F(RedisRestore, RandomValuesComeBackByteForByte) {
  Values gen;
  DumpEncoder enc;
  int exact = 0;
  for (int i = 0; i < 300; ++i) {
    const DumpValue v = gen.value();
    const RdbType t = choose_rdb_type(v);
    SCOPED_TRACE(std::to_string(i) + " " + std::string(rdb_type_name(static_cast<uint8_t>(t))));
    std::string ours;
    ASSERT_TRUE(enc.encode_payload(v, t, &ours).ok());
    const std::string theirs = round_trip(ours);
    auto r = decode_dump_payload(theirs);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->rdb_type, t);
    EXPECT_EQ(canonical(r->value), canonical(v));
    // Hash tables come back in Redis's own iteration order; everything else must be our exact bytes.
    if (t != RdbType::kSet && t != RdbType::kHash) {
      EXPECT_EQ(hex(theirs), hex(ours));
      ++exact;
    }
  }
  EXPECT_GT(exact, 150);
}

}  // namespace
}  // namespace codis::server::rdb
