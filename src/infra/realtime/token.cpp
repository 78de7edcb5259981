#include "infra/realtime/token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <stdexcept>

#include "base/ids.h"

namespace lucas::realtime {
namespace {

constexpr std::string_view kDomain = "lucas-ws-v1:";  // binds the MAC to this use of the key

bool parse_i64(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string_view token_check_name(TokenCheck c) {
  switch (c) {
    case TokenCheck::kOk:
      return "ok";
    case TokenCheck::kMalformed:
      return "malformed";
    case TokenCheck::kBadSignature:
      return "bad_signature";
    case TokenCheck::kExpired:
      return "expired";
  }
  return "malformed";
}

TokenSigner::TokenSigner(std::string key, const Clock& clock, Micros ttl)
    : key_(std::move(key)), clock_(clock), ttl_(ttl) {
  if (key_.size() < 32) throw std::invalid_argument("a token key needs at least 32 bytes");
  if (ttl_ <= 0) throw std::invalid_argument("a token lifetime must be positive");
}

std::string TokenSigner::mac(std::string_view payload) const {
  const std::string input = std::string(kDomain) + std::string(payload);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

IssuedToken TokenSigner::issue(int64_t user_id, const std::string& client_id) const {
  if (client_id.size() > 64 ||
      client_id.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
          std::string::npos) {
    throw std::invalid_argument("a client id is at most 64 of [A-Za-z0-9_-]");
  }
  // Whole seconds, rounded down: the token never outlives its ttl.
  const Micros expires = (clock_.now() + ttl_) / 1'000'000 * 1'000'000;
  std::string payload =
      std::to_string(user_id) + ":" + std::to_string(expires / 1'000'000) + ":" + random_hex(12);
  if (!client_id.empty()) payload += ":" + client_id;
  return {base64url_encode(payload) + "." + base64url_encode(mac(payload)), expires};
}

VerifiedToken TokenSigner::verify(std::string_view token) const {
  VerifiedToken v;
  if (token.size() > 512) return v;
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) != std::string_view::npos) {
    return v;
  }
  const auto payload = base64url_decode(token.substr(0, dot));
  const auto sig = base64url_decode(token.substr(dot + 1));
  if (!payload || !sig) return v;
  const std::string want = mac(*payload);
  if (sig->size() != want.size() || CRYPTO_memcmp(sig->data(), want.data(), want.size()) != 0) {
    v.result = TokenCheck::kBadSignature;
    return v;
  }
  // Signed by us, so well formed unless the key was misused: parse defensively all the same.
  const std::string_view p = *payload;
  const size_t a = p.find(':');
  const size_t b = a == std::string_view::npos ? a : p.find(':', a + 1);
  int64_t user = 0;
  int64_t expires_s = 0;
  if (b == std::string_view::npos || !parse_i64(p.substr(0, a), user) ||
      !parse_i64(p.substr(a + 1, b - a - 1), expires_s) || expires_s < 0 ||
      expires_s > INT64_MAX / 1'000'000) {
    return v;
  }
  v.user_id = user;
  // After the nonce, the API client (tokens from before it existed have none).
  if (const size_t c = p.find(':', b + 1); c != std::string_view::npos) {
    v.client_id = std::string(p.substr(c + 1));
  }
  v.expires_at = expires_s * 1'000'000;
  v.result = clock_.now() < v.expires_at ? TokenCheck::kOk : TokenCheck::kExpired;
  return v;
}

}  // namespace lucas::realtime
