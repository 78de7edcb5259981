// Bulk grants: an admin pastes a CSV of coins to credit, sees every row checked, then applies it.
//
//   telegram_id,amount,reason          (the header; ';' separates too, as spreadsheets in Russian
//   101,12.50,"tournament, 1st place"   locales save it — then "12,50" is also read as 12.50)
//
// At most 1,000 rows (and 512 KiB). A row is valid when its user exists, is not banned and is one
// the admin may adjust (adjust()'s rule: not themself, ranked below them), its amount is a
// positive COIN amount with at most 2 fraction digits, its reason has 1-500 bytes, and its user
// has no earlier valid row in the batch (a duplicate is refused: sum them in one row).
//
// The batch's key is the SHA-256 of its content (line endings and a byte-order mark aside):
// applying needs the key of the preview the admin saw (CONFLICT when the content changed), and
// each valid row is credited once under the key (batch key, line): applying the same batch again
// — by anyone — moves nothing more and reports those rows as already applied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lucas::users {

struct GrantRow {
  int line = 0;             // where the row starts in the CSV (the header is line 1)
  std::string telegram_id;  // as written
  std::string amount;       // as written
  std::string reason;
  int64_t user_id = 0;       // 0 when the id is not a valid one
  std::string display_name;  // of the user, when found
  int64_t minor = 0;         // the amount in minor units, when valid
  // Preview: "valid" or "invalid". Apply: "applied", "already_applied", "invalid" or "failed"
  // (refused when applied: the user was banned meanwhile, ...).
  std::string status;
  // For invalid and failed rows: bad_row, bad_id, unknown_user, banned, forbidden, duplicate,
  // bad_amount, missing_reason, bad_reason; or the service's error code (failed).
  std::string problem;
  std::string message;  // what is wrong, in English
  std::optional<int64_t> transfer_id;
};

struct GrantBatch {
  std::string batch_key;  // 64 hex digits
  std::string currency = "COIN";
  int scale = 2;
  std::vector<GrantRow> rows;
  int valid = 0;  // rows that are (or were, when applied) valid
  int invalid = 0;
  int64_t valid_total = 0;    // minor units of the valid rows
  int applied = 0;            // apply: credited now
  int already_applied = 0;    // apply: credited before (this batch, applied earlier)
  int failed = 0;             // apply: refused when applied
  int64_t applied_total = 0;  // apply: minor units credited now
};

inline constexpr int kMaxGrantRows = 1000;
inline constexpr size_t kMaxGrantCsvBytes = 512 * 1024;

}  // namespace lucas::users
