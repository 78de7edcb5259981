// Encrypted, verified backups of the whole platform database. A backup is a logical dump (every
// table of every module, rows as text), so it restores into either engine. It is encrypted and
// authenticated with libsodium's secretstream (XChaCha20-Poly1305) under a key file: a flipped
// byte or a truncated file fails authentication and nothing is restored. A plaintext manifest
// beside it records the file's SHA-256 and each table's row count and content checksum.
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
  std::string id;  // "20261124T213800Z-full"
  std::string kind = "full";
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
  BackupService(store::Database& db, std::vector<store::MigrationSet> sets, const Clock& clock,
                Options options);

  Manifest create(const std::function<void(const std::string&)>& progress = {});
  std::vector<Manifest> list();  // newest first, from the first directory
  // Checks every copy: file hash, authenticated decryption into a scratch database, checksums.
  VerifyResult verify(const std::string& id);
  // Restores into `target` in one transaction after the whole file authenticated; refuses a
  // target with data unless `replace`. The result is compared with the manifest.
  RestoreResult restore(const std::string& id, store::Database& target, bool replace);
  // Keeps every backup of the last 30 days, the newest of each ISO week for a year, nothing
  // older. Returns the ids removed.
  std::vector<std::string> prune();

 private:
  std::string path(const std::string& dir, const std::string& id) const;
  // Decrypts `file`, calling `on_line` for every plaintext line; INVALID_ARGUMENT on a damaged
  // file (nothing is half-read: callers load inside a transaction).
  void read_backup(const std::string& file, const std::function<void(const std::string&)>& on_line);
  int64_t load(const std::string& file, store::Database& target, bool replace);

  store::Database& db_;
  std::vector<store::MigrationSet> sets_;
  const Clock& clock_;
  Options options_;
  std::string key_;  // raw bytes
};

}  // namespace lucas::backup
