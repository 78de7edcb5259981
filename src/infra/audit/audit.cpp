#include "infra/audit/audit.h"

#include <sodium.h>

#include <set>

#include "base/csv.h"
#include "base/ids.h"
#include "infra/audit/audit_store.h"

namespace lucas::audit {

namespace {
const std::string kGenesis(64, '0');

void field(std::string& out, std::string_view v) {
  out += std::to_string(v.size());
  out += ':';
  out += v;
  out += ';';
}

// The details exactly as stored: hashing the stored text keeps verification independent of how
// a JSON library would re-serialise it (PostgreSQL's JSONB would reorder keys, so TEXT it is).
std::string details_text(const nlohmann::json& d) {
  return d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string canonical_with(const Entry& e, const std::string& details) {
  std::string out = "lucas-audit-v1;";
  field(out, std::to_string(e.seq));
  field(out, std::to_string(e.at));
  field(out, std::to_string(e.actor));
  field(out, e.action);
  field(out, e.target);
  field(out, e.ip);
  field(out, e.result);
  field(out, details);
  field(out, e.source);
  field(out, e.prev_hash);
  return out;
}

}  // namespace

namespace {
std::string to_hex(const unsigned char* p, size_t n) {
  std::string out(n * 2, '0');
  sodium_bin2hex(out.data(), out.size() + 1, p, n);
  return out;
}
std::optional<std::string> from_hex(const std::string& hex, size_t bytes) {
  std::string out(bytes, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), bytes, hex.data(), hex.size(),
                     nullptr, &len, nullptr) != 0 ||
      len != bytes) {
    return std::nullopt;
  }
  return out;
}
std::string checkpoint_message(int64_t seq, const std::string& hash) {
  return "lucas-audit-checkpoint-v1;" + std::to_string(seq) + ";" + hash;
}
void init_sodium() {
  if (sodium_init() < 0) throw Error(ErrorCode::kInternal, "libsodium failed to initialise");
}
}  // namespace

SigningKey signing_key_from_seed_hex(const std::string& seed_hex) {
  init_sodium();
  std::string trimmed = seed_hex;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.pop_back();
  auto seed = from_hex(trimmed, crypto_sign_SEEDBYTES);
  if (!seed) {
    throw Error(ErrorCode::kInvalidArgument, "an audit signing key is 64 hex characters (a seed)");
  }
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char*>(seed->data()));
  SigningKey k{to_hex(pk, sizeof pk), std::string(reinterpret_cast<char*>(sk), sizeof sk)};
  sodium_memzero(sk, sizeof sk);
  return k;
}

std::string new_seed_hex() {
  init_sodium();
  unsigned char seed[crypto_sign_SEEDBYTES];
  randombytes_buf(seed, sizeof seed);
  std::string hex = to_hex(seed, sizeof seed);
  sodium_memzero(seed, sizeof seed);
  return hex;
}

void AuditLog::set_signing_key(SigningKey key, int interval) {
  if (interval < 1) throw Error(ErrorCode::kInvalidArgument, "checkpoint interval must be >= 1");
  key_ = std::move(key);
  interval_ = interval;
}

void AuditLog::sign(store::Tx& tx, int64_t seq, const std::string& hash) {
  const std::string msg = checkpoint_message(seq, hash);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                       reinterpret_cast<const unsigned char*>(key_->secret_key.data()));
  sql::insert_checkpoint(tx, seq, hash, clock_.now(), key_->public_key_hex,
                         to_hex(sig, sizeof sig));
}

std::optional<int64_t> AuditLog::checkpoint(store::Tx& tx) {
  if (!key_) return std::nullopt;
  sql::lock_chain(tx);
  const auto tail = sql::tail(tx);
  if (!tail) return std::nullopt;
  // Every interval-th entry after the first checkpoint that has none (the interval was lowered):
  // verify asks for them.
  if (const auto first = sql::first_checkpoint(tx)) {
    for (const auto& l : sql::unsigned_due(tx, *first, int64_t{interval_})) sign(tx, l.seq, l.hash);
  }
  sign(tx, tail->seq, tail->hash);
  return tail->seq;
}

