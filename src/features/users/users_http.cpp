#include "features/users/users_http.h"

#include "base/clock.h"
#include "base/csv.h"
#include "base/money_json.h"
#include "base/time_arg.h"

namespace lucas::users {
namespace {

std::string currency_param(const http::Request& req) {
  return req.query_param("currency").value_or(std::string(ledger::kCoin));
}

HistoryQuery history_query(const http::Request& req) {
  HistoryQuery q;
  q.limit = static_cast<int>(req.int_query("limit", 50, 1, 200));
  q.cursor = req.query_param("cursor");
  q.currency = currency_param(req);
  const auto direction = req.query_param("direction");
  if (direction == "credit") {
    q.filter.direction = ledger::HistoryFilter::Direction::kCredit;
  } else if (direction == "debit") {
    q.filter.direction = ledger::HistoryFilter::Direction::kDebit;
  } else if (direction) {
    throw Error(ErrorCode::kInvalidArgument, "direction is credit or debit",
                {{"direction", *direction}});
  }
  q.filter.reason_prefix = req.query_param("reason").value_or("");
  q.filter.since = time_argument("since", req.query_param("since"));
  q.filter.until = time_argument("until", req.query_param("until"));
  return q;
}

// Every entry the filter lets through (from `cursor`), newest first, up to kCsvMaxRows; when more
// remain, X-Next-Cursor says where to go on. The same service method as the JSON pages.
constexpr int kCsvMaxRows = 10'000;
http::Response csv_export(HistoryService& history, const Actor& actor, int64_t id, HistoryQuery q) {
  q.limit = 200;
  const int scale = history.currency_scale(q.currency);
  std::string body =
      "created_at,amount,currency,balance_after,reason,game,transfer_id,entry_id\r\n";
  int rows = 0;
  std::optional<std::string> next;
  for (;;) {
    const auto page = history.transactions(actor, id, q);
    for (const auto& item : page.items) {
      const auto& m = item.metadata;
      const std::string game = m.is_object() && m.contains("game") && m["game"].is_string()
                                   ? m["game"].get<std::string>()
                                   : "";
      body += format_rfc3339(item.created_at) + "," +
              money_json(q.currency, scale, item.amount)["amount"].get<std::string>() + "," +
              csv_cell(q.currency, Formulas::kDefuse) + "," +
              money_json(q.currency, scale, item.balance_after)["amount"].get<std::string>() + "," +
              csv_cell(item.reason, Formulas::kDefuse) + "," + csv_cell(game, Formulas::kDefuse) +
              "," + std::to_string(item.transfer_id) + "," + std::to_string(item.entry_id) + "\r\n";
    }
    rows += static_cast<int>(page.items.size());
    next = page.next_cursor;
    if (!next || rows >= kCsvMaxRows) break;
    q.cursor = next;
  }
  auto r = http::Response::text(200, std::move(body), "text/csv; charset=utf-8");
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"lucas-history-" + std::to_string(id) + ".csv\"");
  if (next) r.headers.emplace_back("X-Next-Cursor", *next);
  return r;
}

}  // namespace

Actor actor_of(const http::Request& req) {
  if (!req.authenticated()) return Actor::anonymous();
  Actor a = Actor::user(req.auth_user_id, parse_role(req.auth_role).value_or(Role::kUser));
  a.client_id = req.auth_client_id;
  a.scopes = req.auth_scopes;
  return a;
}

void register_http(http::Router& router, UserService& service, HistoryService& history) {
  // Reads that the users' and balances' caches answer: tried on the network thread first.
  constexpr http::RouteOptions kCachedRead{.inline_first = true};
  // Anyone sees the public fields; the user themself and admins the full record.
  router.add(
      "GET", "/api/v1/users/{id}",
      [&service](const http::Request& req) {
        const Profile p = service.profile(actor_of(req), req.int_param("id"));
        auto j = p.full ? to_json(p.user) : public_json(p.user);
        j["visibility"] = p.full ? "full" : "public";
        return http::Response::json(200, j);
      },
      kCachedRead);

  router.add(
      "GET", "/api/v1/users/{id}/balance",
      [&service](const http::Request& req) {
        const int64_t id = req.int_param("id");
        const Balance b = service.balance(actor_of(req), id, currency_param(req));
        // The hottest read's answer written directly: the bytes Response::json would write for
        // {"user_id", "balance": money_json(...)} (keys sorted; a currency code needs no escape).
        std::string body = "{\"balance\":{\"amount\":\"";
        body += format_amount(b.amount, b.scale);
        body += "\",\"currency\":\"";
        body += b.currency;
        body += "\"},\"user_id\":";
        body += std::to_string(id);
        body += '}';
        return http::Response::text(200, std::move(body), "application/json");
      },
      kCachedRead);

  // ?limit=&cursor=&currency=&direction=credit|debit&reason=PREFIX&since=&until=&format=json|csv
  router.add("GET", "/api/v1/users/{id}/transactions", [&history](const http::Request& req) {
    const int64_t id = req.int_param("id");
    HistoryQuery q = history_query(req);
    const std::string format = req.query_param("format").value_or("json");
    if (format != "json" && format != "csv") {
      throw Error(ErrorCode::kInvalidArgument, "format is json or csv", {{"format", format}});
    }
    if (format == "csv") return csv_export(history, actor_of(req), id, q);
    const auto page = history.transactions(actor_of(req), id, q);
    const int scale = history.currency_scale(q.currency);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& item : page.items) {
      items.push_back({{"id", item.entry_id},
                       {"transfer_id", item.transfer_id},
                       {"kind", item.kind},
                       {"amount", money_json(q.currency, scale, item.amount)},
                       {"balance_after", money_json(q.currency, scale, item.balance_after)},
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
