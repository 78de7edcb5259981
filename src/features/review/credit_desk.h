// Parse and credit: the one service method behind "парсинг" (a player's reply to a game bot's
// message). It decides, in one database transaction, whether the message counts (sent or
// forwarded by an allow-listed game bot whose id still matches, and fresh enough by its origin
// date), reads it (the AI parser when there is one — logged for the drift check, canary recorded,
// an unsure read queued for an admin — else the rules), and credits it through the bank, once per
// game result. Faces only decode the message into a Claim and encode the Outcome.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "features/bank/bank.h"
#include "features/parser/ai_parser.h"
#include "features/parser/drift.h"
#include "features/review/review.h"

namespace lucas::review {

// A game message as the face saw it, and who asked to credit it.
struct Claim {
  int64_t chat_id = 0;
  int64_t message_id = 0;  // of the game message
  int64_t date = 0;        // the copy's own date (the legacy key reads it)
  std::string text;
  // Who wrote it: the sender, or the origin's user for a forward (nullopt: unknown — a hidden
  // origin, a channel, a person's copy), with the origin's date.
  struct Author {
    int64_t id = 0;
    std::string username;
    bool is_bot = false;
  };
  std::optional<Author> author;
  int64_t origin_date = 0;
  std::vector<bank::Mention> mentions;  // text_mention entities of the game message
  int64_t replier_id = 0;
};

struct Outcome {
  enum class Kind {
    kUntrusted,  // not from an allow-listed game bot (or the username moved to another bot)
    kTooOld,     // older than bank.max_message_age by its origin date
    kQueued,     // the model is not sure: waiting for an admin (review item)
    kWrongGame,  // the text is another game's (bot names the sender)
    kNoEvents,   // nothing to credit (no_event_reason)
    kCredited,   // the bank's report (which may say already processed)
  };
  Kind kind = Kind::kUntrusted;
  std::string game;
  std::string bot_username;
  int64_t max_age_hours = 0;
  std::optional<ReviewItem> item;  // kQueued
  bool fresh_item = false;         // kQueued: queued now (false: it was queued before)
  std::string no_event_reason;     // kNoEvents
  bank::CreditReport credit;       // kCredited
};

// The AI parser and what learns from it; all null: the rule parser alone.
struct AiParsing {
  parser::ParserService* parser = nullptr;
  ReviewService* review = nullptr;        // unsure parses wait here for an admin
  parser::DriftMonitor* drift = nullptr;  // every parse is logged for the daily drift check
};

struct DeskOptions {
  std::map<std::string, std::string> game_bots;  // game bot username -> game
  AiParsing ai{};
};

// The game bots of LEGACY.md section 3 (Bunker RP's username was never seen: add it in config).
std::map<std::string, std::string> default_game_bots();

class CreditDesk {
 public:
  CreditDesk(store::Database& db, bank::BankService& bank, DeskOptions options);

  Outcome claim(const Claim& claim);
  bank::BankService& bank() { return bank_; }

 private:
  Outcome decide(const Claim& claim);

  store::Database& db_;
  bank::BankService& bank_;
  DeskOptions options_;
};

}  // namespace lucas::review
