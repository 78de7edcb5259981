// REST face of the admin panel's user tools: search, a user's page, balance adjustments, roles and
// bulk grants. Decode, call one service method, encode; the services decide who may.
#include "base/money_json.h"
#include "features/admin/admin_http.h"
#include "features/bank/bank_http.h"
#include "features/users/users_http.h"

namespace lucas::admin {
namespace {

nlohmann::json string_or_null(const std::optional<std::string>& s) {
  return s ? nlohmann::json(*s) : nlohmann::json();
}

nlohmann::json overview_json(const UserOverview& o) {
  nlohmann::json j{{"user", users::to_json(o.user)}};
  if (o.balances) {
    j["balances"] = nlohmann::json::array();
    for (const auto& b : *o.balances)
      j["balances"].push_back(money_json(b.currency, b.scale, b.amount));
  } else {
    j["balances"] = nullptr;
  }
  if (o.links) {
    nlohmann::json links = nlohmann::json::array(), claims = nlohmann::json::array(),
                   waiting = nlohmann::json::array();
    for (const auto& l : o.links->links) links.push_back(bank::to_json(l));
    for (const auto& c : o.links->claims) claims.push_back(bank::to_json(c));
    for (const auto& w : o.links->waiting) waiting.push_back(bank::to_json(w));
    j["links"] = {{"links", links}, {"claims", claims}, {"waiting", waiting}};
  } else {
    j["links"] = nullptr;
  }
  if (o.sessions) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& s : *o.sessions) items.push_back(sessions::to_json(s));
    j["sessions"] = {{"count", o.sessions->size()}, {"items", items}};
  } else {
    j["sessions"] = nullptr;
  }
  if (o.audit) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : *o.audit) items.push_back(audit::to_json(e));
    j["audit"] = items;
  } else {
    j["audit"] = nullptr;
  }
  nlohmann::json roles = nlohmann::json::array();
  for (auto r : o.roles) roles.push_back(users::role_name(r));
  j["may"] = {{"adjust", o.may_adjust}, {"ban", o.may_ban}, {"roles", roles}};
  return j;
}

nlohmann::json batch_json(const users::GrantBatch& b) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : b.rows) {
    rows.push_back({{"line", r.line},
                    {"telegram_id", r.telegram_id},
                    {"amount", r.amount},
                    {"reason", r.reason},
                    {"user_id", r.user_id == 0 ? nlohmann::json() : nlohmann::json(r.user_id)},
                    {"display_name", r.display_name},
                    {"status", r.status},
                    {"problem", r.problem.empty() ? nlohmann::json() : nlohmann::json(r.problem)},
                    {"message", r.message},
                    {"transfer_id", r.transfer_id ? nlohmann::json(*r.transfer_id) : nullptr}});
  }
  return {{"batch_key", b.batch_key},
          {"rows", rows},
          {"valid", b.valid},
          {"invalid", b.invalid},
          {"valid_total", money_json(b.currency, b.scale, b.valid_total)},
          {"applied", b.applied},
          {"already_applied", b.already_applied},
          {"failed", b.failed},
          {"applied_total", money_json(b.currency, b.scale, b.applied_total)}};
}

std::string string_field(const nlohmann::json& body, const char* name, std::string_view expected) {
  if (!body.contains(name) || !body[name].is_string()) {
    throw Error(ErrorCode::kInvalidArgument, std::string(expected), {{"field", name}});
  }
  return body[name].get<std::string>();
}

}  // namespace

void register_user_http(http::Router& router, users::UserService& directory, UserDesk& desk) {
  // ?q=&limit=&cursor=
  router.add("GET", "/api/v1/admin/users", [&directory](const http::Request& req) {
    users::UserSearch s;
    s.q = req.query_param("q").value_or("");
    s.limit = static_cast<int>(req.int_query("limit", 20, 1, 100));
    s.cursor = req.query_param("cursor");
    const auto page = directory.search(users::actor_of(req), s);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& u : page.items) items.push_back(users::to_json(u));
    return http::Response::json(
        200, {{"items", items}, {"next_cursor", string_or_null(page.next_cursor)}});
  });

  router.add("GET", "/api/v1/admin/users/{id}", [&desk](const http::Request& req) {
    return http::Response::json(
        200,
        overview_json(desk.overview(users::actor_of(req), req.int_param("id"), req.remote_addr)));
  });

  // Idempotency-Key: ...; {"amount": "-12.50", "currency": "COIN", "reason": "..."}
  router.add("POST", "/api/v1/admin/users/{id}/adjust", [&directory](const http::Request& req) {
    constexpr std::string_view kExpected =
        "expected {\"amount\": \"12.50\", \"currency\": \"COIN\" (optional), \"reason\": \"...\"}";
    const auto body = req.json_body(kExpected);
    std::string currency(ledger::kCoin);
    if (body.contains("currency") && !body["currency"].is_null()) {
      currency = string_field(body, "currency", kExpected);
    }
    const auto a = directory.adjust_balance(
        users::actor_of(req), req.header("idempotency-key"), req.int_param("id"),
        string_field(body, "amount", kExpected), currency, string_field(body, "reason", kExpected),
        req.remote_addr);
    return http::Response::json(200, {{"transfer_id", a.transfer_id},
                                      {"replayed", a.replayed},
                                      {"user_id", a.user_id},
                                      {"amount", money_json(a.currency, a.scale, a.amount)},
                                      {"balance", money_json(a.currency, a.scale, a.balance_after)},
                                      {"created_at", format_rfc3339(a.at)}});
  });

  // {"role": "moderator"}
  router.add("POST", "/api/v1/admin/users/{id}/role", [&directory](const http::Request& req) {
    const int64_t actor = req.require_scope(users::scope::kAdmin);
    constexpr std::string_view kExpected =
        "expected {\"role\": \"user\" | \"moderator\" | \"admin\" | \"owner\"}";
    const auto role = users::parse_role(string_field(req.json_body(kExpected), "role", kExpected));
    if (!role) throw Error(ErrorCode::kInvalidArgument, std::string(kExpected));
    return http::Response::json(
        200, users::to_json(directory.set_role(actor, req.int_param("id"), *role)));
  });

  // The CSV as the body (text/csv), or {"csv": "..."}.
  router.add("POST", "/api/v1/admin/grants/preview", [&directory](const http::Request& req) {
    const bool json = req.header("content-type").rfind("application/json", 0) == 0;
    const std::string csv = json ? string_field(req.json_body("expected {\"csv\": \"...\"}"), "csv",
                                                "expected {\"csv\": \"...\"}")
                                 : req.body;
    return http::Response::json(200,
                                batch_json(directory.preview_grants(users::actor_of(req), csv)));
  });
  // {"csv": "...", "batch_key": "..."}: the CSV previewed, and the key the preview gave.
  router.add("POST", "/api/v1/admin/grants/apply", [&directory](const http::Request& req) {
    constexpr std::string_view kExpected = "expected {\"csv\": \"...\", \"batch_key\": \"...\"}";
    const auto body = req.json_body(kExpected);
    return http::Response::json(200,
                                batch_json(directory.apply_grants(
                                    users::actor_of(req), string_field(body, "csv", kExpected),
                                    string_field(body, "batch_key", kExpected), req.remote_addr)));
  });
}

}  // namespace lucas::admin
