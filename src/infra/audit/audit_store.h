// SQL of the audit log (internal). Tables:
//   audit_log          the hash-chained entries, by seq (the stored details text is what was
//                      hashed)
//   audit_checkpoints  Ed25519-signed (seq, hash) checkpoints of the chain
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "infra/audit/audit.h"

namespace lucas::audit::sql {

// Serialises writers of the chain until the transaction ends (PostgreSQL; SQLite's write
// transactions are exclusive already).
void lock_chain(store::Tx& tx);

struct Link {  // an entry's place in the chain
  int64_t seq = 0;
  std::string hash;
};
// The last entry; nullopt when the log is empty.
std::optional<Link> tail(store::Tx& tx);
// The entry recorded from `source` (an idempotency key), if any.
std::optional<Entry> by_source(store::Tx& tx, const std::string& source);
// `details` is the text that was hashed.
void insert(store::Tx& tx, const Entry& e, const std::string& details);
std::optional<std::string> hash_at(store::Tx& tx, int64_t seq);

struct Stored {
  Entry entry;
  std::string details;  // as stored (and hashed)
};
// Entries after `after_seq`, in seq order, at most 1,000.
std::vector<Stored> page(store::Tx& tx, int64_t after_seq);
// Entries matching a (validated) query, in seq order.
std::vector<Entry> search(store::Tx& tx, const Query& q);

// The seq of the first checkpoint; nullopt when there is none.
std::optional<int64_t> first_checkpoint(store::Tx& tx);
// Entries after `after_seq` whose seq is a multiple of `interval` and that have no checkpoint.
std::vector<Link> unsigned_due(store::Tx& tx, int64_t after_seq, int64_t interval);
// Keeps an existing checkpoint of the same seq.
void insert_checkpoint(store::Tx& tx, int64_t seq, const std::string& hash, Micros signed_at,
                       const std::string& public_key_hex, const std::string& signature_hex);

struct Checkpoint {
  int64_t seq = 0;
  std::string hash;
  std::string public_key_hex;
  std::string signature_hex;
};
std::vector<Checkpoint> checkpoints(store::Tx& tx);  // by seq

}  // namespace lucas::audit::sql
