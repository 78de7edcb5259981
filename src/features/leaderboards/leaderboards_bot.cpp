#include "features/leaderboards/leaderboards_bot.h"

#include "base/i18n.h"
#include "base/money.h"
#include "base/names.h"
#include "features/parser/parser.h"

namespace lucas::leaderboards {
namespace {

std::string score_text(const BoardSpec& b, int64_t score) {
  return b.currency.empty() ? std::to_string(score) : format_amount(score, b.scale);
}

std::string change_text(const std::string& lang, const Entry& e) {
  const std::string c = e.change();
  if (c == "up" || c == "down") {
    const int64_t n = e.rank_change() < 0 ? -e.rank_change() : e.rank_change();
    return i18n::text(lang, "top_change_" + c, {{"n", std::to_string(n)}});
  }
  return c == "none" ? std::string() : i18n::text(lang, "top_change_" + c);
}

std::string name_text(const std::string& lang, const Entry& e) {
  return e.name.empty() ? i18n::text(lang, "top_unknown_user", {{"id", std::to_string(e.user_id)}})
                        : e.name;
}

}  // namespace

std::optional<Period> parse_period_word(std::string_view word) {
  const std::string w = lucas::normalize_name(word);
  if (w.empty()) return Period::kAllTime;
  if (auto p = parse_period(w)) return p;
  static const std::map<std::string, Period> kWords{{"today", Period::kDaily},
                                                    {"d", Period::kDaily},
                                                    {"день", Period::kDaily},
                                                    {"дня", Period::kDaily},
                                                    {"сегодня", Period::kDaily},
                                                    {"сутки", Period::kDaily},
                                                    {"д", Period::kDaily},
                                                    {"w", Period::kWeekly},
                                                    {"неделя", Period::kWeekly},
                                                    {"неделю", Period::kWeekly},
                                                    {"недели", Period::kWeekly},
                                                    {"нед", Period::kWeekly},
                                                    {"н", Period::kWeekly},
                                                    {"m", Period::kMonthly},
                                                    {"месяц", Period::kMonthly},
                                                    {"месяца", Period::kMonthly},
                                                    {"мес", Period::kMonthly},
                                                    {"м", Period::kMonthly},
                                                    {"ever", Period::kAllTime},
                                                    {"a", Period::kAllTime},
                                                    {"всё", Period::kAllTime},
                                                    {"все", Period::kAllTime},
                                                    {"всего", Period::kAllTime},
                                                    {"всегда", Period::kAllTime},
                                                    {"всё время", Period::kAllTime},
                                                    {"все время", Period::kAllTime},
                                                    {"в", Period::kAllTime},
                                                    {"за всё время", Period::kAllTime},
                                                    {"за все время", Period::kAllTime}};
  auto it = kWords.find(w);
  if (it == kWords.end()) return std::nullopt;
  return it->second;
}

telegram::Keyboard period_buttons(const std::string& lang, Period current) {
  std::vector<telegram::Button> row;
  for (const Period p : {Period::kDaily, Period::kWeekly, Period::kMonthly, Period::kAllTime}) {
    const std::string name(period_name(p));
    const std::string label = i18n::text(lang, "top_button_" + name);
    row.push_back({p == current ? "✓ " + label : label, "/top " + name});
  }
  return {row};
}

telegram::Reply top_reply(LeaderboardService& service, const users::User& viewer,
                          const std::string& args) {
  const std::string& lang = viewer.language;
  const auto period = parse_period_word(args);
  if (!period) return i18n::text(lang, "top_usage");
  const BoardSpec b = service.board(CoinBoard::kBoard);
  const View v = service.top(b.name, *period, kBotTop);
  std::string period_label =
      i18n::text(lang, "top_period_" + std::string(period_name(*period)), {{"id", v.window.id}});
  telegram::Reply reply;
  reply.keyboard = period_buttons(lang, *period);  // the other periods, one press away
  std::string& text = reply.text;
  text = i18n::text(lang, "top_header", {{"period", period_label}});
  if (v.entries.empty()) {
    text += "\n" + i18n::text(lang, "top_empty");
    return reply;
  }
  for (const auto& e : v.entries) {
    text += "\n" + i18n::text(lang, "top_line",
                              {{"rank", std::to_string(e.rank)},
                               {"name", name_text(lang, e)},
                               {"score", score_text(b, e.score)},
                               {"change", change_text(lang, e)}});
  }
  const Entry me = service.position(b.name, *period, viewer.telegram_id);
  text += "\n\n";
  if (me.rank == 0) {
    text += i18n::text(lang, "top_me_unranked");
  } else {
    text += i18n::text(lang, "top_me",
                       {{"rank", std::to_string(me.rank)},
                        {"total", std::to_string(v.total)},
                        {"score", score_text(b, me.score)},
                        {"change", change_text(lang, me)}});
  }
  return reply;
}

}  // namespace lucas::leaderboards
