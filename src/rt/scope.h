// Scope: structured concurrency. It owns the tasks spawned on it; destroying the Scope destroys (cancels)
// every one of them at once. A process has one root Scope, so killing a process is destroying that Scope.
#pragma once

#include <coroutine>
#include <cstddef>
#include <list>
#include <memory>

#include "rt/executor.h"
#include "rt/task.h"
#include "rt/wake.h"

namespace codis::rt {

namespace detail {
struct ScopeChild;
}

class Scope {
 public:
  explicit Scope(Executor& ex);
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
  // Destroys every child synchronously. Must not run from inside one of its own children.
  ~Scope();

  // Starts t on the executor (after the current event). After cancel() the task is dropped unstarted.
  void spawn(Task<void> t);

  // Cancels every child. Safe from anywhere, including from one of the children: the frames are destroyed
  // by a posted event, never under the feet of a running child. New spawns are refused from now on.
  void cancel();

  // Destroys every child now. Only for owners that know no child is running (a simulator killing a process).
  void cancel_now();

  bool cancelled() const { return cancelled_; }
  size_t size() const { return children_.size(); }
  Executor& executor() const { return *ex_; }

  struct JoinAwaiter : WaitList::Node {
    explicit JoinAwaiter(Scope* s) : scope(s) {}
    Scope* scope;
    bool await_ready() const noexcept { return scope->children_.empty(); }
    void await_suspend(std::coroutine_handle<> h) { scope->joiners_.add(*this, *scope->ex_, h); }
    void await_resume() const noexcept {}
  };
  // Completes when the scope has no children left. A cancelled join leaves the scope's list at once.
  JoinAwaiter join() { return JoinAwaiter{this}; }
  // Tasks suspended in join() now.
  size_t joiners() const { return joiners_.size(); }

 private:
  friend struct detail::ScopeChild;
  void on_child_done(std::list<std::coroutine_handle<>>::iterator it);
  void notify_joiners();

  Executor* ex_;
  bool cancelled_ = false;
  std::list<std::coroutine_handle<>> children_;  // insertion order keeps cancellation deterministic
  WaitList joiners_;
  std::shared_ptr<Scope*> self_;  // lets posted events find out the scope is gone
};

}  // namespace codis::rt
