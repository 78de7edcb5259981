#include "base/blocking.h"

namespace lucas {
namespace {
thread_local bool t_attempt = false;
thread_local bool t_effects = false;
thread_local uint64_t t_attempts = 0;  // outer attempts begun on this thread
}  // namespace

InlineAttempt::InlineAttempt() : outer_(t_attempt) {
  if (!outer_) ++t_attempts;
  t_attempt = true;
}

InlineAttempt::~InlineAttempt() {
  t_attempt = outer_;
}

bool InlineAttempt::active() {
  return t_attempt;
}

uint64_t InlineAttempt::current() {
  return t_attempt ? t_attempts : 0;
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
