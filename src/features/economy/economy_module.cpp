#include "features/economy/economy_module.h"

#include "features/economy/auction_bot.h"
#include "features/economy/auction_http.h"
#include "features/economy/economy_bot.h"
#include "features/economy/economy_http.h"
#include "features/economy/trade_bot.h"
#include "features/economy/trade_http.h"
#include "features/users/users_module.h"
#include "infra/audit/audit.h"
#include "infra/http/api_documents.h"
#include "infra/realtime/notifier.h"

namespace lucas::economy {

void register_module(module::Module& m) {
  m.api(http::api_document("economy"));  // economy_api.json: its routes in the OpenAPI document
  m.api(http::api_document("trade"));    // trade_api.json
  m.api(http::api_document("auction"));  // auction_api.json
  using module::Where;
  using module::Who;
  using S = module::Services;
  using Call = module::CommandCall;
  const auto with_service = [](auto reply) {
    return users::with_user([reply](S& s, const users::User& u, const Call& c) {
      return reply(s.get<EconomyService>(), u, c.args);
    });
  };
  const auto with_trades = [](auto reply) {
    return users::with_user([reply](S& s, const users::User& u, const Call& c) {
      return reply(s.get<TradeService>(), u, c.args);
    });
  };
  m.migrations(migrations)
      .provide([](S& s) {
        s.put(std::make_unique<EconomyService>(s.get<store::Database>(), s.get<ledger::Ledger>(),
                                               &s.get<audit::AuditLog>(), s.get<Clock>()));
        s.put(std::make_unique<TradeService>(s.get<store::Database>(), s.get<ledger::Ledger>(),
                                             s.get<users::UserService>(), &s.get<events::Outbox>(),
                                             &s.get<realtime::Notifier>(), s.get<Clock>()));
        s.put(std::make_unique<AuctionService>(s.get<store::Database>(), s.get<ledger::Ledger>(),
                                               &s.get<events::Outbox>(),
                                               &s.get<realtime::Notifier>(), s.get<Clock>()));
      })
      .routes([](http::Router& router, S& s) {
        register_http(router, s.get<EconomyService>());
        register_trade_http(router, s.get<TradeService>());
        register_auction_http(router, s.get<AuctionService>());
      })
      .command({"shop", "help_cmd_shop", Who::kEveryone, Where::kAnywhere,
                with_service([](EconomyService& e, const users::User& u, const std::string& a) {
                  return shop_reply(e, u, a);
                })})
      .command({"buy", "help_cmd_buy", Who::kEveryone, Where::kAnywhere,
                with_service([](EconomyService& e, const users::User& u, const std::string& a) {
                  return buy_reply(e, u, a);
                })})
      .command({"buyok", "help_cmd_buyok", Who::kEveryone, Where::kAnywhere,
                with_service([](EconomyService& e, const users::User& u, const std::string& a) {
                  return buy_confirm_reply(e, u, a);
                })})
      .command({"inventory", "help_cmd_inventory", Who::kEveryone, Where::kAnywhere,
                with_service([](EconomyService& e, const users::User& u, const std::string&) {
                  return inventory_reply(e, u);
                })})
      .command({"itemset", "help_cmd_itemset", Who::kAdmin, Where::kAnywhere,
                with_service([](EconomyService& e, const users::User& u, const std::string& a) {
                  return item_set_reply(e, u, a);
                })})
      .command({"trade", "help_cmd_trade", Who::kEveryone, Where::kAnywhere,
                users::with_user([](S& s, const users::User& u, const Call& c) {
                  return trade_reply(s.get<TradeService>(), s.get<users::UserService>(), u, c.args,
                                     c.use_key());
                })})
      .command({"trades", "help_cmd_trades", Who::kEveryone, Where::kAnywhere,
                with_trades([](TradeService& t, const users::User& u, const std::string& a) {
                  return trades_reply(t, u, a);
                })})
      .command({"tradeok", "help_cmd_tradeok", Who::kEveryone, Where::kAnywhere,
                with_trades([](TradeService& t, const users::User& u, const std::string& a) {
                  return trade_accept_reply(t, u, a);
                })})
      .command({"tradeno", "help_cmd_tradeno", Who::kEveryone, Where::kAnywhere,
                with_trades([](TradeService& t, const users::User& u, const std::string& a) {
                  return trade_cancel_reply(t, u, a);
                })})
      .command({"auctions", "help_cmd_auctions", Who::kEveryone, Where::kAnywhere,
                users::with_user([](S& s, const users::User& u, const Call& c) {
                  return auctions_reply(s.get<AuctionService>(), u, c.args);
                })})
      .command({"auction", "help_cmd_auction", Who::kEveryone, Where::kAnywhere,
                users::with_user([](S& s, const users::User& u, const Call& c) {
                  return auction_create_reply(s.get<AuctionService>(), u, c.args, c.use_key());
                })})
      .command({"bid", "help_cmd_bid", Who::kEveryone, Where::kAnywhere,
                users::with_user([](S& s, const users::User& u, const Call& c) {
                  return bid_reply(s.get<AuctionService>(), u, c.args, c.use_key());
                })})
      .job({"economy.reprice", jobs::Schedule::daily(0, 5),
            [](S& s, const jobs::Run&) { s.get<EconomyService>().reprice(); }})
      .job({"economy.trade_expiry", jobs::Schedule::every(60'000'000),
            [](S& s, const jobs::Run&) { s.get<TradeService>().expire(); }})
      .job({"economy.auction_settle", jobs::Schedule::every(15'000'000),
            [](S& s, const jobs::Run&) { s.get<AuctionService>().settle_due(); }})
      .job({"economy.trade_prune", jobs::Schedule::daily(3, 45),
            [](S& s, const jobs::Run&) { s.get<TradeService>().prune(); }});
}

}  // namespace lucas::economy
