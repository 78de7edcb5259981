// Short-lived signed WebSocket tokens: HMAC-SHA256 over (user id, expiry, random nonce, API client)
// with a key every node shares (ws.token_secret, or one generated once and kept in the database).
// A token is "<base64url(user_id:expires_s:nonce[:client_id])>.<base64url(mac)>"; it proves who
// may connect until it expires and carries nothing secret. The API client that obtained it (none
// for the bot and the console) lets its connections be closed when that client is revoked.
// Expiry is read from the injected Clock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace lucas::realtime {

struct IssuedToken {
  std::string token;  // secret to the holder: never log it
  Micros expires_at = 0;
};

enum class TokenCheck { kOk, kMalformed, kBadSignature, kExpired };
std::string_view token_check_name(TokenCheck c);  // "ok", "malformed", "bad_signature", "expired"

struct VerifiedToken {
  TokenCheck result = TokenCheck::kMalformed;
  int64_t user_id = 0;    // set when the signature is good (also for an expired token)
  std::string client_id;  // the API client that obtained it ("" for none)
  Micros expires_at = 0;
  bool ok() const { return result == TokenCheck::kOk; }
};

class TokenSigner {
 public:
  // `key`: at least 32 bytes. `ttl`: how long an issued token is good for.
  TokenSigner(std::string key, const Clock& clock, Micros ttl);

  // `client_id`: the API client asking for it ([A-Za-z0-9_-], at most 64 bytes; "" for none).
  IssuedToken issue(int64_t user_id, const std::string& client_id = "") const;
  VerifiedToken verify(std::string_view token) const;
  Micros ttl() const { return ttl_; }

 private:
  std::string mac(std::string_view payload) const;
  std::string key_;
  const Clock& clock_;
  Micros ttl_;
};

}  // namespace lucas::realtime
