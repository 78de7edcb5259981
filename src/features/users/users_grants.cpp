// Bulk grants from a CSV (grants.h): the batch parsed, every row checked, and each valid row
// credited once through adjust() under the key (batch, line).
#include <algorithm>
#include <charconv>
#include <set>

#include "base/ids.h"
#include "base/money.h"
#include "features/users/users.h"
#include "features/users/users_store.h"

namespace lucas::users {
namespace {

struct Record {
  int line = 0;
  std::vector<std::string> cells;
};

// Line endings as "\n", without a byte-order mark or trailing blank lines: what the key hashes.
std::string normalized(const std::string& csv) {
  std::string text = csv.rfind("\xEF\xBB\xBF", 0) == 0 ? csv.substr(3) : csv;
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// RFC 4180 records (quoted cells may hold the separator, quotes doubled and line breaks); blank
// lines are skipped.
std::vector<Record> parse_csv(const std::string& text, char sep) {
  std::vector<Record> out;
  Record rec{1, {}};
  std::string cell;
  bool quoted = false, in_quotes = false, any = false;
  int line = 1;
  const auto end_cell = [&] {
    rec.cells.push_back(std::move(cell));
    cell.clear();
    quoted = false;
  };
  const auto end_record = [&] {
    end_cell();
    if (any) out.push_back(std::move(rec));
    rec = Record{line, {}};
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"' && cell.find_first_not_of(' ') == std::string::npos && !quoted) {
      cell.clear();
      in_quotes = quoted = any = true;
    } else if (c == sep) {
      end_cell();
      any = true;
    } else if (c == '\n') {
      ++line;
      end_record();
    } else {
      cell += c;
      if (c != ' ') any = true;
    }
  }
  if (in_quotes) {
    throw Error(ErrorCode::kInvalidArgument, "a quoted cell is not closed", {{"line", rec.line}});
  }
  end_record();
  return out;
}

std::string trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

void invalid(GrantRow& r, const char* problem, std::string message) {
  r.status = "invalid";
  r.problem = problem;
  r.message = std::move(message);
}

}  // namespace

GrantBatch UserService::check_grants(int64_t actor_id, const std::string& csv) {
  if (csv.size() > kMaxGrantCsvBytes) {
    throw Error(ErrorCode::kInvalidArgument, "the CSV is too large",
                {{"max_bytes", kMaxGrantCsvBytes}});
  }
  const std::string text = normalized(csv);
  const std::string header = lower(text.substr(0, text.find('\n')));
  const char sep =
      header.find(';') != std::string::npos && header.find(',') == std::string::npos ? ';' : ',';
  auto records = parse_csv(text, sep);
  if (records.empty() || records.front().cells.size() != 3 ||
      trimmed(records.front().cells[0]) != "telegram_id" ||
      trimmed(records.front().cells[1]) != "amount" ||
      trimmed(records.front().cells[2]) != "reason") {
    throw Error(ErrorCode::kInvalidArgument,
                "the CSV starts with the header telegram_id,amount,reason");
  }
  if (records.size() == 1) throw Error(ErrorCode::kInvalidArgument, "the CSV has no rows");
  if (records.size() - 1 > kMaxGrantRows) {
    throw Error(ErrorCode::kInvalidArgument, "a batch has at most 1000 rows",
                {{"rows", records.size() - 1}, {"max_rows", kMaxGrantRows}});
  }
  GrantBatch b;
  b.batch_key = sha256_hex(text);
  b.scale = currency_scale(b.currency);
  db_.read([&](store::Tx& tx) {
    const auto actor = actor_id == 0 ? std::nullopt : sql::find(tx, actor_id);
    std::set<int64_t> seen;
    for (size_t i = 1; i < records.size(); ++i) {
      auto& cells = records[i].cells;
      GrantRow r;
      r.line = records[i].line;
      r.status = "valid";
      if (cells.size() > 0) r.telegram_id = trimmed(cells[0]);
      if (cells.size() > 1) r.amount = trimmed(cells[1]);
      if (cells.size() > 2) r.reason = trimmed(cells[2]);
      int64_t id = 0;
      const auto [p, ec] =
          std::from_chars(r.telegram_id.data(), r.telegram_id.data() + r.telegram_id.size(), id);
      const bool id_ok =
          ec == std::errc() && p == r.telegram_id.data() + r.telegram_id.size() && id > 0;
      if (id_ok) r.user_id = id;
      const auto user = id_ok ? current(sql::find(tx, id)) : std::nullopt;
      if (user) r.display_name = user->display_name;
      if (cells.size() != 3) {
        invalid(r, "bad_row", "a row has three cells: telegram_id,amount,reason");
      } else if (!id_ok) {
        invalid(r, "bad_id", "a Telegram id is a positive whole number");
      } else if (!user) {
        invalid(r, "unknown_user", "no user has this Telegram id");
      } else if (user->ban) {
        invalid(r, "banned", "the user is banned");
      } else if (actor_id != 0 &&
                 (id == actor_id ||
                  !may_administer(actor ? actor->role : Role::kUser, user->role))) {
        invalid(r, "forbidden",
                id == actor_id ? "nobody may grant themself coins"
                               : "the user's role is not below yours");
      }
      if (r.status == "valid") {
        std::string amount = r.amount;
        if (sep == ';') std::replace(amount.begin(), amount.end(), ',', '.');
        try {
          r.minor = parse_amount(amount, b.scale);
          if (r.minor <= 0) invalid(r, "bad_amount", "a grant is a positive amount");
        } catch (const Error& e) {
          invalid(r, "bad_amount", e.what());
        }
      }
      if (r.status == "valid") {
        if (r.reason.empty()) {
          invalid(r, "missing_reason", "every grant needs a reason");
        } else if (r.reason.size() > 500) {
          invalid(r, "bad_reason", "the reason is longer than 500 bytes");
        } else if (std::any_of(r.reason.begin(), r.reason.end(), [](char c) {
                     return static_cast<unsigned char>(c) < 0x20 && c != '\n';
                   })) {
          invalid(r, "bad_reason", "the reason contains control characters");
        }
      }
      if (r.status == "valid" && !seen.insert(id).second) {
        invalid(r, "duplicate", "the user has an earlier valid row in this batch: sum them in one");
      }
      if (r.status == "valid") {
        ++b.valid;
        b.valid_total = checked_add(b.valid_total, r.minor);
      } else {
        ++b.invalid;
      }
      b.rows.push_back(std::move(r));
    }
  });
  return b;
}

GrantBatch UserService::preview_grants(const Actor& actor, const std::string& csv) {
  actor.require_scope(scope::kAdmin);
  require_admin(actor.user_id, "grant coins");
  return check_grants(actor.user_id, csv);
}

GrantBatch UserService::apply_grants(const Actor& actor, const std::string& csv,
                                     const std::string& batch_key, const std::string& ip) {
  actor.require_scope(scope::kAdmin);
  require_admin(actor.user_id, "grant coins");
  GrantBatch b = check_grants(actor.user_id, csv);
  if (batch_key != b.batch_key) {
    throw Error(ErrorCode::kConflict,
                "the batch is not the one previewed: preview it again and apply what you saw",
                {{"batch_key", b.batch_key}});
  }
  for (auto& r : b.rows) {
    if (r.status != "valid") continue;
    const std::string key = "admin:grants:" + b.batch_key + ":" + std::to_string(r.line);
    try {
      const auto t = adjust(actor.user_id, key, r.user_id, r.minor, b.currency, r.reason, ip);
      r.transfer_id = t.id;
      r.status = t.replayed ? "already_applied" : "applied";
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kIdempotencyConflict) {
        r.status = "already_applied";  // by another admin: the key is the batch's, not theirs
      } else {
        r.status = "failed";
        r.problem = std::string(error_code_name(e.code()));
        r.message = e.what();
      }
    }
    if (r.status == "applied") {
      ++b.applied;
      b.applied_total = checked_add(b.applied_total, r.minor);
    } else if (r.status == "already_applied") {
      ++b.already_applied;
    } else {
      ++b.failed;
    }
  }
  if (audit_ != nullptr) {
    db_.transact([&](store::Tx& tx) {
      audit_->append(tx, audit::entry(actor.user_id, "admin.grants", "batch:" + b.batch_key,
                                      {{"rows", b.rows.size()},
                                       {"applied", b.applied},
                                       {"already_applied", b.already_applied},
                                       {"failed", b.failed},
                                       {"invalid", b.invalid},
                                       {"applied_total", b.applied_total},
                                       {"currency", b.currency}})
                             .with_ip(ip));
    });
  }
  return b;
}

}  // namespace lucas::users
