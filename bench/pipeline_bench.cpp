// Parsed-and-credited game messages per second through the whole bot pipeline on SQLite:
// update JSON -> update_id dedupe -> trust -> parse -> bank credit in the ledger -> reply queued.
//   build/release/bench/pipeline_bench --benchmark_min_time=3
#include <benchmark/benchmark.h>

#include "features/bank/bank_bot.h"
#include "features/parser/parser.h"
#include "infra/events/outbox.h"
#include "infra/store/migrate.h"
#include "infra/telegram/sender.h"
#include "infra/telegram/updates.h"
#include "tests/support/databases.h"

namespace {
using namespace lucas;

struct NullApi : telegram::BotApi {
  telegram::ApiResult call(const std::string&, const nlohmann::json&) override { return {}; }
};

void BM_Pipeline(benchmark::State& state) {
  testing::TempDir dir;
  auto db = store::Database::open("sqlite:" + dir.path() + "/bench.db");
  SystemClock clock;
  events::Outbox outbox(*db, clock);
  ledger::Ledger ledger(clock, &outbox);
  users::UserService users(*db, ledger, clock, parser::normalize_name);
  bank::BankService bank(*db, ledger, users, clock, parser::normalize_name);
  bank::BankBot bot(bank, users, {"lucas_bank_bot", bank::default_game_bots()});
  store::migrate(*db,
                 {events::migrations(), telegram::migrations(), ledger::migrations(),
                  users::migrations(), bank::migrations()},
                 clock);
  NullApi api;
  telegram::Sender sender(api, clock);  // not started: replies stay queued
  int64_t replies = 0;
  telegram::UpdateQueue queue(*db, clock, [&](const telegram::Update& u) {
    for (auto& r : bot.handle(u)) {
      sender.enqueue({r.chat_id, r.text, r.reply_to_message_id, 0});
      ++replies;
    }
  });
  users.upsert({7, "", "Mirtol", "ru"});
  bank.import_link(7, "gd_cards", "Mirtol");
  // Each message is another game result: a second older each (all within the 48 h rule).
  const int64_t start_s = clock.now() / 1'000'000;
  int64_t n = 0;
  for (auto _ : state) {
    ++n;
    const nlohmann::json update{
        {"update_id", n},
        {"message",
         {{"message_id", 1'000'000 + n},
          {"date", 1},
          {"chat", {{"id", -100}, {"type", "supergroup"}}},
          {"from", {{"id", 7}, {"is_bot", false}, {"first_name", "Mirtol"}}},
          {"text", "парсинг"},
          {"reply_to_message",
           {{"message_id", n},
            {"date", start_s - n % 170'000},
            {"chat", {{"id", -100}, {"type", "supergroup"}}},
            {"from",
             {{"id", 900},
              {"is_bot", true},
              {"first_name", "GDcards"},
              {"username", "gdcardsBot"}}},
            {"text", "Mirtol открыл сундук и получил 1.7 орб"}}}}}};
    queue.accept(update);
    queue.drain();
  }
  if (replies != n) state.SkipWithError("a message was not answered");
  state.counters["messages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Pipeline)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
