#include "base/error.h"

namespace lucas {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case ErrorCode::kInvalidAmount:
      return "INVALID_AMOUNT";
    case ErrorCode::kAmountOverflow:
      return "AMOUNT_OVERFLOW";
    case ErrorCode::kNotFound:
      return "NOT_FOUND";
    case ErrorCode::kMethodNotAllowed:
      return "METHOD_NOT_ALLOWED";
    case ErrorCode::kConflict:
      return "CONFLICT";
    case ErrorCode::kIdempotencyConflict:
      return "IDEMPOTENCY_CONFLICT";
    case ErrorCode::kInsufficientFunds:
      return "INSUFFICIENT_FUNDS";
    case ErrorCode::kHoldNotPending:
      return "HOLD_NOT_PENDING";
    case ErrorCode::kPayloadTooLarge:
      return "PAYLOAD_TOO_LARGE";
    case ErrorCode::kRequestTimeout:
      return "REQUEST_TIMEOUT";
    case ErrorCode::kUnauthorized:
      return "UNAUTHORIZED";
    case ErrorCode::kForbidden:
      return "FORBIDDEN";
    case ErrorCode::kUserBanned:
      return "USER_BANNED";
    case ErrorCode::kInsufficientScope:
      return "INSUFFICIENT_SCOPE";
    case ErrorCode::kRateLimited:
      return "RATE_LIMITED";
    case ErrorCode::kUnavailable:
      return "SERVICE_UNAVAILABLE";
    case ErrorCode::kStorage:
      return "STORAGE_ERROR";
    case ErrorCode::kInternal:
      return "INTERNAL_ERROR";
  }
  return "INTERNAL_ERROR";
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kInvalidAmount:
    case ErrorCode::kAmountOverflow:
      return 400;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
    case ErrorCode::kUserBanned:
    case ErrorCode::kInsufficientScope:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kRequestTimeout:
      return 408;
    case ErrorCode::kConflict:
    case ErrorCode::kIdempotencyConflict:
    case ErrorCode::kInsufficientFunds:
    case ErrorCode::kHoldNotPending:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kStorage:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Error insufficient_scope(std::string_view scope) {
  return Error(ErrorCode::kInsufficientScope,
               "this access token lacks the scope \"" + std::string(scope) + "\"",
               {{"error", "insufficient_scope"}, {"scope", std::string(scope)}});
}

}  // namespace lucas
