// Leaderboards: boards that other features register (coins now; achievements, mini-game scores,
// tournament wins later), each kept per period — daily, weekly (ISO weeks from Monday), monthly
// and all-time, with UTC boundaries from the injected clock.
//
// The database is the source of truth: every score change is written (idempotently, by key) to
// lb_scores in the caller's transaction, and after commit to a cache::SortedSets index (Redis
// ZSETs or the in-process structure — this code does not care which). The index is rebuilt from
// the database automatically: at start, when it has lost a period (a Redis flush, a restart of the
// in-process index, a fall-back from Redis to memory) and when it lags behind (back on Redis after
// an outage). At a period's end a job archives its top N with ranks and scores and the board
// resets (new updates go to the new period). Views give the top 100, the viewer's own position and
// each one's change since the previous period. Changes of the top 100 are published, coalesced, on
// the events::Bus channel "ws.topic".
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "infra/cache/sorted_set.h"
#include "infra/events/bus.h"
#include "infra/events/outbox.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"
#include "infra/worker/worker.h"
#include "ledger/ledger.h"

namespace lucas::leaderboards {

store::MigrationSet migrations();

// ------------------------------------------------------------------ periods

enum class Period { kDaily, kWeekly, kMonthly, kAllTime };
inline constexpr Period kAllPeriods[] = {Period::kDaily, Period::kWeekly, Period::kMonthly,
                                         Period::kAllTime};

std::string_view period_name(Period p);  // "daily", "weekly", "monthly", "all_time"
// The names above and "day", "week", "month", "all", "alltime", "all-time" (any case).
std::optional<Period> parse_period(std::string_view text);

// One period instance. Ids sort in time order within a period kind: "2026-11-24",
// "2026-W48" (ISO 8601 week-numbering year), "2026-11", "all".
struct Window {
  Period period = Period::kAllTime;
  std::string id;
  Micros starts_at = 0;  // inclusive
  Micros ends_at = 0;    // exclusive; all-time never ends (INT64_MAX)
};
Window window_at(Period p, Micros t);
// The window before `w` (for all-time: none, nullopt).
std::optional<Window> previous_window(const Window& w);

// ------------------------------------------------------------------ boards

struct BoardSpec {
  std::string name;         // [a-z0-9_]{1,32}: "coins", "achievements", ...
  std::string description;  // what the score means (shown by GET /api/v1/leaderboards)
  std::string currency;     // non-empty: scores are minor units of this currency (money JSON)
  int scale = 0;            // the currency's fraction digits
  std::vector<Period> periods{std::begin(kAllPeriods), std::end(kAllPeriods)};
  bool has(Period p) const;
};

// The score as JSON: {"currency": "COIN", "amount": "12.34"} for money boards, else an integer.
nlohmann::json score_json(const BoardSpec& b, int64_t score);

enum class Op {
  kAdd,  // score += value
  kSet,  // score = value
  kMax,  // score = max(score, value): best results
};

struct ScoreChange {
  std::string board;
  int64_t user_id = 0;  // > 0 (a Telegram user id)
  Op op = Op::kAdd;
  int64_t value = 0;         // |value| <= 2^53 (sorted-set scores stay exact)
  Micros at = 0;             // when it happened: decides the periods it lands in
  std::string key;           // idempotency key, unique per board: a repeat changes nothing
  std::vector<Period> only;  // empty: every period of the board
};

// One line of a view. Ranks are 1-based positions: higher score first, equal scores by higher
// user id (the order of the sorted-set index).
struct Entry {
  int64_t rank = 0;  // 0: not ranked (the viewer has no score in this period)
  int64_t user_id = 0;
  std::string name;
  int64_t score = 0;
  std::optional<int64_t> previous_rank;  // in the previous period's results; none: new
  std::optional<int64_t> previous_score;
  // "up", "down", "same" or "new" (not ranked in the previous period).
  std::string change() const;
  int64_t rank_change() const;  // previous_rank - rank (positive: moved up); 0 when new
};

struct View {
  std::string board;
  Period period = Period::kAllTime;
  Window window;
  std::string previous_period_id;  // "" when there is none
  bool archived = false;           // a finished period read from the archive
  int64_t total = 0;               // ranked users in the period (archived: in the archive)
  std::vector<Entry> entries;
};

// Display names for user ids (missing ids: unknown users).
using NamesFn = std::function<std::map<int64_t, std::string>(const std::vector<int64_t>&)>;

struct Options {
  int archive_top = 1000;             // ranks kept per finished period
  int publish_top = 100;              // the part of a board whose changes are pushed
  Micros publish_interval = 500'000;  // coalescing window of pushed changes
  Micros check_interval = 5'000'000;  // how often the index is checked against the db
  Micros cache_ttl = 60'000'000;      // display names, previous periods' results
  std::string channel = "ws.topic";   // bus channel of pushed changes
};

class LeaderboardService {
 public:
  LeaderboardService(store::Database& db, cache::SortedSets& index, const Clock& clock,
                     events::Bus* bus, NamesFn names, Options options = {});
  ~LeaderboardService();
  LeaderboardService(const LeaderboardService&) = delete;
  LeaderboardService& operator=(const LeaderboardService&) = delete;

