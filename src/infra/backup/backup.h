// Encrypted, verified backups of the whole platform database. A backup is a logical dump (every
// table of every module, rows as text), so it restores into either engine. It is compressed
// (deflate), then encrypted and authenticated with libsodium's secretstream (XChaCha20-Poly1305)
// under a key file: a flipped byte or a truncated file fails authentication and nothing is
// restored. A plaintext manifest beside it records the file's SHA-256 and each table's row count
// and content checksum.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "infra/store/copy.h"
#include "infra/store/db.h"

namespace lucas::backup {

struct Manifest {
  std::string id;             // "20261124T213800Z-full", "20261124T223800Z-incr"
  std::string kind = "full";  // "full" or "incremental"
  std::string base;           // an incremental's full backup
  // Per append-only table: {"after": the base's highest key, "holes": keys below it that were
  // not visible then (PostgreSQL commits out of key order), "max": this backup's highest key}.
  nlohmann::json marks = nlohmann::json::object();
  Micros created_at = 0;
  std::string engine;
  std::string file_sha256;
  int64_t bytes = 0;
  std::vector<store::TableSummary> tables;
  nlohmann::json to_json() const;
  static Manifest from_json(const nlohmann::json& j);
};

struct Options {
  std::vector<std::string> dirs;  // every backup is written to each
  std::string key_hex;            // 32-byte secretstream key, hex
  // Tables that only ever grow, keyed by an increasing integer first column (the ledger journal,
  // the audit log): an incremental backup carries only their new rows. Every other table is
  // carried whole by every backup.
  std::vector<std::string> append_only = {};
};

std::string new_key_hex();

struct VerifyResult {
  bool ok = false;
  std::string problem;
  double seconds = 0;
};

struct RestoreResult {
  int64_t rows = 0;
  double seconds = 0;
};

class BackupService {
 public:
  // Called with a one-line status as the work goes on (table and rows so far).
  using Progress = std::function<void(const std::string&)>;

  BackupService(store::Database& db, std::vector<store::MigrationSet> sets, const Clock& clock,
                Options options);

  // A full backup: every table, written to every directory.
  Manifest create(const Progress& progress = {});
  // An incremental backup on top of the newest full one: the append-only tables' rows added
  // since it, every other table whole. Restoring it (full + this) gives this moment exactly.
  // CONFLICT when there is no full backup yet.
  Manifest create_incremental(const Progress& progress = {});
  std::vector<Manifest> list();  // newest first, from the first directory
  // Checks every copy: file hash, authenticated decryption into a scratch database, checksums.
  VerifyResult verify(const std::string& id, const Progress& progress = {});
  // Restores into `target` in one transaction after the whole file authenticated; refuses a
  // target with data unless `replace`. The result is compared with the manifest.
  RestoreResult restore(const std::string& id, store::Database& target, bool replace,
                        const Progress& progress = {});
  // Keeps every full backup of the last 30 days and the newest of each ISO week for a year;
  // incrementals for 30 days while their full backup is kept. Returns the ids removed.
  std::vector<std::string> prune();
  size_t locations() const { return options_.dirs.size(); }

 private:
  Manifest write(bool incremental, const Progress& progress);
  const Manifest& find(const std::vector<Manifest>& all, const std::string& id) const;
  // The first copy whose SHA-256 matches the manifest.
  std::string intact_copy(const Manifest& m) const;
  std::string path(const std::string& dir, const std::string& id) const;
  // Decrypts `file`, calling `on_line` for every plaintext line; INVALID_ARGUMENT on a damaged
  // file (nothing is half-read: callers load inside a transaction).
  void read_backup(const std::string& file, const std::function<void(const std::string&)>& on_line);
  // Loads a full backup, or a full one and an incremental on top of it, into `target` in one
  // transaction, and compares every table with `expect` before committing.
  int64_t load(const std::string& full, const std::string* incremental, store::Database& target,
               bool replace, const Manifest& expect, const Progress& progress);

  store::Database& db_;
  std::vector<store::MigrationSet> sets_;
  const Clock& clock_;
  Options options_;
  std::string key_;  // raw bytes
};

}  // namespace lucas::backup
