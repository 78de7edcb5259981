#include "features/review/credit_desk.h"

#include "base/ascii.h"
#include "features/parser/parser.h"

namespace lucas::review {
std::map<std::string, std::string> default_game_bots() {
  return {{"gdcardsbot", "gd_cards"},
          {"shmalala_bot", "shmalala"},
          {"truemafiabot", "true_mafia"},
          {"goose_cardbot", "gusya_cards"}};
}

CreditDesk::CreditDesk(store::Database& db, bank::BankService& bank, DeskOptions options)
    : db_(db), bank_(bank), options_(std::move(options)) {
  std::map<std::string, std::string> lowered;
  for (const auto& [name, game] : options_.game_bots) lowered[ascii_lower(name)] = game;
  options_.game_bots = std::move(lowered);
}

Outcome CreditDesk::claim(const Claim& c) {
  // One transaction for the whole decision: the parse log, the canary record, the review item or
  // the credit commit together (the services' own transactions join it).
  return db_.transact([&](store::Tx&) { return decide(c); });
}

Outcome CreditDesk::decide(const Claim& c) {
  Outcome out;
  // Trust: sent by an allow-listed game bot, or forwarded from one (Telegram sets the origin and
  // its date; a person can forge neither).
  if (!c.author || !c.author->is_bot) return out;
  const std::string username = ascii_lower(c.author->username);
  const auto bot = options_.game_bots.find(username);
  if (bot == options_.game_bots.end()) return out;
  out.game = bot->second;
  out.bot_username = c.author->username;
  if (!bank_.verify_game_bot(username, c.author->id, out.game)) {
    return out;  // the username now belongs to another bot
  }
  out.max_age_hours = bank_.options().max_message_age / 3'600'000'000LL;
  if (!bank_.fresh(c.origin_date)) {
    out.kind = Outcome::Kind::kTooOld;
    return out;
  }

  bank::GameMessage gm;
  gm.chat_id = c.chat_id;
  gm.message_id = c.message_id;
  gm.bot_id = c.author->id;
  gm.origin_date = c.origin_date;
  gm.text = c.text;
  gm.replier_id = c.replier_id;
  gm.legacy_key = bank::legacy_message_key(c.text, c.date);
  gm.content_key = bank::result_key(c.author->id, c.origin_date, c.text);
  gm.mentions = c.mentions;
  const auto& ai = options_.ai;
  if (ai.parser != nullptr) {
    parser::AiResult r = ai.parser->parse(c.text, gm.content_key);
    if (ai.drift != nullptr) ai.drift->log(r);
    if (r.canary && ai.review != nullptr) ai.review->record_canary(gm.content_key, *r.canary);
    // The sender is a trusted game bot: if its own format holds currency the model did not
    // see, an admin decides.
    if (!r.needs_review && r.game_type != out.game) {
      if (auto own = parser::extract_for(out.game, c.text); own && !own->events.empty()) {
        r.needs_review = true;
        r.review_reason = "sender_disagrees";
      }
    }
    if (r.needs_review && ai.review != nullptr) {
      auto [item, fresh] = ai.review->enqueue(gm, c.text, out.game, r);
      out.kind = Outcome::Kind::kQueued;
      out.item = std::move(item);
      out.fresh_item = fresh;
      return out;
    }
    gm.parsed = r.parsed();
  } else {
    gm.parsed = parser::parse_text(c.text);
  }
  if (gm.parsed.game != out.game) {
    out.kind = Outcome::Kind::kWrongGame;
    return out;
  }
  if (gm.parsed.events.empty()) {
    out.kind = Outcome::Kind::kNoEvents;
    out.no_event_reason = std::string(parser::no_event_reason(gm.parsed));
    return out;
  }
  out.kind = Outcome::Kind::kCredited;
  out.credit = bank_.credit(gm);
  return out;
}

}  // namespace lucas::review
