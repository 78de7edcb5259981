#include "features/users/users_http.h"

#include "base/clock.h"
#include "base/money_json.h"

namespace lucas::users {
namespace {

std::string currency_param(const http::Request& req) {
  return req.query_param("currency").value_or(std::string(ledger::kCoin));
}

}  // namespace

Actor actor_of(const http::Request& req) {
  if (!req.authenticated()) return Actor::anonymous();
  Actor a = Actor::user(req.auth_user_id, parse_role(req.auth_role).value_or(Role::kUser));
  a.client_id = req.auth_client_id;
  a.scopes = req.auth_scopes;
  return a;
}

void register_http(http::Router& router, UserService& service) {
  // Anyone sees the public fields; the user themself and admins the full record.
  router.add("GET", "/api/v1/users/{id}", [&service](const http::Request& req) {
    const Profile p = service.profile(actor_of(req), req.int_param("id"));
    auto j = p.full ? to_json(p.user) : public_json(p.user);
    j["visibility"] = p.full ? "full" : "public";
    return http::Response::json(200, j);
  });

  router.add("GET", "/api/v1/users/{id}/balance", [&service](const http::Request& req) {
    const int64_t id = req.int_param("id");
    const Balance b = service.balance(actor_of(req), id, currency_param(req));
    return http::Response::json(
        200, {{"user_id", id}, {"balance", money_json(b.currency, b.scale, b.amount)}});
  });

  router.add("GET", "/api/v1/users/{id}/transactions", [&service](const http::Request& req) {
    const int64_t id = req.int_param("id");
    const std::string currency = currency_param(req);
    const int limit = static_cast<int>(req.int_query("limit", 50, 1, 200));
    const auto page =
        service.transactions(actor_of(req), id, req.query_param("cursor"), limit, currency);
    const int scale = service.currency_scale(currency);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& item : page.items) {
      items.push_back({{"id", item.entry_id},
                       {"transfer_id", item.transfer_id},
                       {"kind", item.kind},
                       {"amount", money_json(currency, scale, item.amount)},
                       {"balance_after", money_json(currency, scale, item.balance_after)},
                       {"reason", item.reason},
                       {"metadata", item.metadata},
                       {"created_at", format_rfc3339(item.created_at)}});
    }
    return http::Response::json(
        200, {{"items", items},
              {"next_cursor", page.next_cursor ? nlohmann::json(*page.next_cursor) : nullptr}});
  });
}

}  // namespace lucas::users