Entry entry(int64_t actor, std::string action, std::string target, nlohmann::json details,
            std::string result) {
  Entry e;
  e.actor = actor;
  e.action = std::move(action);
  e.target = std::move(target);
  e.result = std::move(result);
  e.details = std::move(details);
  return e;
}

std::string canonical(const Entry& e) {
  return canonical_with(e, details_text(e.details));
}

nlohmann::json to_json(const Entry& e) {
  return {{"seq", e.seq},       {"at", format_rfc3339(e.at)},
          {"actor", e.actor},   {"action", e.action},
          {"target", e.target}, {"ip", e.ip},
          {"result", e.result}, {"details", e.details},
          {"source", e.source}, {"prev_hash", e.prev_hash},
          {"hash", e.hash}};
}

std::string csv_header() {
  return "seq,at,actor,action,target,ip,result,details,source,prev_hash,hash";
}

std::string to_csv(const Entry& e) {
  return std::to_string(e.seq) + "," + format_rfc3339(e.at) + "," + std::to_string(e.actor) + "," +
         csv_cell(e.action) + "," + csv_cell(e.target) + "," + csv_cell(e.ip) + "," +
         csv_cell(e.result) + "," + csv_cell(details_text(e.details)) + "," + csv_cell(e.source) +
         "," + e.prev_hash + "," + e.hash;
}

Entry AuditLog::append(store::Tx& tx, Entry e) {
  if (e.action.empty()) throw Error(ErrorCode::kInvalidArgument, "an audit entry needs an action");
  if (!e.details.is_object()) e.details = {{"value", e.details}};
  sql::lock_chain(tx);
  if (!e.source.empty()) {
    if (auto existing = sql::by_source(tx, e.source)) return *existing;
  }
  const auto tail = sql::tail(tx);
  e.seq = !tail ? 1 : tail->seq + 1;
  e.prev_hash = !tail ? kGenesis : tail->hash;
  if (e.at == 0) e.at = clock_.now();
  const std::string details = details_text(e.details);
  e.hash = sha256_hex(canonical_with(e, details));
  sql::insert(tx, e, details);
  if (key_ && e.seq % interval_ == 0) sign(tx, e.seq, e.hash);
  return e;
}

VerifyReport AuditLog::verify(store::Tx& tx, const std::function<void(int64_t)>& progress) {
  VerifyReport report = verify_chain(tx, progress);
  if (!report.ok()) return report;
  // Signed checkpoints catch what a consistent rewrite of the chain, or a cut-off tail, hides.
  init_sodium();
  const auto fail = [&](int64_t seq, std::string what) {
    report.first_bad_seq = seq;
    report.problem = std::move(what);
    return report;
  };
  std::optional<int64_t> first;  // the first checkpoint: signing began there
  std::set<int64_t> signed_at;
  for (const auto& c : sql::checkpoints(tx)) {
    const int64_t seq = c.seq;
    const std::string hash = c.hash;
    const auto pk = from_hex(c.public_key_hex, crypto_sign_PUBLICKEYBYTES);
    const auto sig = from_hex(c.signature_hex, crypto_sign_BYTES);
    const std::string msg = checkpoint_message(seq, hash);
    ++report.checkpoints;
    if (!pk || !sig ||
        crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                    reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                                    reinterpret_cast<const unsigned char*>(pk->data())) != 0) {
      return fail(seq, "the checkpoint at entry " + std::to_string(seq) + " has a bad signature");
    }
    // A valid signature by someone else proves nothing: whoever rewrote the chain could sign it.
    if (key_ && c.public_key_hex != key_->public_key_hex) {
      return fail(seq, "the checkpoint at entry " + std::to_string(seq) +
                           " is signed by another key (" + c.public_key_hex.substr(0, 16) +
                           "…), not by audit.signing_key_file");
    }
    if (seq > report.entries) {
      // Appended while the chain was walked (committed with its checkpoint), or deleted.
      const auto entry = sql::hash_at(tx, seq);
      if (!entry) {
        return fail(report.entries + 1, "entries after " + std::to_string(report.entries) +
                                            " were deleted (a signed checkpoint covers entry " +
                                            std::to_string(seq) + ")");
      }
      if (*entry != hash) {
        return fail(seq, "the chain up to entry " + std::to_string(seq) +
                             " was rewritten after it was signed");
      }
      continue;
    }
    const auto entry = sql::hash_at(tx, seq);
    if (!entry || *entry != hash) {
      // The chain is consistent but differs from what was signed: find where it was rewritten.
      return fail(seq, "the chain up to entry " + std::to_string(seq) +
                           " was rewritten after it was signed");
    }
    if (!first) first = seq;
    signed_at.insert(seq);
  }
  if (!key_) return report;
  // With a key, a checkpoint is signed with every interval-th entry from the first one on: one
  // that should exist and does not was deleted (with it goes the proof for what follows).
  if (!first) {
    if (report.entries >= interval_) {
      return fail(interval_, "the signed checkpoint at entry " + std::to_string(interval_) +
                                 " is missing: there is no signed checkpoint at all");
    }
    return report;
  }
  for (int64_t seq = (*first / interval_ + 1) * interval_; seq <= report.entries;
       seq += interval_) {
    if (signed_at.count(seq) == 0) {
      return fail(
          seq, "the signed checkpoint at entry " + std::to_string(seq) + " is missing (deleted?)");
    }
  }
  return report;
}

