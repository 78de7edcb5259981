// The tamper-evident audit log: append-only, each entry carrying the SHA-256 of the previous
// one over a canonical encoding, so a modified, deleted or inserted row breaks the chain where it
// happened. Admin actions are appended in the same transaction as the action; ledger transfers
// arrive from the outbox (idempotent by event id, so a replayed event is recorded once).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "infra/events/outbox.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"

namespace lucas::audit {

store::MigrationSet migrations();

struct Entry {
  int64_t seq = 0;
  Micros at = 0;
  int64_t actor = 0;   // Telegram id of who acted; 0 for the system or the console operator
  std::string action;  // "admin.grant", "admin.set_role", "bank.rate", "ledger.transfer", ...
  std::string target;  // "user:101", "rate:gd_cards/points", "transfer:55"
  std::string ip;      // for authentication attempts
  std::string result;  // "ok", "denied", ...
  nlohmann::json details = nlohmann::json::object();
  std::string source;  // idempotency key for entries fed from events ("event:123"), else ""
  std::string prev_hash;
  std::string hash;

  // The client's address, for entries about a request: entry(...).with_ip(ip).
  Entry with_ip(std::string address) && {
    ip = std::move(address);
    return std::move(*this);
  }
};

// An entry as a service writes it: who did what to what, how it ended and the details; the log
// fills in the sequence, time and hashes when it is appended. Add the client's address with
// .with_ip(ip).
Entry entry(int64_t actor, std::string action, std::string target,
            nlohmann::json details = nlohmann::json::object(), std::string result = "ok");

// The bytes that are hashed: every field, length-prefixed, in a fixed order.
std::string canonical(const Entry& e);
nlohmann::json to_json(const Entry& e);
std::string csv_header();
std::string to_csv(const Entry& e);

struct VerifyReport {
  bool ok() const { return !first_bad_seq.has_value(); }
  int64_t entries = 0;
  int64_t checkpoints = 0;  // signed checkpoints checked
  std::optional<int64_t> first_bad_seq;
  std::string problem;  // "entry 5 was modified", "entry 5 is missing (deleted)", ...
};

struct Query {
  std::optional<int64_t> actor;
  std::optional<std::string> action;  // prefix: "admin." matches every admin action
  std::optional<Micros> since;        // inclusive
  std::optional<Micros> until;        // exclusive
  int64_t after_seq = 0;              // paging (oldest first)
  int limit = 100;
  // Entries about one user: those they made (actor) or that were made to them (target "user:id").
  std::optional<int64_t> subject;
  // Newest first instead: paged by `before_seq` (0: from the newest); after_seq is ignored.
  bool newest_first = false;
  int64_t before_seq = 0;
};

// An Ed25519 key pair from a 32-byte seed (hex in a key file).
struct SigningKey {
  std::string public_key_hex;
  std::string secret_key;  // 64 bytes, libsodium layout
};
SigningKey signing_key_from_seed_hex(const std::string& seed_hex);  // INVALID_ARGUMENT if bad
std::string new_seed_hex();

class AuditLog {
 public:
  explicit AuditLog(const Clock& clock) : clock_(clock) {}

  // Signs a checkpoint (seq, hash) every `interval` entries. Without a key, no checkpoints.
  void set_signing_key(SigningKey key, int interval = 1000);
  // Signs the current tail now (no-op on an empty log or without a key), and every interval-th
  // entry after the first checkpoint that has none (after the interval was lowered); returns the
  // tail's seq. It vouches for the chain as it is: verify it first.
  std::optional<int64_t> checkpoint(store::Tx& tx);

  // Appends in the caller's transaction; appends are serialised (PostgreSQL advisory lock,
  // SQLite's exclusive writer). An entry whose non-empty source was already recorded is not
  // appended again; the earlier one is returned.
  Entry append(store::Tx& tx, Entry e);

  // Walks the chain, then the signed checkpoints; `progress` gets the entries checked so far,
  // every 10,000. With a signing key, every checkpoint must be signed by that key (one signed by
  // another key is named: whoever rewrote the chain could have signed it), and from the first
  // checkpoint on one must exist at every interval-th entry (a missing one is named); a chain of
  // `interval` entries or more without any checkpoint fails. Safe in a read-only unit of work
  // while entries are appended (they are checked next time).
  VerifyReport verify(store::Tx& tx, const std::function<void(int64_t)>& progress = {});
  std::vector<Entry> search(store::Tx& tx, const Query& q);

  // Records every ledger transfer published on the outbox.
  void follow_ledger(events::Outbox& outbox, store::Database& db);

 private:
  void sign(store::Tx& tx, int64_t seq, const std::string& hash);
  VerifyReport verify_chain(store::Tx& tx, const std::function<void(int64_t)>& progress);

  const Clock& clock_;
  std::optional<SigningKey> key_;
  int interval_ = 1000;
};

}  // namespace lucas::audit
