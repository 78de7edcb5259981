// Telegram face of nickname links: players claim nicknames and see what waits for them; admins
// decide claims and see unclaimed credits. Every rule is in BankService.
#include <sstream>

#include "base/i18n.h"
#include "base/money.h"
#include "features/bank/bank_bot.h"

namespace lucas::bank {
namespace {

std::string coins(int64_t minor) {
  return format_amount(minor, 2);
}

std::string rest_of(std::istringstream& in) {
  std::string rest;
  std::getline(in, rest);
  while (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
  return rest;
}

// "/claims [after]": a page of 10, oldest first.
std::string claims_page(BankService& bank, users::UserService& users, const users::User& u,
                        int64_t after) {
  const std::string& lang = u.language;
  const auto page = bank.link_claims(u.telegram_id, "pending", 10, after);
  if (page.empty()) return i18n::text(lang, "claims_empty");
  std::string text = i18n::text(lang, "claims_header");
  for (const auto& c : page) {
    const auto who = users.find(c.user_id);
    text += "\n" + i18n::text(lang, "claims_line",
                              {{"id", std::to_string(c.id)},
                               {"game", c.game},
                               {"nick", c.nickname},
                               {"user", (who ? who->display_name + " " : std::string()) + "(" +
                                            std::to_string(c.user_id) + ")"},
                               {"competing", std::to_string(c.competing)},
                               {"amount", coins(c.waiting_minor)}});
  }
  if (page.size() == 10) {
    text += "\n" + i18n::text(lang, "claims_more", {{"next", std::to_string(page.back().id)}});
  }
  return text;
}

std::string unclaimed_page(BankService& bank, const users::User& u, int64_t after) {
  const std::string& lang = u.language;
  const auto page = bank.unclaimed(u.telegram_id, "pending", 10, after);
  if (page.empty()) return i18n::text(lang, "unclaimed_empty");
  std::string text = i18n::text(lang, "unclaimed_header");
  for (const auto& c : page) {
    text += "\n" + i18n::text(lang, "unclaimed_line",
                              {{"id", std::to_string(c.id)},
                               {"game", c.game},
                               {"nick", c.nickname},
                               {"amount", coins(c.minor)},
                               {"expires", format_rfc3339(c.expires_at).substr(0, 10)}});
  }
  if (page.size() == 10) {
    text += "\n" + i18n::text(lang, "unclaimed_more", {{"next", std::to_string(page.back().id)}});
  }
  return text;
}

std::string my_links(BankService& bank, const users::User& u) {
  const std::string& lang = u.language;
  const auto mine = bank.links_of(u.telegram_id, u.telegram_id);
  if (mine.links.empty() && mine.claims.empty()) return i18n::text(lang, "links_empty");
  std::string text = i18n::text(lang, "links_header");
  for (const auto& l : mine.links) {
    text += "\n" + i18n::text(lang, "links_line", {{"game", l.game}, {"nick", l.nickname}});
  }
  for (const auto& c : mine.claims) {
    if (c.status == "approved") continue;  // shown as a link
    text += "\n" + i18n::text(lang, "links_claim_line",
                              {{"id", std::to_string(c.id)},
                               {"game", c.game},
                               {"nick", c.nickname},
                               {"status", i18n::text(lang, "claim_status_" + c.status)}});
  }
  if (!mine.waiting.empty()) {
    int64_t total = 0;
    for (const auto& w : mine.waiting) total = checked_add(total, w.minor);
    text += "\n" +
            i18n::text(lang, "links_waiting",
                       {{"amount", coins(total)}, {"count", std::to_string(mine.waiting.size())}});
  }
  return text;
}

std::optional<int64_t> number(std::istringstream& in) {
  int64_t n = 0;
  if (!(in >> n) || n < 0) return std::nullopt;
  return n;
}

}  // namespace

std::optional<std::string> link_command(BankService& bank, users::UserService& users,
                                        const users::User& u, const std::string& cmd,
                                        const std::string& args) {
  const std::string& lang = u.language;
  std::istringstream in(args);
  if (cmd == "/link") {
    if (args.empty()) return my_links(bank, u);
    std::string game;
    in >> game;
    const std::string nick = rest_of(in);
    if (game.empty() || nick.empty()) return i18n::text(lang, "usage_link");
    const auto r = bank.claim_link(u.telegram_id, u.telegram_id, game, nick);
    const i18n::Args a{{"id", std::to_string(r.claim.id)}, {"nick", nick}, {"game", game}};
    if (r.status == BankService::ClaimStatus::kAlreadyLinked) {
      return i18n::text(lang, "link_already_linked", a);
    }
    std::string text =
        i18n::text(lang,
                   r.status == BankService::ClaimStatus::kAlreadyClaimed ? "link_already_claimed"
                                                                         : "link_claimed",
                   a);
    if (r.claim.competing > 0) {
      text +=
          i18n::text(lang, "link_claim_competing", {{"count", std::to_string(r.claim.competing)}});
    }
    if (r.claim.waiting_minor > 0) {
      text += i18n::text(lang, "link_claim_waiting", {{"amount", coins(r.claim.waiting_minor)}});
    }
    return text;
  }
  if (cmd == "/claims") {
    if (args.empty()) return claims_page(bank, users, u, 0);
    const auto after = number(in);
    if (!after) return i18n::text(lang, "claims_empty");
    return claims_page(bank, users, u, *after);
  }
  if (cmd == "/unclaimed") {
    if (args.empty()) return unclaimed_page(bank, u, 0);
    const auto after = number(in);
    if (!after) return i18n::text(lang, "unclaimed_empty");
    return unclaimed_page(bank, u, *after);
  }
  if (cmd == "/approve") {
    const auto id = number(in);
    if (!id) return i18n::text(lang, "usage_approve");
    const auto paid = bank.approve_claim(u.telegram_id, *id);
    const std::string what =
        paid.empty() ? i18n::text(lang, "claim_nothing_paid")
                     : i18n::text(lang, "claim_paid", {{"amount", coins(paid.front().minor)}});
    return i18n::text(lang, "claim_approved", {{"id", std::to_string(*id)}, {"paid", what}});
  }
  if (cmd == "/reject") {
    const auto id = number(in);
    const std::string reason = rest_of(in);
    if (!id || reason.empty()) return i18n::text(lang, "usage_reject");
    bank.reject_claim(u.telegram_id, *id, reason);
    return i18n::text(lang, "claim_rejected", {{"id", std::to_string(*id)}});
  }
  if (cmd == "/unlink") {
    std::string game;
    in >> game;
    const std::string nick = rest_of(in);
    if (game.empty() || nick.empty()) return i18n::text(lang, "usage_unlink");
    bank.unlink(u.telegram_id, game, nick);
    return i18n::text(lang, "unlinked", {{"game", game}, {"nick", nick}});
  }
  return std::nullopt;
}

}  // namespace lucas::bank
