// Errors carry a stable machine code, a human message, details and an optional retry-after.
// Adapters (HTTP, bot) map the code to a status or a localized reply.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lucas {

enum class ErrorCode {
  kInvalidArgument,      // INVALID_ARGUMENT       400
  kInvalidAmount,        // INVALID_AMOUNT         400
  kAmountOverflow,       // AMOUNT_OVERFLOW        400
  kNotFound,             // NOT_FOUND              404
  kMethodNotAllowed,     // METHOD_NOT_ALLOWED     405
  kConflict,             // CONFLICT               409
  kIdempotencyConflict,  // IDEMPOTENCY_CONFLICT   409
  kInsufficientFunds,    // INSUFFICIENT_FUNDS     409
  kHoldNotPending,       // HOLD_NOT_PENDING       409
  kPayloadTooLarge,      // PAYLOAD_TOO_LARGE      413
  kRequestTimeout,       // REQUEST_TIMEOUT        408
  kUnauthorized,         // UNAUTHORIZED           401
  kForbidden,            // FORBIDDEN              403
  kUserBanned,           // USER_BANNED            403
  kInsufficientScope,    // INSUFFICIENT_SCOPE     403 (the token lacks an OAuth scope)
  kRateLimited,          // RATE_LIMITED           429
  kUnavailable,          // SERVICE_UNAVAILABLE    503
  kStorage,              // STORAGE_ERROR          500
  kInternal,             // INTERNAL_ERROR         500
};

std::string_view error_code_name(ErrorCode code);
int http_status(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, nlohmann::json details = nullptr,
        std::optional<int> retry_after_s = std::nullopt)
      : std::runtime_error(std::move(message)),
        code_(code),
        details_(std::move(details)),
        retry_after_s_(retry_after_s) {}

  ErrorCode code() const { return code_; }
  const nlohmann::json& details() const { return details_; }
  std::optional<int> retry_after() const { return retry_after_s_; }

 private:
  ErrorCode code_;
  nlohmann::json details_;
  std::optional<int> retry_after_s_;
};

// INSUFFICIENT_SCOPE naming the missing scope (details: error "insufficient_scope", scope).
Error insufficient_scope(std::string_view scope);

}  // namespace lucas
