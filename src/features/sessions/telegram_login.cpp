#include "features/sessions/telegram_login.h"

#include "base/ids.h"
#include "infra/http/http.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

namespace lucas::sessions {
namespace {

constexpr Micros kSecond = 1'000'000;
constexpr Micros kAllowedSkew = 60 * kSecond;

std::string hmac_raw(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::optional<int64_t> parse_i64(std::string_view s) {
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// The part both checks share once the hash is known to be right: auth_date's freshness.
LoginCheck check_date(const std::map<std::string, std::string>& fields, Micros now,
                      Micros max_age) {
  LoginCheck c;
  const auto it = fields.find("auth_date");
  const auto date = it == fields.end() ? std::nullopt : parse_i64(it->second);
  if (!date || *date <= 0 || *date > INT64_MAX / kSecond) {
    c.refusal = Refusal::kNoAuthDate;
    return c;
  }
  c.auth_date = *date * kSecond;
  if (c.auth_date > now + kAllowedSkew) {
    c.refusal = Refusal::kFuture;
  } else if (now - c.auth_date > max_age) {
    c.refusal = Refusal::kStale;
  }
  return c;
}

std::string string_field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string TelegramUser::display_name() const {
  std::string name = first_name;
  if (!last_name.empty()) name += (name.empty() ? "" : " ") + last_name;
  if (name.empty()) name = username;
  if (name.empty()) name = std::to_string(id);
  return name;
}

std::string_view refusal_name(Refusal r) {
  switch (r) {
    case Refusal::kNone:
      return "ok";
    case Refusal::kMalformed:
      return "malformed";
    case Refusal::kNoHash:
      return "no_hash";
    case Refusal::kBadHash:
      return "bad_hash";
    case Refusal::kNoAuthDate:
      return "no_auth_date";
    case Refusal::kStale:
      return "stale";
    case Refusal::kFuture:
      return "future_auth_date";
    case Refusal::kNoUser:
      return "no_user";
  }
  return "malformed";
}

std::optional<std::map<std::string, std::string>> parse_query(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto key = http::percent_decode(pair.substr(0, eq), true);
    auto value =
        http::percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value || key->empty()) return std::nullopt;
    if (!out.emplace(std::move(*key), std::move(*value)).second) return std::nullopt;
  }
  return out;
}

std::string data_check_string(const std::map<std::string, std::string>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {  // std::map: sorted by key (bytewise, as Telegram sorts)
    if (k == "hash") continue;
    if (!out.empty()) out += '\n';
    out += k + "=" + v;
  }
  return out;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  const std::string raw = hmac_raw(key, message);
  return to_hex(raw);
}

LoginCheck check_webapp_init_data(std::string_view init_data, std::string_view bot_token,
                                  Micros now, Micros max_age) {
  LoginCheck c;
  const auto fields = parse_query(init_data);
  if (!fields || fields->empty()) {
    c.refusal = Refusal::kMalformed;
    return c;
  }
  const auto hash = fields->find("hash");
  if (hash == fields->end() || hash->second.empty()) {
    c.refusal = Refusal::kNoHash;
    return c;
  }
  const std::string secret = hmac_raw("WebAppData", bot_token);
  if (bot_token.empty() ||
      !equal_constant_time(hmac_sha256_hex(secret, data_check_string(*fields)), hash->second)) {
    c.refusal = Refusal::kBadHash;
    return c;
  }
  c = check_date(*fields, now, max_age);
  if (!c.ok()) return c;
  const auto user = fields->find("user");
  const auto j = user == fields->end() ? nlohmann::json()
                                       : nlohmann::json::parse(user->second, nullptr, false);
  if (!j.is_object() || !j.contains("id") || !j["id"].is_number_integer() ||
      j["id"].get<int64_t>() <= 0) {
    c.refusal = Refusal::kNoUser;
    return c;
  }
  c.user.id = j["id"].get<int64_t>();
  c.user.first_name = string_field(j, "first_name");
  c.user.last_name = string_field(j, "last_name");
  c.user.username = string_field(j, "username");
  c.user.language_code = string_field(j, "language_code");
  return c;
}

LoginCheck check_login_widget(const std::map<std::string, std::string>& fields,
                              std::string_view bot_token, Micros now, Micros max_age) {
  LoginCheck c;
  const auto hash = fields.find("hash");
  if (hash == fields.end() || hash->second.empty()) {
    c.refusal = Refusal::kNoHash;
    return c;
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bot_token.data()), bot_token.size(), digest);
  const std::string secret(reinterpret_cast<const char*>(digest), sizeof digest);
  if (bot_token.empty() ||
      !equal_constant_time(hmac_sha256_hex(secret, data_check_string(fields)), hash->second)) {
    c.refusal = Refusal::kBadHash;
    return c;
  }
  c = check_date(fields, now, max_age);
  if (!c.ok()) return c;
  const auto id = fields.find("id");
  const auto parsed = id == fields.end() ? std::nullopt : parse_i64(id->second);
  if (!parsed || *parsed <= 0) {
    c.refusal = Refusal::kNoUser;
    return c;
  }
  const auto get = [&](const char* k) {
    const auto it = fields.find(k);
    return it == fields.end() ? std::string() : it->second;
  };
  c.user.id = *parsed;
  c.user.first_name = get("first_name");
  c.user.last_name = get("last_name");
  c.user.username = get("username");
  return c;
}

std::string sign_webapp_init_data(std::map<std::string, std::string> fields,
                                  std::string_view bot_token) {
  fields.erase("hash");
  const std::string hash =
      hmac_sha256_hex(hmac_raw("WebAppData", bot_token), data_check_string(fields));
  fields["hash"] = hash;
  static constexpr char kSafe[] = "-_.~";
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += k + "=";
    for (unsigned char ch : v) {
      if (std::isalnum(ch) ||
          std::string_view(kSafe).find(static_cast<char>(ch)) != std::string_view::npos) {
        out += static_cast<char>(ch);
      } else {
        static constexpr char kUpper[] = "0123456789ABCDEF";  // RFC 3986 percent-encoding
        out += '%';
        out += kUpper[ch >> 4];
        out += kUpper[ch & 0xF];
      }
    }
  }
  return out;
}

}  // namespace lucas::sessions
