// Notifications to users over WebSocket, and the tokens that open a WebSocket.
//   - Every committed ledger transfer that touches a user's account becomes a "money.credited"
//     or "money.debited" notification for that user (stored, so a reconnecting client resumes
//     from its last id; pushed to their connections on every node). Other features push their
//     own types through realtime::Notifier (push_to_user / push_to_topic).
//   - issue_token() gives a short-lived signed token (bot /web, POST /api/v1/ws/token);
//     authenticate() checks one when a WebSocket connects. Both are audited, with the IP.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "infra/audit/audit.h"
#include "infra/events/outbox.h"
#include "infra/realtime/hub.h"
#include "infra/realtime/notifier.h"
#include "infra/realtime/token.h"
#include "infra/store/db.h"
#include "ledger/ledger.h"

namespace lucas::notifications {

inline constexpr std::string_view kCredited = "money.credited";
inline constexpr std::string_view kDebited = "money.debited";

// "http://host:8080" -> "ws://host:8080/api/v1/ws", "https://..." -> "wss://..."; a trailing
// slash is ignored.
std::string websocket_url(std::string_view public_url);

struct TokenOptions {
  std::string secret;  // ws.token_secret; empty: the key stored in the database (realtime_keys)
  Micros ttl = 300'000'000;
};

class NotificationService {
 public:
  NotificationService(store::Database& db, ledger::Ledger& ledger, realtime::Notifier& notifier,
                      TokenOptions tokens, audit::AuditLog* audit, const Clock& clock);

  // Turns ledger.transfer events into per-user notifications (idempotent per transfer and
  // account, so a replayed event notifies once).
  void follow_ledger(events::Outbox& outbox);
  // The same for one event (what the subscriber runs); returns how many notifications it stored.
  int notify_transfer(const events::Event& ev);

  // `via`: "bot" or "api". `client_id`: the API client asking ("" for the bot and the console);
  // its revocation closes the connections the token opens. Audited as ws.token.issue (the token
  // itself is never recorded).
  realtime::IssuedToken issue_token(int64_t user_id, const std::string& via, const std::string& ip,
                                    const std::string& client_id = "");
  // Who a token belongs to (user and API client), once the admission check passed; UNAUTHORIZED
  // for a missing, malformed, forged or expired token, and whatever the check throws (a banned
  // user: USER_BANNED; a revoked client: UNAUTHORIZED). Audited as ws.auth, ok or denied, with the
  // IP and the reason.
  realtime::Admission admit(std::string_view token, const std::string& ip);
  // The user of admit().
  int64_t authenticate(std::string_view token, const std::string& ip);
  // Run by admit() for a well-signed token: throws lucas::Error to refuse the user or the client
  // (the app checks bans and revoked API clients). Set before serving.
  using AdmissionCheck = std::function<void(int64_t user_id, const std::string& client_id)>;
  void set_admission_check(AdmissionCheck check) { admission_check_ = std::move(check); }

  // An admin's broadcast to every connection subscribed to `topic` (announcements; the load
  // benchmark). Audited as admin.ws.broadcast; INVALID_ARGUMENT for a malformed topic or type.
  void broadcast(int64_t actor, const std::string& topic, const std::string& type,
                 const nlohmann::json& data, const std::string& ip);

  realtime::Notifier& notifier() { return notifier_; }
  Micros token_ttl() const { return token_options_.ttl; }

 private:
  // Made on first use (the database must be migrated by then).
  const realtime::TokenSigner& signer();
  void audit_entry(int64_t actor, const std::string& action, const std::string& ip,
                   const std::string& result, nlohmann::json details);

  store::Database& db_;
  ledger::Ledger& ledger_;
  realtime::Notifier& notifier_;
  audit::AuditLog* audit_;
  const Clock& clock_;
  TokenOptions token_options_;
  AdmissionCheck admission_check_;
  std::mutex signer_mu_;
  std::unique_ptr<realtime::TokenSigner> signer_;
};

}  // namespace lucas::notifications
