// Checking what Telegram vouches for when a player signs in to the web app (pure functions: no
// database, no clock of their own, no network).
//
//   - Mini App (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):
//     `initData` is a URL-encoded query string. The data-check-string is every field but `hash`,
//     decoded, as "key=value" lines sorted by key and joined by '\n'; the secret key is
//     HMAC-SHA256(key "WebAppData", message: the bot token); `hash` must be the hex
//     HMAC-SHA256(secret key, data-check-string).
//   - Login Widget (https://core.telegram.org/widgets/login#checking-authorization): the same
//     data-check-string over the fields it returns (id, first_name, ..., auth_date), with the
//     secret key SHA-256(bot token).
//
// Both then need `auth_date` (Unix seconds) no older than the allowed age (and not from the
// future beyond a minute of clock skew). Hashes are compared in constant time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace lucas::sessions {

struct TelegramUser {
  int64_t id = 0;
  std::string first_name;
  std::string last_name;
  std::string username;
  std::string language_code;
  std::string display_name() const;  // "first last", or the username, or the id
};

// Why a sign-in was refused (stable names: they are audited and returned to the client).
enum class Refusal {
  kNone,
  kMalformed,   // not a query string, a repeated key, a bad escape
  kNoHash,      // no hash field
  kBadHash,     // the hash does not match: forged, tampered or for another bot
  kNoAuthDate,  // auth_date missing or not a number
  kStale,       // auth_date older than the allowed age
  kFuture,      // auth_date more than a minute ahead of our clock
  kNoUser,      // no user (or a user without a positive integer id)
};
std::string_view refusal_name(Refusal r);

struct LoginCheck {
  Refusal refusal = Refusal::kNone;
  bool ok() const { return refusal == Refusal::kNone; }
  TelegramUser user;
  Micros auth_date = 0;
};

// "a=1&b=x%20y" -> fields; '+' is a space (as URLSearchParams reads it). nullopt on a malformed
// escape or a repeated key.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view text);

// Every field but "hash", sorted by key, as "key=value" lines joined by '\n'.
std::string data_check_string(const std::map<std::string, std::string>& fields);

// Lowercase hex HMAC-SHA256.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// The Mini App's initData as received (the raw query string).
LoginCheck check_webapp_init_data(std::string_view init_data, std::string_view bot_token,
                                  Micros now, Micros max_age);
// The Login Widget's fields (id, first_name, last_name, username, photo_url, auth_date, hash).
LoginCheck check_login_widget(const std::map<std::string, std::string>& fields,
                              std::string_view bot_token, Micros now, Micros max_age);

// What a test (or a client of our own) sends: initData signed with the bot token.
std::string sign_webapp_init_data(std::map<std::string, std::string> fields,
                                  std::string_view bot_token);

}  // namespace lucas::sessions