  // Boards are registered at start-up by the features that own them. INVALID_ARGUMENT for a bad
  // name, a duplicate or no periods.
  void register_board(BoardSpec spec);
  std::vector<BoardSpec> boards() const;
  BoardSpec board(std::string_view name) const;  // NOT_FOUND

  // Applies a change in the caller's transaction (the index follows after commit). Returns false
  // when the key was used before (nothing changes). INVALID_ARGUMENT / NOT_FOUND / AMOUNT_OVERFLOW
  // for bad input, before anything is written.
  bool record(store::Tx& tx, const ScoreChange& change);
  bool record(const ScoreChange& change);  // in its own transaction

  // The current period's top `limit` (1..100). The index answers; when it fails, the database.
  View top(std::string_view board, Period period, int limit);
  // A finished (or the current) period by id: the archive when archived, else the database.
  View results(std::string_view board, Period period, const std::string& period_id, int limit);
  // The user's own line in the current period (rank 0 when they have no score).
  Entry position(std::string_view board, Period period, int64_t user_id);
  // Changes whenever the current period's board (or its previous period's results) may have
  // changed: renderers cache by it.
  uint64_t generation(std::string_view board, Period period) const;

  // Archives every finished period not yet archived (top archive_top of the database), snapshots
  // the all-time boards once per UTC day (their "previous period") and drops finished periods
  // from the index. Idempotent; catches up on everything missed. Returns periods archived.
  int rollover();
  // Rewrites the index of every current period from the database. Returns members written.
  int64_t rebuild();
  // Compares the index with the database and rebuilds the periods it has lost or that lag
  // behind; also drops finished periods this process still holds. Returns periods rebuilt.
  int check_index();
  // Publishes the coalesced changes of the top `publish_top` of every board changed since the
  // last call: one bus message per board and period. Returns messages published.
  int publish_changes();

  // First index check (rebuilding what is missing), then a thread that publishes changes every
  // publish_interval and checks the index every check_interval.
  void start();
  void stop();

  // Sorted-set names, for tests and operators.
  static std::string index_key(std::string_view board, const Window& w);
  static std::string member_of(int64_t user_id);

