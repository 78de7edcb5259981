#include "features/review/review_bot.h"

#include <sstream>

#include "base/i18n.h"
#include "base/money.h"
#include "base/names.h"

namespace lucas::review {
namespace {

std::string coins(int64_t minor) {
  return format_amount(minor, 2);
}

std::optional<int64_t> number(const std::string& s) {
  try {
    size_t used = 0;
    const int64_t v = std::stoll(s, &used);
    if (used == s.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::string snippet(const std::string& text) {
  // At most ~120 bytes, cut at a UTF-8 boundary, on one line.
  std::string out;
  for (size_t i = 0; i < text.size() && out.size() < 120; ++i) {
    const char c = text[i];
    out += c == '\n' ? ' ' : c;
  }
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  return out.size() < text.size() ? out + "…" : out;
}

std::string credited(const std::string& lang, const Decision& d) {
  if (d.credit.already_processed) return i18n::text(lang, "review_already_credited");
  if (d.credit.credits.empty()) return i18n::text(lang, "review_nothing_credited");
  return i18n::text(lang, "review_credited", {{"count", std::to_string(d.credit.credits.size())}});
}

std::string label_of(const nlohmann::json& final) {
  return final.value("game", "") + "/" + final.value("kind", "");
}

// The bank's report in the replier's language: a line per payout and per credit.
std::string credit_text(const bank::Options& options, const bank::CreditReport& report,
                        const std::string& lang, const std::string& game,
                        const std::string& replier_name) {
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
      case bank::How::kAccrual:
      case bank::How::kProfileDelta:
      case bank::How::kWin:
        if (c.unclaimed) {
          add(i18n::text(lang, c.minor < 0 ? "debited_unclaimed" : "credited_unclaimed", a));
        } else {
          add(i18n::text(lang, c.minor < 0 ? "debited" : "credited", a));
        }
        break;
      case bank::How::kProfileFirstSeen:
        add(i18n::text(lang, "first_profile", a));
        break;
      case bank::How::kProfileUnchanged:
        add(i18n::text(lang, "unchanged", a));
        break;
      case bank::How::kNotConverted:
        add(i18n::text(lang, "not_converted", a));
        break;
      case bank::How::kRefused:
        add(i18n::text(lang, "refused", a));
        break;
    }
  }
  return out;
}

}  // namespace

std::optional<telegram::Reply> review_command(ReviewService& review, const users::User& u,
                                              const std::string& cmd, const std::string& args) {
  const std::string& lang = u.language;
  if (cmd == "/review") {
    const int64_t after = args.empty() ? 0 : number(args).value_or(0);
    constexpr int kPage = 10;
    const auto items = review.list(u.telegram_id, "pending", kPage, after);
    if (items.empty()) return telegram::Reply(i18n::text(lang, "review_empty"));
    telegram::Reply reply;
    std::string& out = reply.text;
    out = i18n::text(lang, "review_header", {{"count", std::to_string(review.pending_count())}});
    for (const auto& it : items) {
      // One press accepts what the model read; a correction needs its words (/correct).
      if (reply.keyboard.empty() || reply.keyboard.back().size() == 3)
        reply.keyboard.emplace_back();
      reply.keyboard.back().push_back(
          {i18n::text(lang, "review_button_accept", {{"id", std::to_string(it.id)}}),
           "/accept " + std::to_string(it.id)});
      out += "\n" +
             i18n::text(
                 lang, "review_line",
                 {{"id", std::to_string(it.id)},
                  {"label", it.result.value("game_type", "") + "/" + it.result.value("kind", "")},
                  {"confidence", std::to_string(static_cast<int>(it.confidence * 100))},
                  {"reason", it.reason},
                  {"text", snippet(it.text)}});
    }
    if (static_cast<int>(items.size()) == kPage) {
      out += "\n" + i18n::text(lang, "review_more", {{"next", std::to_string(items.back().id)}});
      reply.keyboard.push_back(
          {{i18n::text(lang, "review_button_more"), "/review " + std::to_string(items.back().id)}});
    }
    return reply;
  }
  if (cmd == "/accept") {
    const auto id = number(args);
    if (!id) return i18n::text(lang, "usage_accept");
    const Decision d = review.accept(u.telegram_id, *id);
    telegram::Reply reply(i18n::text(lang, "review_accepted",
                                     {{"id", std::to_string(*id)},
                                      {"label", label_of(d.item.final)},
                                      {"credited", credited(lang, d)}}));
    reply.keyboard = {{{i18n::text(lang, "review_button_queue"), "/review"}}};
    return reply;
  }
  if (cmd == "/correct") {
    std::istringstream in(args);
    std::string id_text, label;
    in >> id_text >> label;
    std::string events;
    std::getline(in, events);
    const auto id = number(id_text);
    const size_t slash = label.find('/');
    if (!id || slash == std::string::npos) return i18n::text(lang, "usage_correct");
    nlohmann::json body{{"game", label.substr(0, slash)}, {"kind", label.substr(slash + 1)}};
    if (events.find_first_not_of(' ') != std::string::npos) {
      body["events"] = nlohmann::json::parse(events, nullptr, false);
      if (body["events"].is_discarded()) {
        throw Error(ErrorCode::kInvalidArgument, "the events are not valid JSON");
      }
    }
    const Decision d = review.correct(u.telegram_id, *id, correction_from_json(body));
    return i18n::text(lang, "review_corrected",
                      {{"id", std::to_string(*id)},
                       {"label", label_of(d.item.final)},
                       {"credited", credited(lang, d)}});
  }
  return std::nullopt;
}

bool is_parse(const std::string& first_word, const std::string& rest) {
  const std::string trigger = normalize_name(first_word);
  return rest.empty() && (trigger == "парсинг" || trigger == "parsing" || trigger == "/parse" ||
                          trigger == "/parsing");
}

Claim claim_of(const telegram::Message& m, int64_t replier_id) {
  const telegram::Message& game_msg = *m.reply_to_message;
  Claim c;
  c.chat_id = m.chat.id;
  c.message_id = game_msg.message_id;
  c.date = game_msg.date;
  c.text = game_msg.text;
  c.replier_id = replier_id;
  const telegram::User* author = nullptr;
  if (game_msg.forward_origin) {
    if (game_msg.forward_origin->type == "user" && game_msg.forward_origin->sender_user) {
      author = &*game_msg.forward_origin->sender_user;
      c.origin_date = game_msg.forward_origin->date;
    }
  } else if (game_msg.from) {
    author = &*game_msg.from;
    c.origin_date = game_msg.date;
  }
  if (author != nullptr) c.author = Claim::Author{author->id, author->username, author->is_bot};
  for (const auto& e : game_msg.entities) {
    if (e.type == "text_mention" && e.user) {
      c.mentions.push_back(bank::Mention{telegram::entity_text(game_msg.text, e), e.user->id,
                                         e.user->display_name(), e.user->username});
    }
  }
  return c;
}

std::string parse_reply(CreditDesk& desk, const telegram::Message& m, const users::User& u) {
  const std::string& lang = u.language;
  auto say = [&](const std::string& key, const i18n::Args& a = {}) {
    return i18n::text(lang, key, a);
  };
  if (!m.reply_to_message) return say("not_a_reply");
  const Outcome o = desk.claim(claim_of(m, u.telegram_id));
  switch (o.kind) {
    case Outcome::Kind::kUntrusted:
      return say("untrusted");
    case Outcome::Kind::kTooOld:
      return say("too_old", {{"hours", std::to_string(o.max_age_hours)}});
    case Outcome::Kind::kQueued:
      return say(o.fresh_item ? "review_queued" : "review_pending",
                 {{"id", std::to_string(o.item->id)},
                  {"confidence", std::to_string(static_cast<int>(o.item->confidence * 100))}});
    case Outcome::Kind::kWrongGame:
      return say("wrong_game", {{"bot", "@" + o.bot_username}});
    case Outcome::Kind::kNoEvents:
      return say("no_events_" + o.no_event_reason);
    case Outcome::Kind::kCredited:
      break;
  }
  return credit_text(desk.bank().options(), o.credit, lang, o.game, u.display_name);
}

}  // namespace lucas::review
