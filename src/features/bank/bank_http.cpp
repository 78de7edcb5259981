#include "features/bank/bank_http.h"

#include <limits>

#include "base/money_json.h"
#include "features/users/access.h"

namespace lucas::bank {
namespace {

nlohmann::json coins(int64_t minor) {
  return money_json(std::string(ledger::kCoin), 2, minor);
}

nlohmann::json opt(const std::optional<int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json time_or_null(const std::optional<Micros>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
}

template <class T>
nlohmann::json page(const std::vector<T>& items, int limit) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& i : items) out.push_back(to_json(i));
  return {{"items", out},
          {"next_cursor", static_cast<int>(items.size()) == limit && !items.empty()
                              ? nlohmann::json(std::to_string(items.back().id))
                              : nlohmann::json(nullptr)}};
}

std::string string_field(const nlohmann::json& body, const char* name) {
  if (!body.contains(name) || !body[name].is_string()) {
    throw Error(ErrorCode::kInvalidArgument, std::string("'") + name + "' (a string) is required");
  }
  return body[name].get<std::string>();
}

}  // namespace

nlohmann::json to_json(const Link& l) {
  return {{"game", l.game},
          {"nickname", l.nickname},
          {"user_id", l.user_id},
          {"evidence", l.evidence},
          {"verified_at", format_rfc3339(l.verified_at)}};
}

nlohmann::json to_json(const LinkClaim& c) {
  return {{"id", c.id},
          {"game", c.game},
          {"nickname", c.nickname},
          {"user_id", c.user_id},
          {"status", c.status},
          {"note", c.note},
          {"created_at", format_rfc3339(c.created_at)},
          {"decided_by", opt(c.decided_by)},
          {"decided_at", time_or_null(c.decided_at)},
          {"competing_claims", c.competing},
          {"waiting", coins(c.waiting_minor)}};
}

nlohmann::json to_json(const UnclaimedCredit& u) {
  return {{"id", u.id},
          {"game", u.game},
          {"nickname", u.nickname},
          {"amount", coins(u.minor)},
          {"status", u.status},
          {"created_at", format_rfc3339(u.created_at)},
          {"expires_at", format_rfc3339(u.expires_at)},
          {"paid_to", opt(u.paid_to)},
          {"settled_at", time_or_null(u.settled_at)}};
}

nlohmann::json to_json(const Payout& p) {
  return {{"game", p.game},
          {"nickname", p.nickname},
          {"user_id", p.user_id},
          {"amount", coins(p.minor)},
          {"credits", p.credits}};
}

void register_http(http::Router& router, BankService& bank) {
  // A player's links, claims and the credits waiting for their claimed nicknames.
  router.add("GET", "/api/v1/users/{id}/links", [&bank](const http::Request& req) {
    // Another player's links need the admin scope too (and a moderator's role: the service).
    const int64_t target = req.int_param("id");
    const int64_t actor = req.require_scope(users::scope::kProfileRead);
    if (target != actor) req.require_scope(users::scope::kAdmin);
    const auto mine = bank.links_of(actor, target);
    nlohmann::json links = nlohmann::json::array(), claims = nlohmann::json::array(),
                   waiting = nlohmann::json::array();
    for (const auto& l : mine.links) links.push_back(to_json(l));
    for (const auto& c : mine.claims) claims.push_back(to_json(c));
    for (const auto& w : mine.waiting) waiting.push_back(to_json(w));
    return http::Response::json(200, {{"links", links}, {"claims", claims}, {"waiting", waiting}});
  });
  // Claims a nickname: {"game", "nickname"} -> 201 with the claim (200 when it already was).
  router.add("POST", "/api/v1/users/{id}/links", [&bank](const http::Request& req) {
    const auto body = req.json_body();
    const auto r =
        bank.claim_link(req.require_scope(users::scope::kLinksWrite), req.int_param("id"),
                        string_field(body, "game"), string_field(body, "nickname"));
    auto j = to_json(r.claim);
    j["result"] = r.status == BankService::ClaimStatus::kPending          ? "claimed"
                  : r.status == BankService::ClaimStatus::kAlreadyClaimed ? "already_claimed"
                                                                          : "already_linked";
    return http::Response::json(r.status == BankService::ClaimStatus::kPending ? 201 : 200, j);
  });
  router.add("GET", "/api/v1/admin/links/claims", [&bank](const http::Request& req) {
    const int limit = static_cast<int>(req.int_query("limit", 20, 1, 200));
    return http::Response::json(
        200,
        page(bank.link_claims(req.require_scope(users::scope::kAdmin),
                              req.query_param("status").value_or("pending"), limit,
                              req.int_query("cursor", 0, 0, std::numeric_limits<int64_t>::max())),
             limit));
  });
  router.add("POST", "/api/v1/admin/links/claims/{id}/approve", [&bank](const http::Request& req) {
    const auto paid =
        bank.approve_claim(req.require_scope(users::scope::kAdmin), req.int_param("id"));
    nlohmann::json out = nlohmann::json::array();
    for (const auto& p : paid) out.push_back(to_json(p));
    return http::Response::json(
        200, {{"id", req.int_param("id")}, {"status", "approved"}, {"paid", out}});
  });
  router.add("POST", "/api/v1/admin/links/claims/{id}/reject", [&bank](const http::Request& req) {
    const auto body = req.json_body();
    return http::Response::json(
        200, to_json(bank.reject_claim(req.require_scope(users::scope::kAdmin), req.int_param("id"),
                                       string_field(body, "reason"))));
  });
  router.add("DELETE", "/api/v1/admin/links/{game}/{nickname}", [&bank](const http::Request& req) {
    bank.unlink(req.require_scope(users::scope::kAdmin), req.params.at("game"),
                req.params.at("nickname"));
    return http::Response::json(
        200,
        {{"unlinked", {{"game", req.params.at("game")}, {"nickname", req.params.at("nickname")}}}});
  });
  router.add("GET", "/api/v1/admin/unclaimed", [&bank](const http::Request& req) {
    const int limit = static_cast<int>(req.int_query("limit", 20, 1, 200));
    return http::Response::json(
        200,
        page(bank.unclaimed(req.require_scope(users::scope::kAdmin),
                            req.query_param("status").value_or("pending"), limit,
                            req.int_query("cursor", 0, 0, std::numeric_limits<int64_t>::max())),
             limit));
  });
}

}  // namespace lucas::bank
