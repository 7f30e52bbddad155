// curl, a client we did not write, against the server on the real runtime: plain requests, bodies, a
// connection kept alive across requests, chunked uploads, Expect: 100-continue, HEAD and errors. Skipped
// when curl is not installed.
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "http/server.h"
#include "rt/asio/runtime.h"
#include "rt/scope.h"
#include "rt/sleep.h"

extern char** environ;

namespace codis::http {
namespace {

std::string find_curl() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = dir + "/curl";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

class Curl : public ::testing::Test {
 protected:
  void SetUp() override {
    curl_ = find_curl();
    if (curl_.empty()) GTEST_SKIP() << "curl is not installed";
    char tmpl[] = "/tmp/codis-http-curl-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    router_.get("/hello", [](const Request&) { return Response::text(200, "hello\n"); });
    router_.post("/echo", [](const Request& q) {
      Response r = Response::text(200, q.body);
      r.content_type = std::string(q.header("Content-Type").value_or("application/octet-stream"));
      r.headers.emplace_back("X-Body-Length", std::to_string(q.body.size()));
      return r;
    });
    router_.get("/q", [](const Request& q) {
      return Response::json(200, "{\"name\":\"" + std::string(q.param("name").value_or("")) + "\"}");
    });
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Runs curl with args (after -sS) while the server runs; returns its exit code (minus the signal that
  // killed it, -1000 - errno when it could not start) and stdout.
  int curl(std::vector<std::string> args, std::string* out) {
    rt::asio::AsioOptions o;
    o.seed = 1;
    o.log_level = rt::LogLevel::kWarning;
    rt::asio::AsioRuntime runtime(o);
    rt::Env& env = runtime.env();
    auto l = env.net.listen(rt::Endpoint("127.0.0.1", 0));
    EXPECT_TRUE(l.ok());
    if (!l.ok()) return -1;
    const std::string base = "http://127.0.0.1:" + std::to_string((*l)->local().port);
    for (auto& a : args) {
      if (a.rfind("URL/", 0) == 0) a = base + a.substr(3);  // "URL/path": a URL of this server
    }
    const std::string out_path = dir_ + "/out";
    int code = -1;
    {
      rt::Scope server(env.exec);
      server.spawn(serve(env, **l, router_));
      runtime.block_on([](rt::Env& env, std::string curl, std::vector<std::string> args, std::string out_path,
                          int* code) -> rt::Task<void> {
        std::vector<std::string> argv_s = {curl, "-sS", "--max-time", "20"};
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        pid_t pid = 0;
        const int rc = posix_spawn(&pid, curl.c_str(), &fa, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        if (rc != 0) {
          *code = -1000 - rc;
          co_return;
        }
        for (;;) {
          int status = 0;
          if (::waitpid(pid, &status, WNOHANG) == pid) {
            *code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
            co_return;
          }
          co_await rt::sleep_for(env.exec, rt::milliseconds(5));
        }
      }(env, curl_, args, out_path, &code));
    }
    std::ifstream f(out_path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    *out = ss.str();
    return code;
  }

  std::string file(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  Router router_;
  std::string curl_;
  std::string dir_;
};

TEST_F(Curl, GetsAPage) {
  std::string out;
  ASSERT_EQ(curl({"-i", "URL/hello"}, &out), 0);
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("Content-Length: 6\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 6), "hello\n");
}

TEST_F(Curl, PostsABodyAndReadsQueryParameters) {
  std::string out;
  ASSERT_EQ(
      curl({"-H", "Content-Type: application/json", "--data-binary", "{\"k\":[1,2]}", "URL/echo"}, &out), 0);
  EXPECT_EQ(out, "{\"k\":[1,2]}");
  ASSERT_EQ(curl({"-G", "--data-urlencode", "name=a b&c", "URL/q"}, &out), 0);
  EXPECT_EQ(out, "{\"name\":\"a b&c\"}");
}

TEST_F(Curl, KeepsTheConnectionAliveAcrossRequests) {
  std::string out;
  // Three URLs in one run; %{num_connects} is 0 for a request on a reused connection.
  ASSERT_EQ(curl({"-w", "[%{num_connects}]", "URL/hello", "URL/hello", "URL/hello"}, &out), 0);
  EXPECT_EQ(out, "hello\n[1]hello\n[0]hello\n[0]");
}

TEST_F(Curl, UploadsChunkedAndWithExpectContinue) {
  std::string big(300 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('A' + i % 23);
  const std::string path = file("big", big);
  std::string out;
  ASSERT_EQ(curl({"-H", "Transfer-Encoding: chunked", "--data-binary", "@" + path, "URL/echo"}, &out), 0);
  EXPECT_TRUE(out == big) << out.size();
  ASSERT_EQ(curl({"-H", "Expect: 100-continue", "--expect100-timeout", "10", "--data-binary", "@" + path,
                  "-D", dir_ + "/headers", "URL/echo"},
                 &out),
            0);
  EXPECT_TRUE(out == big) << out.size();
  std::ifstream h(dir_ + "/headers");
  std::stringstream hs;
  hs << h.rdbuf();
  EXPECT_EQ(hs.str().rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << hs.str();
}

TEST_F(Curl, HeadAndErrors) {
  std::string out;
  ASSERT_EQ(curl({"-I", "URL/hello"}, &out), 0);
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("Content-Length: 6\r\n"), std::string::npos) << out;
  ASSERT_EQ(curl({"-o", "/dev/null", "-w", "%{http_code}", "URL/nope"}, &out), 0);
  EXPECT_EQ(out, "404");
  ASSERT_EQ(curl({"-i", "-X", "DELETE", "URL/hello"}, &out), 0);
  EXPECT_EQ(out.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("Allow: GET, HEAD\r\n"), std::string::npos) << out;
  ASSERT_EQ(
      curl({"-o", "/dev/null", "-w", "%{http_code}", "-H", "X-Big: " + std::string(9000, 'b'), "URL/hello"},
           &out),
      0);
  EXPECT_EQ(out, "431");
}

}  // namespace
}  // namespace codis::http
