#include "features/bank/bank_bot.h"

#include <sstream>

#include "base/i18n.h"
#include "base/ids.h"
#include "base/money.h"
#include "base/names.h"
#include "features/parser/parser.h"
#include "features/users/users_bot.h"

namespace lucas::bank {
namespace {

std::string lower_ascii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string coins(int64_t minor) {
  return format_amount(minor, 2);
}

}  // namespace

std::map<std::string, std::string> default_game_bots() {
  return {{"gdcardsbot", "gd_cards"},
          {"shmalala_bot", "shmalala"},
          {"truemafiabot", "true_mafia"},
          {"goose_cardbot", "gusya_cards"}};
}

BankBot::BankBot(BankService& bank, users::UserService& users, BotOptions options)
    : bank_(bank), users_(users), options_(std::move(options)) {
  std::map<std::string, std::string> lowered;
  for (const auto& [name, game] : options_.game_bots) lowered[lower_ascii(name)] = game;
  options_.game_bots = std::move(lowered);
}

bool BankBot::is_parse(const std::string& first_word, const std::string& rest) {
  const std::string trigger = lucas::normalize_name(first_word);
  return rest.empty() && (trigger == "парсинг" || trigger == "parsing" || trigger == "/parse" ||
                          trigger == "/parsing");
}

std::string BankBot::parse_reply(const telegram::Message& m, const users::User& u) {
  const std::string& lang = u.language;
  auto say = [&](const std::string& key, const i18n::Args& a = {}) {
    return i18n::text(lang, key, a);
  };
  if (!m.reply_to_message) return say("not_a_reply");
  const telegram::Message& game_msg = *m.reply_to_message;
  // Trust: sent by an allow-listed game bot, or forwarded from one (Telegram sets the origin and
  // its date; a person can forge neither).
  const telegram::User* author = nullptr;
  int64_t origin_date = 0;
  if (game_msg.forward_origin) {
    if (game_msg.forward_origin->type == "user" && game_msg.forward_origin->sender_user) {
      author = &*game_msg.forward_origin->sender_user;
      origin_date = game_msg.forward_origin->date;
    }
  } else if (game_msg.from) {
    author = &*game_msg.from;
    origin_date = game_msg.date;
  }
  if (author == nullptr || !author->is_bot) return say("untrusted");
  auto bot = options_.game_bots.find(lower_ascii(author->username));
  if (bot == options_.game_bots.end()) return say("untrusted");
  const std::string& game = bot->second;
  if (!bank_.verify_game_bot(lower_ascii(author->username), author->id, game)) {
    return say("untrusted");  // the username now belongs to another bot
  }
  if (!bank_.fresh(origin_date)) {
    return say("too_old",
               {{"hours", std::to_string(bank_.options().max_message_age / 3'600'000'000LL)}});
  }

  GameMessage gm;
  gm.chat_id = m.chat.id;
  gm.message_id = game_msg.message_id;
  gm.bot_id = author->id;
  gm.origin_date = origin_date;
  gm.text = game_msg.text;
  gm.replier_id = u.telegram_id;
  gm.legacy_key = legacy_message_key(game_msg.text, game_msg.date);
  gm.content_key = result_key(author->id, origin_date, game_msg.text);
  for (const auto& e : game_msg.entities) {
    if (e.type == "text_mention" && e.user) {
      gm.mentions.push_back(Mention{telegram::entity_text(game_msg.text, e), e.user->id,
                                    e.user->display_name(), e.user->username});
    }
  }
  const auto& ai = options_.ai;
  if (ai.parser != nullptr) {
    parser::AiResult r = ai.parser->parse(game_msg.text, gm.content_key);
    if (ai.drift != nullptr) ai.drift->log(r);
    if (r.canary && ai.review != nullptr) ai.review->record_canary(gm.content_key, *r.canary);
    // The sender is a trusted game bot: if its own format holds currency the model did not
    // see, an admin decides.
    if (!r.needs_review && r.game_type != game) {
      if (auto own = parser::extract_for(game, game_msg.text); own && !own->events.empty()) {
        r.needs_review = true;
        r.review_reason = "sender_disagrees";
      }
    }
    if (r.needs_review && ai.review != nullptr) {
      const auto [item, fresh] = ai.review->enqueue(gm, game_msg.text, game, r);
      return say(fresh ? "review_queued" : "review_pending",
                 {{"id", std::to_string(item.id)},
                  {"confidence", std::to_string(static_cast<int>(item.confidence * 100))}});
    }
    gm.parsed = r.parsed();
  } else {
    gm.parsed = parser::parse_text(game_msg.text);
  }
  if (gm.parsed.game != game) return say("wrong_game", {{"bot", "@" + author->username}});
  if (gm.parsed.events.empty()) {
    return say("no_events_" + std::string(parser::no_event_reason(gm.parsed)));
  }
  const CreditReport report = bank_.credit(gm);
  return credit_text(report, lang, game, u.display_name);
}

std::string BankBot::credit_text(const CreditReport& report, const std::string& lang,
                                 const std::string& game, const std::string& replier_name) const {
  const auto& options = bank_.options();
  if (report.too_old) {
    return i18n::text(lang, "too_old",
                      {{"hours", std::to_string(options.max_message_age / 3'600'000'000LL)}});
  }
  if (report.already_processed) return i18n::text(lang, "already_processed");
  std::string out;
  const auto add = [&out](const std::string& line) { out += (out.empty() ? "" : "\n") + line; };
  for (const auto& p : report.payouts) {
    add(i18n::text(lang, "payout",
                   {{"player", p.nickname},
                    {"game", p.game},
                    {"amount", coins(p.minor)},
                    {"count", std::to_string(p.credits)}}));
  }
  for (const auto& c : report.credits) {
    const std::string player = c.player.value_or(replier_name);
    i18n::Args a{{"player", player},
                 {"game", game},
                 {"currency", c.game_currency},
                 {"game_amount", c.game_amount},
                 {"k", c.coefficient},
                 {"amount", coins(c.minor < 0 ? -c.minor : c.minor)},
                 {"balance", coins(c.balance_after)},
                 {"days", std::to_string(options.unclaimed_ttl / 86'400'000'000LL)}};
    switch (c.how) {
      case How::kAccrual:
      case How::kProfileDelta:
      case How::kWin:
        if (c.unclaimed) {
          add(i18n::text(lang, c.minor < 0 ? "debited_unclaimed" : "credited_unclaimed", a));
        } else {
          add(i18n::text(lang, c.minor < 0 ? "debited" : "credited", a));
        }
        break;
      case How::kProfileFirstSeen:
        add(i18n::text(lang, "first_profile", a));
        break;
      case How::kProfileUnchanged:
        add(i18n::text(lang, "unchanged", a));
        break;
      case How::kNotConverted:
        add(i18n::text(lang, "not_converted", a));
        break;
      case How::kRefused:
        add(i18n::text(lang, "refused", a));
        break;
    }
  }
  return out;
}

std::string BankBot::stats_reply(const users::User& u) {
  const auto s = bank_.stats(u.telegram_id);
  return i18n::text(u.language, "stats",
                    {{"users", std::to_string(users_.count())},
                     {"parsed", std::to_string(s.parsed_messages)},
                     {"credited", coins(s.credited_minor)},
                     {"unclaimed", coins(s.unclaimed_minor)},
                     {"claims", std::to_string(s.pending_claims)}});
}

std::string BankBot::rate_reply(const users::User& u, const std::string& args) {
  const std::string& lang = u.language;
  std::istringstream in(args);
  std::string game, currency, k;
  if (!(in >> game >> currency >> k)) return i18n::text(lang, "usage_rate");
  if (currency == "win") {
    bank_.set_win_reward(u.telegram_id, game, k);
    return i18n::text(lang, "win_reward_ok", {{"game", game}, {"amount", k}});
  }
  const Rate r = bank_.set_rate(u.telegram_id, game, currency, k);
  return i18n::text(lang, "rate_ok",
                    {{"game", r.game}, {"currency", r.currency}, {"k", r.k.to_string()}});
}

}  // namespace lucas::bank
