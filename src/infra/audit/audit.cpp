#include "infra/audit/audit.h"

#include <sodium.h>

#include <set>

#include "base/ids.h"

namespace lucas::audit {
using store::Value;

namespace {
constexpr int64_t kChainLock = 0x61756469745f6c;  // "audit_l"
const std::string kGenesis(64, '0');
constexpr const char* kColumns =
    "SELECT seq, at, actor, action, target, ip, result, details, source, prev_hash, hash"
    " FROM audit_log";

void field(std::string& out, std::string_view v) {
  out += std::to_string(v.size());
  out += ':';
  out += v;
  out += ';';
}

Entry from_row(const store::Row& r) {
  Entry e;
  e.seq = r.i64(0);
  e.at = r.i64(1);
  e.actor = r.i64(2);
  e.action = r.str(3);
  e.target = r.str(4);
  e.ip = r.str(5);
  e.result = r.str(6);
  e.details = nlohmann::json::parse(r.str(7), nullptr, false);
  e.source = r.str(8);
  e.prev_hash = r.str(9);
  e.hash = r.str(10);
  return e;
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

std::string csv_cell(const std::string& v) {
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

store::MigrationSet migrations() {
  return {"audit",
          {{1, "hash-chained audit log",
            R"(
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor BIGINT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  ip TEXT NOT NULL,
  result TEXT NOT NULL,
  details TEXT NOT NULL,
  source TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE UNIQUE INDEX audit_by_source ON audit_log (source) WHERE source <> '';
CREATE INDEX audit_by_actor ON audit_log (actor, seq);
CREATE INDEX audit_by_action ON audit_log (action, seq);
CREATE INDEX audit_by_time ON audit_log (at, seq);
CREATE TABLE audit_checkpoints (
  seq BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  signed_at BIGINT NOT NULL,
  public_key TEXT NOT NULL,
  signature TEXT NOT NULL
);
)"}}};
}

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
  tx.exec(
      "INSERT INTO audit_checkpoints (seq, hash, signed_at, public_key, signature)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING",
      {Value{seq}, Value{hash}, Value{clock_.now()}, Value{key_->public_key_hex},
       Value{to_hex(sig, sizeof sig)}});
}

std::optional<int64_t> AuditLog::checkpoint(store::Tx& tx) {
  if (!key_) return std::nullopt;
  if (tx.engine() == store::Engine::kPostgres) {
    tx.exec("SELECT pg_advisory_xact_lock($1)", {Value{kChainLock}});
  }
  auto tail = tx.exec("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (tail.empty()) return std::nullopt;
  // Every interval-th entry after the first checkpoint that has none (the interval was lowered):
  // verify asks for them.
  auto first = tx.exec("SELECT MIN(seq) FROM audit_checkpoints");
  if (!first.empty() && !first.one().is_null(0)) {
    for (const auto& r :
         tx.exec("SELECT a.seq, a.hash FROM audit_log a WHERE a.seq > $1 AND a.seq % $2 = 0"
                 " AND NOT EXISTS (SELECT 1 FROM audit_checkpoints c WHERE c.seq = a.seq)"
                 " ORDER BY a.seq",
                 {Value{first.one().i64(0)}, Value{int64_t{interval_}}})
             .rows) {
      sign(tx, r.i64(0), r.str(1));
    }
  }
  sign(tx, tail.one().i64(0), tail.one().str(1));
  return tail.one().i64(0);
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
  if (tx.engine() == store::Engine::kPostgres) {
    tx.exec("SELECT pg_advisory_xact_lock($1)", {Value{kChainLock}});
  }
  if (!e.source.empty()) {
    auto existing = tx.exec(std::string(kColumns) + " WHERE source = $1", {Value{e.source}});
    if (!existing.empty()) return from_row(existing.one());
  }
  auto tail = tx.exec("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  e.seq = tail.empty() ? 1 : tail.one().i64(0) + 1;
  e.prev_hash = tail.empty() ? kGenesis : tail.one().str(1);
  if (e.at == 0) e.at = clock_.now();
  const std::string details = details_text(e.details);
  e.hash = sha256_hex(canonical_with(e, details));
  tx.exec(
      "INSERT INTO audit_log (seq, at, actor, action, target, ip, result, details, source,"
      " prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      {Value{e.seq}, Value{e.at}, Value{e.actor}, Value{e.action}, Value{e.target}, Value{e.ip},
       Value{e.result}, Value{details}, Value{e.source}, Value{e.prev_hash}, Value{e.hash}});
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
  for (const auto& r :
       tx.exec("SELECT seq, hash, public_key, signature FROM audit_checkpoints ORDER BY seq")
           .rows) {
    const int64_t seq = r.i64(0);
    const std::string hash = r.str(1);
    const auto pk = from_hex(r.str(2), crypto_sign_PUBLICKEYBYTES);
    const auto sig = from_hex(r.str(3), crypto_sign_BYTES);
    const std::string msg = checkpoint_message(seq, hash);
    ++report.checkpoints;
    if (!pk || !sig ||
        crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                    reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                                    reinterpret_cast<const unsigned char*>(pk->data())) != 0) {
      return fail(seq, "the checkpoint at entry " + std::to_string(seq) + " has a bad signature");
    }
    // A valid signature by someone else proves nothing: whoever rewrote the chain could sign it.
    if (key_ && r.str(2) != key_->public_key_hex) {
      return fail(seq, "the checkpoint at entry " + std::to_string(seq) +
                           " is signed by another key (" + r.str(2).substr(0, 16) +
                           "…), not by audit.signing_key_file");
    }
    if (seq > report.entries) {
      // Appended while the chain was walked (committed with its checkpoint), or deleted.
      auto entry = tx.exec("SELECT hash FROM audit_log WHERE seq = $1", {Value{seq}});
      if (entry.empty()) {
        return fail(report.entries + 1, "entries after " + std::to_string(report.entries) +
                                            " were deleted (a signed checkpoint covers entry " +
                                            std::to_string(seq) + ")");
      }
      if (entry.one().str(0) != hash) {
        return fail(seq, "the chain up to entry " + std::to_string(seq) +
                             " was rewritten after it was signed");
      }
      continue;
    }
    auto entry = tx.exec("SELECT hash FROM audit_log WHERE seq = $1", {Value{seq}});
    if (entry.empty() || entry.one().str(0) != hash) {
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
    auto rows = tx.exec(
        "SELECT seq, at, actor, action, target, ip, result, details, source, prev_hash, hash"
        " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000",
        {Value{after}});
    if (rows.empty()) return report;
    for (const auto& r : rows.rows) {
      Entry e = from_row(r);
      const std::string stored_details = r.str(7);
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
  std::string sql = std::string(kColumns) + " WHERE seq > $1";
  std::vector<Value> params{Value{q.after_seq}};
  auto add = [&](const std::string& clause, Value v) {
    params.push_back(std::move(v));
    sql += " AND " + clause + " $" + std::to_string(params.size());
  };
  if (q.actor) add("actor =", Value{*q.actor});
  if (q.action) {
    if (q.action->find_first_not_of("abcdefghijklmnopqrstuvwxyz_.") != std::string::npos) {
      throw Error(ErrorCode::kInvalidArgument, "an action filter is made of a-z, '_' and '.'");
    }
    // Prefix match without LIKE wildcards from user input: compare the leading substring.
    params.emplace_back(*q.action);
    sql += " AND substr(action, 1, " + std::to_string(q.action->size()) + ") = $" +
           std::to_string(params.size());
  }
  if (q.since) add("at >=", Value{*q.since});
  if (q.until) add("at <", Value{*q.until});
  sql += " ORDER BY seq LIMIT " + std::to_string(q.limit);
  std::vector<Entry> out;
  for (const auto& r : tx.exec(sql, params).rows) out.push_back(from_row(r));
  return out;
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
