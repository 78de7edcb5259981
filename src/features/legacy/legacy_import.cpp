#include "features/legacy/legacy_import.h"

#include <set>

#include "base/decimal.h"
#include "base/money.h"
#include "features/legacy/legacy_reader.h"
#include "features/legacy/legacy_store.h"

namespace lucas::legacy {

namespace {

// Rounds a decimal string to 2 places, half away from zero; reports whether it changed.
int64_t to_minor(const std::string& text, bool* rounded) {
  std::string s = text;
  const size_t e = s.find_first_of("eE");
  if (e != std::string::npos) throw Error(ErrorCode::kInvalidAmount, "exponent in " + text);
  const size_t dot = s.find('.');
  *rounded = false;
  if (dot == std::string::npos || s.size() - dot - 1 <= 2) return parse_amount(s, 2);
  const std::string kept = s.substr(0, dot + 3);
  const std::string rest = s.substr(dot + 3);
  *rounded = rest.find_first_not_of('0') != std::string::npos;
  int64_t minor = parse_amount(kept, 2);
  if (!rest.empty() && rest[0] >= '5') minor = checked_add(minor, s.front() == '-' ? -1 : 1);
  return minor;
}

store::Value value_of(const std::optional<int64_t>& v) {
  return v ? store::Value{*v} : store::Value{};
}

std::string game_of(const std::string& legacy) {
  static const std::map<std::string, std::string> m{
      {"gdcards", "gd_cards"},       {"gd cards", "gd_cards"},       {"shmalala", "shmalala"},
      {"truemafia", "true_mafia"},   {"true mafia", "true_mafia"},   {"bunkerrp", "bunker_rp"},
      {"bunker rp", "bunker_rp"},    {"gusya_cards", "gusya_cards"}, {"gd_cards", "gd_cards"},
      {"true_mafia", "true_mafia"},  {"bunker_rp", "bunker_rp"},     {"shmalala karma", "shmalala"},
      {"shmalala_karma", "shmalala"}};
  std::string k = legacy;
  for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = m.find(k);
  return it == m.end() ? "" : it->second;
}

}  // namespace

ImportReport Importer::run(const std::string& path,
                           const std::function<void(const std::string&)>& progress) {
  progress_ = [&](const std::string& s) {
    if (progress) progress(s);
  };
  const auto& say = progress_;
  LegacyDb legacy(path);
  ImportReport report;
  const auto user_cols = legacy.columns("users");
  if (user_cols.empty()) throw Error(ErrorCode::kInvalidArgument, path + " has no users table");
  report.users_layout = user_cols.count("updated_at") ? "early" : "orm";
  const bool has_admin = user_cols.count("is_admin") > 0;

  // Users and balances. Every legacy balance is recorded as read (exact text, the rounded minor
  // units and what became of it), so that nothing is lost even where nothing is credited.
  std::map<int64_t, int64_t> telegram_of;  // legacy users.id -> telegram id
  sql::Batch balances_seen = sql::balances(db_, report.imported["legacy_balances"]);
  legacy.users(has_admin, [&](const Row& s) {
    ++report.read["users"];
    const std::string legacy_id = std::to_string(s.i64(0));
    if (!s.is_integer(1) || s.i64(1) <= 0) {
      report.skipped.push_back({"users", legacy_id, "no Telegram id"});
      return;
    }
    const int64_t tg = s.i64(1);
    telegram_of[s.i64(0)] = tg;
    std::string name = s.text(3);
    const std::string last = s.text(4);
    if (!last.empty()) name += (name.empty() ? "" : " ") + last;
    const bool is_new = !users_.find(tg).has_value();
    try {
      users_.upsert({tg, s.text(2), name, "ru"});
      if (s.i64(6) != 0) users_.set_role(0, tg, users::Role::kAdmin);
    } catch (const Error& e) {
      report.skipped.push_back({"users", legacy_id, e.what()});
      return;
    }
    if (is_new) ++report.imported["users"];
    const auto balance = s.money(5);
    if (!balance) return;
    bool rounded = false;
    int64_t minor = 0;
    const auto seen = [&](const std::string& status) {
      balances_seen.add({store::Value{s.i64(0)}, store::Value{tg}, store::Value{*balance},
                         store::Value{minor}, store::Value{status}});
    };
    try {
      minor = to_minor(*balance, &rounded);
    } catch (const Error& e) {
      report.skipped.push_back({"balances", legacy_id, "unreadable balance '" + *balance + "'"});
      seen("unreadable");
      return;
    }
    if (rounded) report.rounded.push_back({"balances", legacy_id, *balance});
    if (minor < 0) {
      report.skipped.push_back(
          {"balances", legacy_id,
           "negative balance " + format_amount(minor, 2) + " needs an admin decision"});
      seen("negative: not credited, needs an admin decision");
      return;
    }
    report.legacy_total_minor = checked_add(report.legacy_total_minor, minor);
    seen(minor == 0 ? "zero" : rounded ? "credited, rounded once" : "credited");
    if (minor == 0) return;
    const auto t = db_.transact([&](store::Tx& tx) {
      const auto mint = ledger_.system_account(tx, "mint:legacy", ledger::kCoin, true);
      const auto acc = ledger_.user_account(tx, tg, ledger::kCoin);
      return ledger_.move(
          tx, "legacy:balance:" + legacy_id, mint, acc, minor, ledger::kCoin,
          "legacy.opening_balance",
          {{"legacy_user_id", std::stoll(legacy_id)}, {"legacy_balance", *balance}});
    });
    report.credited_total_minor = checked_add(report.credited_total_minor, minor);
    if (!t.replayed) ++report.imported["balances"];
    if (report.read["users"] % 500 == 0) {
      say("users: " + std::to_string(report.read["users"]));
    }
  });

  balances_seen.flush();

  // Transaction history (kept as history: the balance above is the truth).
  const auto tx_cols = legacy.columns("transactions");
  report.transactions_layout = tx_cols.empty()                ? "absent"
                               : tx_cols.count("source_game") ? "orm"
                                                              : "early";
  if (!tx_cols.empty()) {
    // Counted in the report once a row was written (no line for a table with nothing to import).
    int64_t imported = 0;
    bool any = false;
    sql::Batch batch = sql::transactions(db_, imported);
    legacy.transactions(tx_cols.count("source_game") > 0, [&](const Row& s) {
      ++report.read["transactions"];
      const std::string id = std::to_string(s.i64(0));
      auto owner = telegram_of.find(s.i64(1));
      const auto amount = s.money(2);
      if (owner == telegram_of.end()) {
        report.skipped.push_back({"transactions", id, "its user was not imported"});
        return;
      }
      if (!amount) {
        report.skipped.push_back({"transactions", id, "no amount"});
        return;
      }
      any = true;
      if (batch.add({store::Value{s.i64(0)}, store::Value{owner->second}, store::Value{*amount},
                     store::Value{s.text(3)}, store::Value{s.text(4)}, store::Value{s.text(5)},
                     store::Value{s.text(6)}})) {
        say("transactions: " + std::to_string(report.read["transactions"]));
      }
    });
    batch.flush();
    if (any) report.imported["transactions"] += imported;
  }

  // Game nickname aliases become confirmed links.
  if (!legacy.columns("user_aliases").empty()) {
    legacy.user_aliases([&](const Row& s) {
      ++report.read["user_aliases"];
      const std::string id = std::to_string(s.i64(0));
      auto owner = telegram_of.find(s.i64(1));
      const std::string game = game_of(s.text(3));
      const std::string nick = s.text(2);
      if (owner == telegram_of.end() || game.empty() || nick.empty()) {
        report.skipped.push_back(
            {"user_aliases", id,
             owner == telegram_of.end() ? "its user was not imported" : "no game or nickname"});
        return;
      }
      try {
        if (bank_.import_link(owner->second, game, nick)) ++report.imported["user_aliases"];
      } catch (const Error& e) {
        report.skipped.push_back({"user_aliases", id, e.what()});
      }
    });
  }
  say("aliases done");
  import_name_bank(legacy, report);
  import_last_balances(legacy, report, telegram_of);
  import_processed(legacy, report);
  import_shop(legacy, report, telegram_of);
  import_achievements(legacy, report, telegram_of);
  say("done");
  return report;
}

// The path-A bank keyed by player names: never shown to users, so it is kept for an admin's
// decision and not merged into anyone's balance (LEGACY.md 6.7).
void Importer::import_name_bank(LegacyReader& legacy, ImportReport& report) {
  if (legacy.columns("user_balances").empty()) return;
  sql::Batch out = sql::name_balances(db_, report.imported["user_balances"]);
  legacy.name_balances([&](const Row& s) {
    ++report.read["user_balances"];
    out.add(
        {store::Value{s.text(0)}, store::Value{s.text(1)}, store::Value{s.money(2).value_or("")}});
  });
  out.flush();
}

// The last profile balance the legacy bot saw per player and game, so that the next profile is
// credited only with its change. Rows keyed by users.id (ORM) or by a path-A uuid whose
// user_balances name resolves to one user (a confirmed nickname link, else a unique display name).
void Importer::import_last_balances(LegacyReader& legacy, ImportReport& report,
                                    const std::map<int64_t, int64_t>& telegram_of) {
  const auto cols = legacy.columns("bot_balances");
  if (cols.empty()) return;
  std::map<std::string, std::string> name_of;  // path-A uuid -> player name
  if (!legacy.columns("user_balances").empty()) {
    legacy.name_balance_names([&](const Row& s) { name_of[s.text(0)] = s.text(1); });
  }
  // The game currency each legacy game tracked a profile balance in (path A: GD Cards orbs,
  // True Mafia and Bunker RP money). Shmalala has no balance-type message.
  static const std::map<std::string, std::string> kCurrency{
      {"gd_cards", "orbs"}, {"true_mafia", "money"}, {"bunker_rp", "money"}};
  legacy.bot_balances(cols, [&](const Row& s) {
    ++report.read["bot_balances"];
    const std::string row = std::to_string(s.i64(0));
    const std::string game = game_of(s.text(2));
    const auto currency = kCurrency.find(game);
    if (currency == kCurrency.end()) {
      report.skipped.push_back(
          {"bot_balances", row, "game '" + s.text(2) + "' has no profile balance in the new bank"});
      return;
    }
    const auto shown = s.money(3);
    std::optional<Decimal> balance;
    try {
      if (shown) balance = Decimal::parse(*shown);
    } catch (const Error&) {
      // Float-contaminated text ("13.39999999999997726263245568"): read it as the double
      // it came from, then as that double's shortest decimal.
      try {
        balance = Decimal::parse(shortest_decimal(std::stod(*shown)));
        report.rounded.push_back({"bot_balances", row, *shown});
      } catch (const std::exception&) {
      }
    }
    if (!balance) {
      report.skipped.push_back({"bot_balances", row, "unreadable balance"});
      return;
    }
    // A row names a Telegram user (its state waits under the user until a credit names
    // their nickname) or a path-A player by name (the state is that nickname's).
    try {
      bool recorded = false;
      if (s.is_integer(1)) {
        auto it = telegram_of.find(s.i64(1));
        if (it == telegram_of.end()) {
          report.skipped.push_back({"bot_balances", row, "the legacy user is unknown"});
          return;
        }
        recorded = bank_.import_last_balance(it->second, game, currency->second, *balance);
      } else if (auto name = name_of.find(s.text(1)); name != name_of.end()) {
        recorded = bank_.import_nickname_balance(game, name->second, currency->second, *balance);
      } else {
        report.skipped.push_back({"bot_balances", row, "the player is unknown"});
        return;
      }
      if (recorded) ++report.imported["bot_balances"];
    } catch (const Error& e) {
      report.skipped.push_back({"bot_balances", row, e.what()});
    }
  });
}

void Importer::import_processed(LegacyReader& legacy, ImportReport& report) {
  if (legacy.columns("processed_messages").empty()) return;
  legacy.processed_messages([&](const Row& s) {
    const int64_t n = ++report.read["processed_messages"];
    const std::string key = s.text(0);
    try {
      if (bank_.import_processed_key(key, s.text(1))) {
        ++report.imported["processed_messages"];
      }
    } catch (const Error& e) {
      report.skipped.push_back({"processed_messages", key.substr(0, 16), e.what()});
    }
    if (n % 1000 == 0) progress_("processed messages: " + std::to_string(n));
  });
}

void Importer::import_shop(LegacyReader& legacy, ImportReport& report,
                           const std::map<int64_t, int64_t>& telegram_of) {
  const auto item_cols = legacy.columns("shop_items");
  if (item_cols.empty()) return;
  std::map<int64_t, std::string> category;
  if (item_cols.count("category_id") && !legacy.columns("shop_categories").empty()) {
    legacy.shop_categories([&](const Row& s) { category[s.i64(0)] = s.text(1); });
  }
  std::map<int64_t, std::string> price_of;
  sql::Batch items = sql::shop_items(db_, report.imported["shop_items"]);
  legacy.shop_items(item_cols, [&](const Row& s) {
    ++report.read["shop_items"];
    const int64_t id = s.i64(0);
    const std::string price = s.money(4).value_or("0");
    price_of[id] = price;
    const auto cat = s.opt_int(1);
    items.add({store::Value{id}, store::Value{cat && category.count(*cat) ? category[*cat] : ""},
               store::Value{s.text(2)}, store::Value{s.text(3)}, store::Value{price},
               store::Value{s.text(5)}, store::Value{s.text(6)}, value_of(s.opt_int(7)),
               value_of(s.opt_int(8)), store::Value{int64_t{s.opt_int(9).value_or(1) != 0}}});
  });
  items.flush();

  const auto p_cols = legacy.columns("user_purchases");
  if (p_cols.empty()) return;
  const bool short_layout = p_cols.count("purchase_time") > 0;  // the standalone shop manager's
  sql::Batch purchases = sql::shop_purchases(db_, report.imported["user_purchases"]);
  legacy.user_purchases(short_layout, [&](const Row& s) {
    ++report.read["user_purchases"];
    const int64_t id = s.i64(0);
    auto owner = telegram_of.find(s.i64(1));
    if (owner == telegram_of.end()) {
      report.skipped.push_back({"user_purchases", std::to_string(id), "its user was not imported"});
      return;
    }
    const int64_t item = s.i64(2);
    // The short layout has no price: the item's price is what was paid.
    auto price = s.money(3);
    if (!price) price = price_of.count(item) ? price_of[item] : "0";
    purchases.add({store::Value{id}, store::Value{owner->second}, store::Value{item},
                   store::Value{*price}, store::Value{s.text(4)}, store::Value{s.text(5)},
                   store::Value{int64_t{s.opt_int(6).value_or(1) != 0}}, store::Value{s.text(7)}});
  });
  purchases.flush();
}

void Importer::import_achievements(LegacyReader& legacy, ImportReport& report,
                                   const std::map<int64_t, int64_t>& telegram_of) {
  if (legacy.columns("achievements").empty()) return;
  std::map<int64_t, std::string> code_of;
  sql::Batch achievements = sql::achievements(db_, report.imported["achievements"]);
  legacy.achievements([&](const Row& s) {
    ++report.read["achievements"];
    code_of[s.i64(0)] = s.text(1);
    achievements.add({store::Value{s.i64(0)}, store::Value{s.text(1)}, store::Value{s.text(2)},
                      store::Value{s.text(3)}, store::Value{s.text(4)}, store::Value{s.text(5)},
                      store::Value{s.opt_int(6).value_or(0)},
                      store::Value{int64_t{s.opt_int(7).value_or(1) != 0}}});
  });
  achievements.flush();
  if (legacy.columns("user_achievements").empty()) return;
  // No unique key in the legacy table: the earliest unlock of a (user, achievement) wins and the
  // later copies are reported as duplicates.
  std::set<std::pair<int64_t, std::string>> unlocked = sql::unlocked_achievements(db_);
  sql::Batch out = sql::user_achievements(db_, report.imported["user_achievements"]);
  legacy.user_achievements([&](const Row& s) {
    ++report.read["user_achievements"];
    const std::string id = std::to_string(s.i64(0));
    auto owner = telegram_of.find(s.i64(1));
    auto code = code_of.find(s.i64(2));
    if (owner == telegram_of.end() || code == code_of.end()) {
      report.skipped.push_back(
          {"user_achievements", id,
           owner == telegram_of.end() ? "its user was not imported" : "unknown achievement"});
      return;
    }
    if (!unlocked.emplace(owner->second, code->second).second) {
      // Already imported (a second run) or a legacy duplicate.
      const bool same_row = sql::user_achievement_imported(db_, s.i64(0));
      if (!same_row) {
        report.skipped.push_back({"user_achievements", id, "duplicate unlock of " + code->second});
      }
      return;
    }
    out.add({store::Value{s.i64(0)}, store::Value{owner->second}, store::Value{code->second},
             store::Value{s.text(3)}, store::Value{s.opt_int(4).value_or(100)}});
  });
  out.flush();
}

}  // namespace lucas::legacy
