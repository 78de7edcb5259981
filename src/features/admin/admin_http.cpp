#include "features/admin/admin_http.h"

#include <limits>

#include "base/time_arg.h"
#include "features/users/access.h"

namespace lucas::admin {
namespace {

// Any 64-bit integer: the service checks what a cursor may be (limits are read as 1..1000).
int64_t int_query(const http::Request& req, std::string_view name, int64_t fallback) {
  return req.int_query(name, fallback, std::numeric_limits<int64_t>::min(),
                       std::numeric_limits<int64_t>::max());
}

}  // namespace

void register_http(http::Router& router, AdminService& service) {
  // ?actor=&subject=&action=&since=&until=&cursor=&limit=&format=json|jsonl|csv
  router.add("GET", "/api/v1/admin/audit", [&service](const http::Request& req) {
    audit::Query q;
    if (req.query_param("actor")) q.actor = int_query(req, "actor", 0);
    if (req.query_param("subject")) q.subject = int_query(req, "subject", 0);
    q.action = req.query_param("action");
    q.since = time_argument("since", req.query_param("since"));
    q.until = time_argument("until", req.query_param("until"));
    q.after_seq = int_query(req, "cursor", 0);
    q.limit = static_cast<int>(req.int_query("limit", 100, 1, 1000));
    const std::string format = req.query_param("format").value_or("json");
    if (format != "json" && format != "jsonl" && format != "csv") {
      throw Error(ErrorCode::kInvalidArgument, "format is json, jsonl or csv",
                  {{"format", format}});
    }
    const auto entries =
        service.search_audit(req.require_scope(users::scope::kAdmin), req.remote_addr, q);
    const bool more = static_cast<int>(entries.size()) == q.limit;
    const auto next = more ? nlohmann::json(std::to_string(entries.back().seq)) : nlohmann::json();
    if (format == "json") {
      nlohmann::json items = nlohmann::json::array();
      for (const auto& e : entries) items.push_back(audit::to_json(e));
      return http::Response::json(200, {{"items", items}, {"next_cursor", next}});
    }
    std::string body = format == "csv" ? audit::csv_header() + "\n" : "";
    for (const auto& e : entries) {
      body += (format == "csv" ? audit::to_csv(e) : audit::to_json(e).dump()) + "\n";
    }
    auto r = http::Response::text(
        200, std::move(body), format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson");
    if (more) r.headers.emplace_back("X-Next-Cursor", next.get<std::string>());
    return r;
  });

  // Given-up outbox events: ?cursor=&limit=
  router.add("GET", "/api/v1/admin/outbox/given-up", [&service](const http::Request& req) {
    const int limit = static_cast<int>(req.int_query("limit", 100, 1, 1000));
    const auto found = service.given_up_events(req.require_scope(users::scope::kAdmin),
                                               req.remote_addr, int_query(req, "cursor", 0), limit);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& g : found) items.push_back(events::to_json(g));
    const bool more = static_cast<int>(found.size()) == limit;
    return http::Response::json(
        200, {{"items", items},
              {"next_cursor",
               more ? nlohmann::json(std::to_string(found.back().event.id)) : nlohmann::json()}});
  });
  router.add("POST", "/api/v1/admin/outbox/given-up/retry", [&service](const http::Request& req) {
    return http::Response::json(
        200, {{"retried", service.retry_events(req.require_scope(users::scope::kAdmin),
                                               req.remote_addr, {})}});
  });
  router.add(
      "POST", "/api/v1/admin/outbox/given-up/{id}/retry", [&service](const http::Request& req) {
        const int64_t actor = req.require_scope(users::scope::kAdmin);
        return http::Response::json(
            200, {{"retried", service.retry_events(actor, req.remote_addr, req.int_param("id"))}});
      });

  // Bans: {"reason": "...", "until": "2026-12-31" | RFC 3339 UTC | null}; the user record back.
  router.add("POST", "/api/v1/admin/users/{id}/ban", [&service](const http::Request& req) {
    const int64_t actor = req.require_scope(users::scope::kAdmin);
    constexpr std::string_view kExpected =
        "expected {\"reason\": \"...\", \"until\": \"2026-12-31\" (optional)}";
    const auto body = req.json_body(kExpected);
    if (!body.contains("reason") || !body["reason"].is_string()) {
      throw Error(ErrorCode::kInvalidArgument, std::string(kExpected));
    }
    std::optional<Micros> until;
    if (body.contains("until") && !body["until"].is_null()) {
      if (body["until"].is_string()) until = parse_rfc3339(body["until"].get<std::string>());
      if (!until) {
        throw Error(ErrorCode::kInvalidArgument,
                    "until must be a date (2026-12-31) or an RFC 3339 UTC time",
                    {{"until", body["until"]}});
      }
    }
    return http::Response::json(
        200, users::to_json(service.users().ban(actor, req.int_param("id"),
                                                body["reason"].get<std::string>(), until,
                                                req.remote_addr)));
  });
  router.add("POST", "/api/v1/admin/users/{id}/unban", [&service](const http::Request& req) {
    const int64_t actor = req.require_scope(users::scope::kAdmin);
    return http::Response::json(
        200, users::to_json(service.users().unban(actor, req.int_param("id"), req.remote_addr)));
  });

  router.add("GET", "/api/v1/admin/audit/verify", [&service](const http::Request& req) {
    const auto r = service.verify_audit(req.require_scope(users::scope::kAdmin), req.remote_addr);
    return http::Response::json(
        200, {{"ok", r.ok()},
              {"entries", r.entries},
              {"checkpoints", r.checkpoints},
              {"first_bad_seq", r.first_bad_seq ? nlohmann::json(*r.first_bad_seq) : nullptr},
              {"problem", r.problem}});
  });
}

}  // namespace lucas::admin