VerifyReport AuditLog::verify_chain(store::Tx& tx, const std::function<void(int64_t)>& progress) {
  VerifyReport report;
  std::string prev = kGenesis;
  int64_t expected = 1;
  int64_t after = 0;
  for (;;) {
    // Page through in seq order; the stored details text is what was hashed.
    auto rows = sql::page(tx, after);
    if (rows.empty()) return report;
    for (auto& r : rows) {
      Entry e = std::move(r.entry);
      const std::string stored_details = std::move(r.details);
      ++report.entries;
      auto fail = [&](int64_t seq, std::string what) {
        report.first_bad_seq = seq;
        report.problem = std::move(what);
      };
      if (e.seq != expected) {
        fail(expected, e.seq > expected
                           ? "entry " + std::to_string(expected) + " is missing (deleted)"
                           : "entry " + std::to_string(e.seq) + " is out of order");
        return report;
      }
      if (e.prev_hash != prev) {
        fail(e.seq, "entry " + std::to_string(e.seq) +
                        " does not follow the entry before it (inserted, or the one before was "
                        "replaced)");
        return report;
      }
      if (sha256_hex(canonical_with(e, stored_details)) != e.hash) {
        fail(e.seq, "entry " + std::to_string(e.seq) + " was modified");
        return report;
      }
      prev = e.hash;
      ++expected;
      after = e.seq;
      if (progress && report.entries % 10'000 == 0) progress(report.entries);
    }
  }
}

std::vector<Entry> AuditLog::search(store::Tx& tx, const Query& q) {
  if (q.limit < 1 || q.limit > 10'000) {
    throw Error(ErrorCode::kInvalidArgument, "limit must be between 1 and 10000");
  }
  if (q.action &&
      q.action->find_first_not_of("abcdefghijklmnopqrstuvwxyz_.") != std::string::npos) {
    throw Error(ErrorCode::kInvalidArgument, "an action filter is made of a-z, '_' and '.'");
  }
  return sql::search(tx, q);
}

void AuditLog::follow_ledger(events::Outbox& outbox, store::Database& db) {
  outbox.subscribe("ledger.transfer", [this, &db](const events::Event& ev) {
    db.transact([&](store::Tx& tx) {
      Entry e;
      e.at = ev.created_at;
      e.action = "ledger.transfer";
      e.target = "transfer:" + std::to_string(ev.payload.value("transfer_id", int64_t{0}));
      e.result = "ok";
      e.details = ev.payload;
      e.source = "event:" + std::to_string(ev.id);
      append(tx, e);
    });
  });
}

}  // namespace lucas::audit
