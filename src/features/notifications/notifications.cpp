#include "features/notifications/notifications.h"

#include <spdlog/spdlog.h>

#include "base/error.h"
#include "base/money.h"

namespace lucas::notifications {

std::string websocket_url(std::string_view public_url) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.rfind("https://", 0) == 0) {
    base = "wss://" + base.substr(8);
  } else if (base.rfind("http://", 0) == 0) {
    base = "ws://" + base.substr(7);
  }
  return base + "/api/v1/ws";
}

NotificationService::NotificationService(store::Database& db, ledger::Ledger& ledger,
                                         realtime::Notifier& notifier, TokenOptions tokens,
                                         audit::AuditLog* audit, const Clock& clock)
    : db_(db),
      ledger_(ledger),
      notifier_(notifier),
      audit_(audit),
      clock_(clock),
      token_options_(std::move(tokens)) {}

const realtime::TokenSigner& NotificationService::signer() {
  std::lock_guard lock(signer_mu_);
  if (!signer_) {
    signer_ = std::make_unique<realtime::TokenSigner>(
        realtime::token_key(db_, token_options_.secret, clock_), clock_, token_options_.ttl);
  }
  return *signer_;
}

void NotificationService::follow_ledger(events::Outbox& outbox) {
  outbox.subscribe("ledger.transfer", [this](const events::Event& ev) { notify_transfer(ev); });
}

int NotificationService::notify_transfer(const events::Event& ev) {
  const auto& p = ev.payload;
  if (!p.is_object() || !p.contains("legs") || !p["legs"].is_array()) return 0;
  const int64_t transfer_id = p.value("transfer_id", int64_t{0});
  const std::string currency = p.value("currency", std::string());
  return db_.transact([&](store::Tx& tx) {
    int stored = 0;
    const int scale = ledger_.currency(tx, currency).scale;
    auto money = [&](int64_t minor) {
      return nlohmann::json{{"currency", currency}, {"amount", format_amount(minor, scale)}};
    };
    for (const auto& leg : p["legs"]) {
      const int64_t account_id = leg.value("account", int64_t{0});
      const int64_t amount = leg.value("amount", int64_t{0});
      if (amount == 0) continue;
      const ledger::Account account = ledger_.account(tx, account_id);
      if (account.kind != "user") continue;
      const nlohmann::json data{{"transfer_id", transfer_id},
                                {"kind", p.value("kind", std::string())},
                                {"reason", p.value("reason", std::string())},
                                {"amount", money(amount < 0 ? -amount : amount)},
                                {"balance", money(leg.value("balance_after", int64_t{0}))}};
      const std::string type(amount > 0 ? kCredited : kDebited);
      const std::string source =
          "ledger:" + std::to_string(transfer_id) + ":" + std::to_string(account_id);
      if (notifier_.push_to_user(tx, account.owner_id, type, data, source) != 0) ++stored;
    }
    return stored;
  });
}

void NotificationService::audit_entry(int64_t actor, const std::string& action,
                                      const std::string& ip, const std::string& result,
                                      nlohmann::json details) {
  if (audit_ == nullptr) return;
  auto e = audit::entry(actor, action, actor != 0 ? "user:" + std::to_string(actor) : "",
                        std::move(details), result)
               .with_ip(ip);
  db_.transact([&](store::Tx& tx) { audit_->append(tx, e); });
}

realtime::IssuedToken NotificationService::issue_token(int64_t user_id, const std::string& via,
                                                       const std::string& ip,
                                                       const std::string& client_id) {
  auto t = signer().issue(user_id, client_id);
  nlohmann::json details{{"via", via}, {"expires_at", format_rfc3339(t.expires_at)}};
  if (!client_id.empty()) details["client_id"] = client_id;
  audit_entry(user_id, "ws.token.issue", ip, "ok", std::move(details));
  return t;
}

void NotificationService::broadcast(int64_t actor, const std::string& topic,
                                    const std::string& type, const nlohmann::json& data,
                                    const std::string& ip) {
  if (!realtime::valid_topic(topic) || type.empty() || type.size() > 100) {
    throw Error(ErrorCode::kInvalidArgument, "a broadcast needs a valid topic and a type",
                {{"topic", topic}});
  }
  audit_entry(actor, "admin.ws.broadcast", ip, "ok", {{"topic", topic}, {"type", type}});
  notifier_.push_to_topic(topic, type, data);
}

int64_t NotificationService::authenticate(std::string_view token, const std::string& ip) {
  return admit(token, ip).user_id;
}

realtime::Admission NotificationService::admit(std::string_view token, const std::string& ip) {
  const auto v = token.empty() ? realtime::VerifiedToken{} : signer().verify(token);
  const std::string reason =
      token.empty() ? "missing" : std::string(realtime::token_check_name(v.result));
  if (v.ok()) {
    if (admission_check_) {
      try {
        admission_check_(v.user_id, v.client_id);
      } catch (const Error& e) {
        audit_entry(v.user_id, "ws.auth", ip, "denied",
                    {{"reason", std::string(error_code_name(e.code()))}, {"message", e.what()}});
        throw;
      }
    }
    audit_entry(v.user_id, "ws.auth", ip, "ok", nlohmann::json::object());
    return realtime::Admission(v.user_id, v.client_id);
  }
  audit_entry(v.user_id, "ws.auth", ip, "denied", {{"reason", reason}});
  throw Error(ErrorCode::kUnauthorized,
              token.empty() ? "a WebSocket token is required (?token=...; get one with /web or "
                              "POST /api/v1/ws/token)"
                            : "the WebSocket token is " + reason + "; get a new one",
              {{"reason", reason}});
}

}  // namespace lucas::notifications
