// What the economy's services and faces share: its errors (a bad field, a refusal with a reason,
// a player required), and the faces' coins and pages in JSON.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/money_json.h"
#include "features/users/users.h"
#include "ledger/ledger.h"

namespace lucas::economy {

// INVALID_ARGUMENT naming the field: "quantity: must be between 1 and 100".
inline Error field_error(const std::string& field, const std::string& message) {
  return Error(ErrorCode::kInvalidArgument, field + ": " + message, {{"field", field}});
}

// CONFLICT with details.reason (and any other details) that the faces explain in words.
inline Error refusal_error(const std::string& reason, const std::string& message,
                           nlohmann::json details = nlohmann::json::object()) {
  details["reason"] = reason;
  return Error(ErrorCode::kConflict, message, std::move(details));
}

// The actor as a player with `scope`: UNAUTHORIZED when anonymous, INSUFFICIENT_SCOPE without
// it, INVALID_ARGUMENT for the console (it owns nothing to spend).
inline int64_t require_player(const users::Actor& actor, std::string_view scope) {
  actor.require_scope(scope);
  if (actor.console) throw Error(ErrorCode::kInvalidArgument, "the console is not a player");
  return actor.user_id;
}

// Coins as the API writes money: {"currency": "COIN", "amount": "12.50"}.
inline nlohmann::json coins_json(int64_t minor) {
  return money_json(std::string(ledger::kCoin), 2, minor);
}

// A page of a list paged by id: {"items", "next_before"} (the last id when the page is full).
inline nlohmann::json id_page_json(nlohmann::json items, int limit) {
  const auto next = items.size() == static_cast<size_t>(limit) && !items.empty()
                        ? nlohmann::json(items.back()["id"])
                        : nlohmann::json(nullptr);
  return {{"items", std::move(items)}, {"next_before", next}};
}

}  // namespace lucas::economy