 private:
  struct Board;
  struct Tracked {  // an index key this process wrote or publishes
    std::string board;
    Window window;
  };
  struct KeyState {  // what the last index check saw
    int64_t seen_db_version = 0;
    bool size_mismatch = false;
    bool write_failed = false;  // this process saw a write to the index fail since
  };
  struct Previous {  // the previous period's results, by user: (rank, score)
    Micros loaded_at = 0;
    std::string id;
    std::map<int64_t, std::pair<int64_t, int64_t>> ranks;
  };
  Board& find_board(std::string_view name) const;
  void bump(const std::string& board, Period p);
  void bump_all(const std::string& board);
  struct Written {  // one period's new score, as committed
    Window w;
    int64_t score;
    int64_t version;
  };
  void after_write(const std::string& board, int64_t user_id, std::vector<Written> written);
  void ensure_index(const BoardSpec& b, const Window& w);
  int64_t rebuild_period(const BoardSpec& b, const Window& w);
  std::vector<Entry> ranked_from_db(const BoardSpec& b, const std::string& period_id, int limit,
                                    bool from_archive);
  // Shared and immutable: every view of a period reads the same one.
  std::shared_ptr<const Previous> previous_results(const BoardSpec& b, const Window& current);
  View make_view(const BoardSpec& b, const Window& w, bool archived, std::vector<Entry> entries,
                 int64_t total);
  std::map<int64_t, std::string> names_of(const std::vector<int64_t>& ids);
  // Names each entry (display names of the users).
  void fill_names(std::vector<Entry>& entries);
  // Names each entry and adds its rank and score in the previous period.
  void annotate(const BoardSpec& b, const Window& w, std::vector<Entry>& entries);
  void forget(const std::string& key);

  store::Database& db_;
  cache::SortedSets& index_;
  const Clock& clock_;
  events::Bus* bus_;
  NamesFn names_;
  Options options_;

  mutable std::shared_mutex boards_mu_;
  std::map<std::string, std::unique_ptr<Board>, std::less<>> boards_;

  std::mutex mu_;                           // everything below
  std::map<std::string, Tracked> dirty_;    // index keys whose changes are not published yet
  std::map<std::string, Tracked> touched_;  // index keys this process wrote
  // Last published top per index key: user -> (rank, score).
  std::map<std::string, std::map<int64_t, std::pair<int64_t, int64_t>>> published_;
  std::map<std::string, KeyState> key_state_;
  std::map<std::string, std::shared_ptr<const Previous>> previous_cache_;
  std::map<int64_t, std::pair<std::string, Micros>> names_cache_;

  std::chrono::steady_clock::time_point last_check_;  // the worker's own
  worker::Worker worker_{"leaderboards"};             // last: stopped before the members above go
};

// ------------------------------------------------------------------ the coin board

// "coins": COIN won in games. Its score in a period is the net COIN a user received from the
// counted sources in that period: the game mints the bank credits from (reasons "bank.*") and,
// for all-time only, the opening balances imported from the legacy bot (what players had won
// there). Only users' accounts count, and per user the sum of all their accounts' legs, so moving
// money between one user's own accounts changes nothing. Never counted: admin grants and debits
// (test grants, corrections: "admin.*"), transfers between users (gifts, trades, alts pooling
// coins — any transfer touching two or more users), anything not from a counted source (shop
// purchases, fees, escrow). It follows the outbox's ledger.transfer events; every event is applied
// once for the whole platform (idempotent by transfer and user, whichever node dispatches it).
class CoinBoard {
 public:
  static constexpr std::string_view kBoard = "coins";

  CoinBoard(LeaderboardService& service, ledger::Ledger& ledger, store::Database& db);
  // Registers the board (with the service) and the outbox subscription.
  void follow(events::Outbox& outbox);
  // Another feature's payouts count too ("games.", "tournament.prize"): every period, or
  // all-time only.
  void count_reason(std::string prefix, bool all_time_only = false);

  // Applies one ledger.transfer payload at `at` in the caller's transaction; returns the score
  // changes it made (user -> delta), empty when the transfer does not count.
  std::map<int64_t, int64_t> apply(store::Tx& tx, const nlohmann::json& payload, Micros at);
  // Whether a payload can count at all (currency and reason), without touching the database.
  bool counts(const nlohmann::json& payload);

 private:
  struct Owner {
    bool user = false;
    int64_t id = 0;
  };
  Owner owner_of(store::Tx& tx, ledger::AccountId account);
  std::optional<bool> scope_of(const std::string& reason);  // all-time only?; none: not counted

  LeaderboardService& service_;
  ledger::Ledger& ledger_;
  store::Database& db_;
  std::mutex mu_;
  std::vector<std::pair<std::string, bool>> reasons_;  // prefix, all-time only
  std::map<ledger::AccountId, Owner> owners_;          // accounts never change owner
};

BoardSpec coin_board_spec();

}  // namespace lucas::leaderboards
