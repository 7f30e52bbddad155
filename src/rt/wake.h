// Cancellation-safe resumption of a suspended coroutine. An awaiter owns a WakeSlot; whoever completes the
// operation holds a Waker and calls wake(), which resumes the coroutine through Executor::post. If the
// awaiting frame is destroyed first (cancellation), the slot disarms and the late wake-up does nothing.
#pragma once

#include <coroutine>
#include <cstddef>
#include <memory>
#include <utility>

#include "rt/executor.h"

namespace codis::rt {

namespace detail {
struct WakeState {
  Executor* ex = nullptr;
  std::coroutine_handle<> h;
};
}  // namespace detail

class Waker {
 public:
  Waker() = default;
  explicit Waker(std::shared_ptr<detail::WakeState> s) : s_(std::move(s)) {}

  // True while the waiting coroutine is still there and has not been woken.
  bool armed() const { return s_ && s_->h; }

  // Resumes the waiter on its executor after the current event. One-shot; later calls do nothing.
  void wake() {
    if (!armed()) {
      return;
    }
    auto s = std::move(s_);
    s->ex->post([s] {
      if (auto h = std::exchange(s->h, {})) {
        h.resume();
      }
    });
  }

  // Resumes the waiter right now. Only for callers that are themselves an executor event on the waiter's
  // executor (a timer callback, say), so the resumption is still a scheduling point of that executor.
  void resume_now() {
    if (!armed()) {
      return;
    }
    auto s = std::move(s_);
    std::exchange(s->h, {}).resume();
  }

 private:
  std::shared_ptr<detail::WakeState> s_;
};

class WakeSlot {
 public:
  WakeSlot() = default;
  WakeSlot(const WakeSlot&) = delete;
  WakeSlot& operator=(const WakeSlot&) = delete;
  ~WakeSlot() { disarm(); }

  Waker arm(Executor& ex, std::coroutine_handle<> h) {
    disarm();
    s_ = std::make_shared<detail::WakeState>();
    s_->ex = &ex;
    s_->h = h;
    return Waker(s_);
  }
  void disarm() {
    if (s_) {
      s_->h = {};
      s_.reset();
    }
  }
  bool armed() const { return s_ && s_->h; }

 private:
  std::shared_ptr<detail::WakeState> s_;
};

// The waiters of an Event or a Scope's join: an intrusive list of suspended awaiters. A waiter whose frame
// is destroyed (cancelled) unlinks itself at once, so a list never holds more than its live waiters (a
// subscriber that waits for pushes on every turn must not grow it).
class WaitList {
 public:
  class Node {
   public:
    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    ~Node() {
      if (list_ != nullptr) {
        list_->unlink(this);
      }
    }

   private:
    friend class WaitList;
    WakeSlot slot_;
    Waker waker_;
    WaitList* list_ = nullptr;
    Node* prev_ = nullptr;
    Node* next_ = nullptr;
  };

  WaitList() = default;
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;
  // Waiters still linked outlive the list only if their owner is being torn down too; they forget it.
  ~WaitList() {
    while (head_ != nullptr) {
      unlink(head_);
    }
  }

  // Links n (an awaiter suspending h) at the tail; wake_all() resumes it through ex.
  void add(Node& n, Executor& ex, std::coroutine_handle<> h) {
    n.waker_ = n.slot_.arm(ex, h);
    n.list_ = this;
    n.prev_ = tail_;
    n.next_ = nullptr;
    (tail_ != nullptr ? tail_->next_ : head_) = &n;
    tail_ = &n;
    ++size_;
  }

  // Wakes every waiter linked now, in the order they came (each resumes after the current event).
  void wake_all() {
    while (head_ != nullptr) {
      Node* n = head_;
      unlink(n);
      n->waker_.wake();
    }
  }

  bool empty() const { return head_ == nullptr; }
  size_t size() const { return size_; }

 private:
  void unlink(Node* n) {
    (n->prev_ != nullptr ? n->prev_->next_ : head_) = n->next_;
    (n->next_ != nullptr ? n->next_->prev_ : tail_) = n->prev_;
    n->prev_ = n->next_ = nullptr;
    n->list_ = nullptr;
    --size_;
  }

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t size_ = 0;
};

}  // namespace codis::rt
