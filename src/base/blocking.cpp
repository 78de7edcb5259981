#include "base/blocking.h"

namespace lucas {
namespace {
thread_local bool t_attempt = false;
thread_local bool t_effects = false;
}  // namespace

InlineAttempt::InlineAttempt() : outer_(t_attempt) {
  t_attempt = true;
}

InlineAttempt::~InlineAttempt() {
  t_attempt = outer_;
}

bool InlineAttempt::active() {
  return t_attempt;
}

InlineSideEffects::InlineSideEffects() : outer_(t_effects) {
  t_effects = true;
}

InlineSideEffects::~InlineSideEffects() {
  t_effects = outer_;
}

void may_block() {
  if (t_attempt) throw WouldBlock{};
}

void side_effect() {
  if (t_attempt && !t_effects) throw WouldBlock{};
}

}  // namespace lucas
