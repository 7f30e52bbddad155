#include "rt/scope.h"

#include <exception>
#include <utility>

namespace codis::rt {

namespace detail {

// The coroutine frame that owns one spawned Task. When the Task finishes, the frame frees itself and
// unlinks from its scope; when the scope cancels it, the scope destroys the frame (and so the Task).
struct ScopeChild {
  struct promise_type {
    Scope* scope = nullptr;
    std::list<std::coroutine_handle<>>::iterator it;
    WakeSlot start;  // disarmed if the frame is destroyed before its posted start runs

    ScopeChild get_return_object() noexcept {
      return ScopeChild{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct Final {
      bool await_ready() noexcept { return false; }
      void await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        Scope* s = h.promise().scope;
        auto it = h.promise().it;
        h.destroy();
        s->on_child_done(it);
      }
      void await_resume() noexcept {}
    };
    Final final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    [[noreturn]] void unhandled_exception() noexcept { std::terminate(); }
  };
  std::coroutine_handle<promise_type> h;
};

namespace {
ScopeChild run_child(Task<void> t) {
  co_await std::move(t);
}
}  // namespace

}  // namespace detail

Scope::Scope(Executor& ex) : ex_(&ex), self_(std::make_shared<Scope*>(this)) {}

Scope::~Scope() {
  self_.reset();
  cancel_now();
}

void Scope::spawn(Task<void> t) {
  if (cancelled_ || !t.valid()) {
    return;  // t is destroyed unstarted
  }
  auto child = detail::run_child(std::move(t));
  auto& p = child.h.promise();
  p.scope = this;
  p.it = children_.insert(children_.end(), child.h);
  p.start.arm(*ex_, child.h).wake();
}

void Scope::cancel() {
  if (cancelled_) {
    return;
  }
  cancelled_ = true;
  std::weak_ptr<Scope*> weak = self_;
  ex_->post([weak] {
    if (auto s = weak.lock()) {
      (*s)->cancel_now();
    }
  });
}

void Scope::cancel_now() {
  cancelled_ = true;
  while (!children_.empty()) {
    auto h = children_.front();
    children_.pop_front();
    h.destroy();
  }
  notify_joiners();
}

void Scope::on_child_done(std::list<std::coroutine_handle<>>::iterator it) {
  children_.erase(it);
  if (children_.empty()) {
    notify_joiners();
  }
}

void Scope::notify_joiners() {
  joiners_.wake_all();
}

}  // namespace codis::rt
