// Connection and server commands: AUTH/requirepass/NOAUTH, HELLO (RESP2/RESP3), RESET, CONFIG GET/SET,
// CLIENT names, unknown-command and arity texts.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "server/config.h"
#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

Config with_password(std::string pass) {
  Config c;
  c.requirepass = std::move(pass);
  return c;
}

TEST(Auth, RequirepassGatesEverythingButAuthHelloQuit) {
  ServerFixture f(with_password("secret"));
  EXPECT_EQ(f.cmd("get k"), "-NOAUTH Authentication required.");
  EXPECT_EQ(f.cmd("ping"), "-NOAUTH Authentication required.");
  EXPECT_EQ(f.cmd("foo"), "-ERR unknown command 'foo', with args beginning with: ")
      << "unknown commands are reported before NOAUTH, as in Redis";
  EXPECT_EQ(f.cmd("get"), "-ERR wrong number of arguments for 'get' command");
  EXPECT_EQ(f.cmd("auth wrong"), "-WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(f.cmd("auth default wrong"), "-WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(f.cmd("auth bob secret"), "-WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(f.cmd("hello 3"),
            "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> "
            "AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol "
            "version at the same time");
  EXPECT_EQ(f.cmd("auth secret"), "+OK");
  EXPECT_EQ(f.cmd("set k v"), "+OK");
  EXPECT_EQ(f.cmd("get k", 1), "-NOAUTH Authentication required.") << "per connection";
  EXPECT_EQ(f.cmd("auth default secret", 1), "+OK");
  EXPECT_EQ(f.cmd("get k", 1), "'v'");
  EXPECT_EQ(f.cmd("reset", 1), "+RESET");
  EXPECT_EQ(f.cmd("get k", 1), "-NOAUTH Authentication required.") << "RESET logs out";
  EXPECT_EQ(f.cmd("hello 2 auth default wrong", 2),
            "-WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(f.cmd("hello 2 auth default secret setname c2", 2).substr(0, 40),
            "['server', 'redis', 'version', '7.0.15',");
  EXPECT_EQ(f.cmd("client getname", 2), "'c2'");
}

TEST(Auth, NoRequirepass) {
  ServerFixture f;
  EXPECT_EQ(f.cmd("auth x"),
            "-ERR AUTH <password> called without any password configured for the default user. Are you sure "
            "your configuration is correct?");
  EXPECT_EQ(f.cmd("auth default anything"), "+OK");
  EXPECT_EQ(f.cmd("auth a b c"), "-ERR syntax error");
  // Setting a password at run time applies to new connections.
  EXPECT_EQ(f.cmd("config set requirepass pw"), "+OK");
  EXPECT_EQ(f.cmd("get k", 1), "-NOAUTH Authentication required.");
}

TEST(Hello, SwitchesProtocol) {
  ServerFixture f;
  std::string r = f.raw({"HELLO", "3"});
  EXPECT_EQ(r.substr(0, 4), "%7\r\n");
  EXPECT_NE(r.find("$5\r\nproto\r\n:3\r\n"), std::string::npos) << r;
  EXPECT_EQ(f.raw({"GET", "nokey"}), "_\r\n");
  EXPECT_EQ(f.raw({"HELLO"}).substr(0, 4), "%7\r\n") << "HELLO without a version keeps RESP3";
  EXPECT_EQ(f.raw({"HELLO", "2"}).substr(0, 5), "*14\r\n");
  EXPECT_EQ(f.raw({"GET", "nokey"}), "$-1\r\n");
  EXPECT_EQ(f.cmd("hello 1"), "-NOPROTO unsupported protocol version");
  EXPECT_EQ(f.cmd("hello abc"), "-ERR Protocol version is not an integer or out of range");
  EXPECT_EQ(f.cmd("hello 3 bogus"), "-ERR Syntax error in HELLO option 'bogus'");
  EXPECT_EQ(f.cmd("hello 3 auth default"), "-ERR Syntax error in HELLO option 'auth'");
  EXPECT_EQ(f.cmd("hello 2 setname \"a b\""),
            "-ERR Client names cannot contain spaces, newlines or special characters.");
}

TEST(Client, Names) {
  ServerFixture f;
  EXPECT_EQ(f.cmd("client getname"), "(nil)");
  EXPECT_EQ(f.cmd("client setname abc"), "+OK");
  EXPECT_EQ(f.cmd("client getname"), "'abc'");
  EXPECT_EQ(f.cmd("client setname \"a b\""),
            "-ERR Client names cannot contain spaces, newlines or special characters.");
  EXPECT_EQ(f.cmd("client setname \"\""), "+OK");
  EXPECT_EQ(f.cmd("client getname"), "(nil)");
  EXPECT_EQ(f.cmd("client bogus"), "-ERR unknown subcommand 'bogus'. Try CLIENT HELP.");
}

TEST(Config, GetSet) {
  ServerFixture f;
  EXPECT_EQ(f.cmd("config get maxmemory"), "['maxmemory', '0']");
  EXPECT_EQ(f.cmd("config get MAXMEMORY"), "['MAXMEMORY', '0']") << "a plain name echoes the spelling";
  EXPECT_EQ(f.cmd("config get maxmemory MAXMEMORY"), "['maxmemory', '0']");
  EXPECT_EQ(f.cmd("config get hash-max-ziplist-entries"), "['hash-max-ziplist-entries', '128']");
  EXPECT_EQ(unordered(f.cmd("config get maxmemory*")),
            unordered("['maxmemory', '0', 'maxmemory-policy', 'noeviction', 'maxmemory-samples', '5']"));
  EXPECT_EQ(f.cmd("config get nothing"), "[]");
  EXPECT_EQ(f.cmd("config set maxmemory 1mb hz 20"), "+OK");
  EXPECT_EQ(unordered(f.cmd("config get maxmemory hz")), unordered("['maxmemory', '1048576', 'hz', '20']"));
  EXPECT_EQ(f.cmd("config set hz 0"), "+OK");
  EXPECT_EQ(f.cmd("config get hz"), "['hz', '1']") << "clamped like Redis";
  EXPECT_EQ(f.cmd("config set hz 100000"), "+OK");
  EXPECT_EQ(f.cmd("config get hz"), "['hz', '500']");
  EXPECT_EQ(f.cmd("config set hz -1"),
            "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 and "
            "2147483647 inclusive");
  EXPECT_EQ(
      f.cmd("config set maxmemory -1"),
      "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value");
  EXPECT_EQ(
      f.cmd("config set maxmemory 1.5gb"),
      "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value");
  EXPECT_EQ(
      f.cmd("config set maxclients 0"),
      "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and "
      "4294967295 inclusive");
  EXPECT_EQ(f.cmd("config set hz 10 hz 11"),
            "-ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter");
  EXPECT_EQ(f.cmd("config set databases 3"),
            "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config");
  EXPECT_EQ(f.cmd("config set hz abc nothing 1"),
            "-ERR Unknown option or number of arguments for CONFIG SET - 'nothing'");
  // All or nothing: a bad second value leaves the first unchanged.
  EXPECT_EQ(
      f.cmd("config set timeout 10 hz abc"),
      "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an "
      "integer");
  EXPECT_EQ(f.cmd("config get timeout"), "['timeout', '0']");
  EXPECT_EQ(
      f.cmd("config set loglevel bogus"),
      "-ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the "
      "following: debug, verbose, notice, warning");
  EXPECT_EQ(
      f.cmd("config set maxmemory-policy bogus"),
      "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of "
      "the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, "
      "allkeys-random, noeviction");
  EXPECT_EQ(f.cmd("config set hz"), "-ERR wrong number of arguments for 'config|set' command");
  EXPECT_EQ(f.cmd("config bogus"), "-ERR unknown subcommand 'bogus'. Try CONFIG HELP.");
  EXPECT_EQ(f.cmd("config"), "-ERR wrong number of arguments for 'config' command");
}

// io-idle-nap: the event loops' idle mode, handed to the runtime at CONFIG SET (main installs the hook).
TEST(Config, IoIdleNapReachesTheRuntime) {
  ServerFixture f;
  std::vector<std::string> applied;
  f.server().set_idle_control([&applied](std::string_view v) { applied.emplace_back(v); });
  EXPECT_EQ(f.cmd("config get io-idle-nap"), "['io-idle-nap', 'auto']");
  EXPECT_EQ(f.cmd("config set io-idle-nap YES"), "+OK");
  EXPECT_EQ(f.cmd("config get io-idle-nap"), "['io-idle-nap', 'yes']");
  EXPECT_EQ(f.cmd("config set io-idle-nap yes"), "+OK");  // unchanged: not handed on again
  EXPECT_EQ(f.cmd("config set io-idle-nap no"), "+OK");
  EXPECT_EQ(f.cmd("config set io-idle-nap sometimes"),
            "-ERR CONFIG SET failed (possibly related to argument 'io-idle-nap') - argument must be 'auto', "
            "'yes' or 'no'");
  EXPECT_EQ(f.cmd("config get io-idle-nap"), "['io-idle-nap', 'no']");
  EXPECT_EQ(applied, (std::vector<std::string>{"yes", "no"}));
}

// io-reactor-reads: fixed at start (main hands it to the runtime before any socket exists).
TEST(Config, IoReactorReadsIsSetAtStartOnly) {
  ServerFixture f;
  EXPECT_EQ(f.cmd("config get io-reactor-reads"), "['io-reactor-reads', 'yes']");
  EXPECT_EQ(f.cmd("config set io-reactor-reads no"),
            "-ERR CONFIG SET failed (possibly related to argument 'io-reactor-reads') - can't set immutable "
            "config");
  auto [config, errors] = load_config("io-reactor-reads no\n", {});
  ASSERT_TRUE(errors.empty());
  EXPECT_FALSE(config.io_reactor_reads);
  EXPECT_FALSE(load_config("", {"--io-reactor-reads", "maybe"}).second.empty());
}

TEST(Errors, UnknownCommandAndArity) {
  ServerFixture f;
  EXPECT_EQ(f.cmd("foo bar baz"), "-ERR unknown command 'foo', with args beginning with: 'bar' 'baz' ");
  EXPECT_EQ(f.cmd("foo"), "-ERR unknown command 'foo', with args beginning with: ");
  EXPECT_EQ(f.cmd("GET a b"), "-ERR wrong number of arguments for 'get' command");
  EXPECT_EQ(f.cmd("echo"), "-ERR wrong number of arguments for 'echo' command");
  EXPECT_EQ(f.cmd("ping a b"), "-ERR wrong number of arguments for 'ping' command");
  EXPECT_EQ(f.cmd("ping a"), "'a'");
  EXPECT_EQ(f.cmd("PiNg"), "+PONG");
  EXPECT_EQ(f.cmd("mset a"), "-ERR wrong number of arguments for 'mset' command");
  EXPECT_EQ(f.cmd("mset a 1 b"), "-ERR wrong number of arguments for 'mset' command");
}

// redis-server 7.0.15 caps the argument list at 128 characters in total, each argument cut to what is
// left ('%.*s' with 128 - sdslen(args)).
TEST(Errors, UnknownCommandTruncatesLikeRedis) {
  ServerFixture f;
  std::string x(100, 'x'), y(100, 'y'), z(200, 'z');
  EXPECT_EQ(f.run({"foo", x, y, "c"}), "-ERR unknown command 'foo', with args beginning with: '" + x + "' '" +
                                           std::string(25, 'y') + "' ");
  EXPECT_EQ(f.run({z, x}),
            "-ERR unknown command '" + std::string(128, 'z') + "', with args beginning with: '" + x + "' ");
}

// CLIENT REPLY and CLIENT UNBLOCK as redis-server 7.0.15 answers them.
TEST(ClientCmds, ReplyOffSkipOn) {
  ServerFixture f;
  EXPECT_EQ(f.raw({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(f.raw({"SET", "k", "1"}), "");  // skipped
  EXPECT_EQ(f.cmd("get k"), "'1'");
  EXPECT_EQ(f.raw({"CLIENT", "REPLY", "OFF"}), "");
  EXPECT_EQ(f.raw({"GET", "k"}), "");
  EXPECT_EQ(f.raw({"NOSUCH"}), "");                   // errors too
  EXPECT_EQ(f.raw({"CLIENT", "REPLY", "SKIP"}), "");  // ignored while off
  EXPECT_EQ(f.cmd("client reply on"), "+OK");
  EXPECT_EQ(f.cmd("get k"), "'1'");
  EXPECT_EQ(f.cmd("client reply bad"), "-ERR syntax error");
  EXPECT_EQ(f.cmd("client reply"), "-ERR wrong number of arguments for 'client|reply' command");
  f.raw({"CLIENT", "REPLY", "SKIP"});
  EXPECT_EQ(f.raw({"CLIENT", "REPLY", "SKIP"}), "");  // skipped, and skips the next one too
  EXPECT_EQ(f.raw({"GET", "k"}), "");
  EXPECT_EQ(f.cmd("get k"), "'1'");
}

TEST(ClientCmds, Unblock) {
  ServerFixture f;
  const std::string id = std::to_string(f.client(1).id);
  EXPECT_EQ(f.cmd("client unblock x"), "-ERR value is not an integer or out of range");
  EXPECT_EQ(f.cmd("client unblock 1 bad"), "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
  EXPECT_EQ(f.cmd("client unblock " + id), ":0");  // not blocked
  EXPECT_EQ(f.cmd("client unblock 999"), ":0");
  EXPECT_EQ(f.raw({"BLPOP", "q", "0"}, 1), "");
  EXPECT_EQ(f.cmd("client unblock " + id), ":1");
  EXPECT_EQ(f.client(1).outbox, "*-1\r\n");  // as if timed out
  EXPECT_FALSE(f.client(1).block.active);
  f.client(1).outbox.clear();
  f.raw({"BZPOPMIN", "z", "0"}, 1);
  EXPECT_EQ(f.cmd("client unblock " + id + " error"), ":1");
  EXPECT_EQ(f.client(1).outbox, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
  EXPECT_NE(f.cmd("info errorstats").find("errorstat_UNBLOCKED:count=1"), std::string::npos);
  f.client(1).outbox.clear();
  f.raw({"BLMOVE", "a", "b", "LEFT", "LEFT", "0"}, 1);
  EXPECT_EQ(f.cmd("client unblock " + id + " timeout"), ":1");
  EXPECT_EQ(f.client(1).outbox, "*-1\r\n");  // Redis times out every list block with a null array
  EXPECT_EQ(f.cmd("rpush q v"), ":1");       // nobody is waiting any more
  EXPECT_EQ(f.cmd("llen q"), ":1");
}

TEST(ClientCmds, Help) {
  ServerFixture f;
  for (const char* c : {"client", "config", "pubsub"}) {
    const std::string help = f.cmd(std::string(c) + " help");
    EXPECT_EQ(help.rfind("[+", 0), 0u) << c;
    EXPECT_NE(help.find("Subcommands are:"), std::string::npos) << c;
    EXPECT_NE(help.find("+    Prints this help.]"), std::string::npos) << c;
  }
}

// INFO server lists Redis 7.0's fields in its order; run_id is 40 hex digits fixed for the process.
TEST(InfoServer, FieldsInRedisOrder) {
  ServerFixture f;
  f.server().set_process_facts(
      {.pid = 42, .os = "Linux 6 x86_64", .executable = "/bin/cs", .config_file = ""});
  const std::string info = f.cmd("info server");
  std::string keys;
  for (size_t pos = info.find("\\r\\n"); pos != std::string::npos; pos = info.find("\\r\\n", pos + 4)) {
    const size_t start = pos + 4;
    const size_t colon = info.find(':', start);
    if (colon != std::string::npos && colon < info.find("\\r\\n", start)) {
      keys += info.substr(start, colon - start) + " ";
    }
  }
  EXPECT_EQ(
      keys,
      "redis_version redis_git_sha1 redis_git_dirty redis_build_id redis_mode codis_server os arch_bits "
      "monotonic_clock multiplexing_api atomicvar_api gcc_version process_id process_supervised run_id "
      "tcp_port server_time_usec uptime_in_seconds uptime_in_days hz configured_hz lru_clock executable "
      "config_file io_threads_active ");
  EXPECT_NE(info.find("process_id:42\\r\\n"), std::string::npos);
  EXPECT_NE(info.find("executable:/bin/cs\\r\\n"), std::string::npos);
  const std::string& id = f.server().run_id();
  EXPECT_EQ(id.size(), 40u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(info.find("run_id:" + id), std::string::npos);
}

}  // namespace
}  // namespace codis::server::testing

namespace codis::server::testing {
namespace {

// redis-server 7.0.15: when EXEC itself is refused inside MULTI (here: arity), the reply is EXECABORT with
// the reason and the transaction is over (rejectCommand -> execCommandAbort in Redis).
TEST(Errors, RefusedExecAbortsTransaction) {
  ServerFixture f;
  f.cmd("multi");
  f.cmd("set a 1");
  EXPECT_EQ(f.cmd("exec a"),
            "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command");
  EXPECT_EQ(f.cmd("exec"), "-ERR EXEC without MULTI");
}

}  // namespace
}  // namespace codis::server::testing
