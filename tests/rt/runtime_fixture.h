// The interface a runtime implements to run the contract tests (contract_test.cc), and the registry that
// lists those runtimes. Each fixture file (asio_fixture.cc, later sim_fixture.cc) registers itself:
//
//   CODIS_REGISTER_RUNTIME(asio, [] { return std::make_unique<AsioFixture>(); });
//
// and every contract test then runs once per registered runtime (Contract/Contract.Echo/asio, .../sim).
// A fixture is made fresh for each test and destroyed after it.
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "rt/env.h"
#include "rt/result.h"
#include "rt/task.h"
#include "rt/time.h"

namespace codis::rt::test {

class RuntimeFixture {
 public:
  // A test body: runs as a Task on the runtime, with the Env it is given.
  using Body = std::function<Task<void>(Env&)>;

  virtual ~RuntimeFixture() = default;

  // Runs body to completion on a fresh top-level task. Records a test failure (and cancels the body) when it
  // has not finished within `limit` of the runtime's own time (virtual time in a simulator), or when the
  // runtime has nothing left to run while the body is still waiting (a deadlock, which a simulator can see).
  // After the body finishes the runtime may keep running briefly; nothing the body left behind may resume.
  virtual void run_for(Body body, Duration limit) = 0;
  // The Env that bodies get (for checks outside a body).
  virtual Env& env() = 0;
  // The host to listen on and connect to: "127.0.0.1" for the real runtime, a simulated host's name or
  // address for the simulator.
  virtual std::string host() = 0;
  // An existing, empty directory for disk tests (a path the runtime's Disk understands), removed with the
  // fixture.
  virtual std::string temp_dir() = 0;

  void run(Body body) { run_for(std::move(body), seconds(10)); }
};

using RuntimeFactory = std::function<std::unique_ptr<RuntimeFixture>()>;

struct RegisteredRuntime {
  std::string name;  // a valid test-name suffix: letters, digits, underscores
  RuntimeFactory make;
};

// Every runtime registered in this binary, sorted by name (registration order across files is unspecified).
inline std::vector<RegisteredRuntime>& runtime_registry() {
  static std::vector<RegisteredRuntime> r;
  return r;
}

inline bool register_runtime(std::string name, RuntimeFactory make) {
  auto& r = runtime_registry();
  r.push_back({std::move(name), std::move(make)});
  std::sort(r.begin(), r.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return true;
}

inline std::vector<const RegisteredRuntime*> all_runtimes() {
  std::vector<const RegisteredRuntime*> v;
  for (const auto& r : runtime_registry()) {
    v.push_back(&r);
  }
  return v;
}

// A test suite run once per registered runtime: derive from it and instantiate with
// CODIS_INSTANTIATE_FOR_RUNTIMES(Suite).
class PerRuntimeTest : public ::testing::TestWithParam<const RegisteredRuntime*> {
 protected:
  void SetUp() override { fx_ = GetParam()->make(); }
  void TearDown() override { fx_.reset(); }
  RuntimeFixture& fx() { return *fx_; }

 private:
  std::unique_ptr<RuntimeFixture> fx_;
};

#define CODIS_INSTANTIATE_FOR_RUNTIMES(suite)                                                       \
  INSTANTIATE_TEST_SUITE_P(Runtimes, suite, ::testing::ValuesIn(::codis::rt::test::all_runtimes()), \
                           [](const auto& info) { return info.param->name; })

#define CODIS_REGISTER_RUNTIME(name, factory)                          \
  [[maybe_unused]] static const bool codis_runtime_registered_##name = \
      ::codis::rt::test::register_runtime(#name, factory)

// gtest's ASSERT_* macros `return`, which a coroutine cannot; these `co_return` instead.
#define CO_ASSERT_TRUE(cond)                    \
  do {                                          \
    if (!(cond)) {                              \
      ADD_FAILURE() << "expected true: " #cond; \
      co_return;                                \
    }                                           \
  } while (0)

// Asserts that a Result is ok, printing the error's name otherwise.
#define CO_ASSERT_OK(res)                                                         \
  do {                                                                            \
    if (!(res).ok()) {                                                            \
      ADD_FAILURE() << #res " failed: " << ::codis::rt::errc_name((res).error()); \
      co_return;                                                                  \
    }                                                                             \
  } while (0)

}  // namespace codis::rt::test

namespace codis::rt {
// Lets gtest print Errc values by name in EXPECT_EQ failures.
inline void PrintTo(Errc e, std::ostream* os) {
  *os << errc_name(e);
}
}  // namespace codis::rt
