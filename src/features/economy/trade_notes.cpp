// What a trade tells others: the scam flags admins see (with their evidence) and the
// notifications its players get (WebSocket, and a bot message with buttons).
#include <algorithm>

#include "features/economy/economy_store.h"
#include "features/economy/trade.h"
#include "features/economy/trade_store.h"
#include "infra/telegram/direct.h"

namespace lucas::economy {
namespace {

std::string name_of(users::UserService& users, store::Tx& tx, int64_t id) {
  const auto u = users.find(tx, id);
  if (!u) return std::to_string(id);
  if (!u->username.empty()) return "@" + u->username;
  return u->display_name.empty() ? std::to_string(id) : u->display_name;
}

}  // namespace

std::vector<std::string> TradeService::risk_flags(store::Tx& tx, const Trade& t,
                                                  bool changed_after_seen) {
  const Micros now = clock_.now();
  std::vector<std::pair<std::string, nlohmann::json>> found;
  if (lopsided(t.give_value, t.want_value)) {
    found.emplace_back("low_value", nlohmann::json{{"give_value", t.give_value},
                                                   {"want_value", t.want_value},
                                                   {"beneficiary", *trade_beneficiary(t)}});
  }
  for (const int64_t user : {t.from, t.to}) {
    const auto u = users_.find(tx, user);
    if (u && u->created_at > now - options_.new_account) {
      found.emplace_back("new_account",
                         nlohmann::json{{"user", user}, {"joined", format_rfc3339(u->created_at)}});
      break;
    }
  }
  if (const auto who = trade_beneficiary(t)) {
    auto earlier = sql::lopsided_trades(tx, t.from, t.to, *who, now - options_.history);
    earlier.erase(std::remove(earlier.begin(), earlier.end(), t.id), earlier.end());
    if (earlier.size() >= 2) {
      found.emplace_back("one_sided_repeat",
                         nlohmann::json{{"beneficiary", *who}, {"earlier_trades", earlier}});
    }
  }
  if (changed_after_seen) {
    found.emplace_back("changed_after_seen",
                       nlohmann::json{{"seen_version", t.version - 1}, {"new_version", t.version}});
  }
  std::vector<std::string> kinds;
  for (auto& [kind, evidence] : found) {
    if (std::find(t.flags.begin(), t.flags.end(), kind) != t.flags.end()) continue;
    evidence["from"] = t.from;
    evidence["to"] = t.to;
    sql::insert_flag(tx, {0, t.id, kind, evidence, now});
    kinds.push_back(kind);
  }
  return kinds;
}

void TradeService::notify(store::Tx& tx, const Trade& t, int64_t user, const std::string& event) {
  if (notifier_ != nullptr) {
    notifier_->push_to_user(
        tx, user, "trade." + event,
        {{"id", t.id}, {"state", t.state}, {"version", t.version}, {"from", t.from}, {"to", t.to}},
        "trade:" + std::to_string(t.id) + ":v" + std::to_string(t.version) + ":" + event + ":" +
            std::to_string(user));
  }
  if (outbox_ == nullptr) return;
  const bool to_recipient = user == t.to;
  Trade named = t;
  name_lines(tx, named);
  const auto side_text = [&named](bool give) {
    const TradeSide& side = give ? named.give : named.want;
    return nlohmann::json{{"ru", describe_side(side, "ru")}, {"en", describe_side(side, "en")}};
  };
  telegram::Direct m;
  m.user = user;
  m.key = "trade_dm_" + event;
  // Each player's view: what they get and what they give.
  m.args = {{"id", std::to_string(t.id)},
            {"who", name_of(users_, tx, to_recipient ? t.from : t.to)},
            {"get", side_text(to_recipient)},
            {"give", side_text(!to_recipient)},
            {"note", t.note.empty() ? "" : "\n💬 " + t.note}};
  if (event == "offered" || event == "changed") {
    const std::string id = std::to_string(t.id);
    m.keyboard = {{{"trade_accept_button", "/tradeok " + id + " " + std::to_string(t.version)},
                   {"trade_decline_button", "/tradeno " + id}}};
  }
  telegram::publish_direct(*outbox_, tx, m);
}

}  // namespace lucas::economy
