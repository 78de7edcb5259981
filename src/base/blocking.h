// Inline attempts: running a piece of code on a thread that must not block (the HTTP server's
// network thread) on the chance that everything it needs is already in memory, and finding out
// cheaply when it is not.
//
// Inside an InlineAttempt, whatever would block (borrowing a database connection, a synchronous
// Redis command) calls may_block() first, which throws WouldBlock before anything was sent or
// changed; whatever has an effect that must not happen twice (counting a request against a rate
// limit) calls side_effect(), which throws likewise unless the caller opened InlineSideEffects.
// The caller catches WouldBlock and runs the same work again where blocking is fine (the worker
// pool). WouldBlock is not a std::exception, so the handlers' "any failure becomes an error
// answer" clauses let it through.
#pragma once

#include <cstdint>

namespace lucas {

struct WouldBlock {};

class InlineAttempt {
 public:
  InlineAttempt();
  ~InlineAttempt();
  InlineAttempt(const InlineAttempt&) = delete;
  InlineAttempt& operator=(const InlineAttempt&) = delete;
  // True on a thread inside an attempt.
  static bool active();
  // Names the attempt the thread is in (0: none), different for each attempt on a thread: what
  // a read may memoise for the rest of one attempt (nothing is written inside one).
  static uint64_t current();

 private:
  bool outer_;
};

// Within an attempt: effects are allowed (a step that runs exactly once whether or not a later
// step blocks, such as the request guard). Blocking still throws.
class InlineSideEffects {
 public:
  InlineSideEffects();
  ~InlineSideEffects();
  InlineSideEffects(const InlineSideEffects&) = delete;
  InlineSideEffects& operator=(const InlineSideEffects&) = delete;

 private:
  bool outer_;
};

// Throws WouldBlock inside an attempt; nothing otherwise.
void may_block();
// Throws WouldBlock inside an attempt unless InlineSideEffects is open; nothing otherwise.
void side_effect();

}  // namespace lucas
