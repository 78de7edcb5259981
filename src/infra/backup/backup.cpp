#include "infra/backup/backup.h"

#include <sodium.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>

#include "base/ids.h"
#include "infra/store/migrate.h"

namespace lucas::backup {
namespace fs = std::filesystem;
using store::Value;

namespace {

constexpr char kMagic[] = "LUCASBK1";
constexpr size_t kMagicLen = 8;
constexpr size_t kChunk = 64 * 1024;

void init_sodium() {
  if (sodium_init() < 0) throw Error(ErrorCode::kInternal, "libsodium failed to initialise");
}

[[noreturn]] void damaged(const std::string& file, const std::string& why) {
  throw Error(ErrorCode::kInvalidArgument, "backup " + file + " is damaged: " + why);
}

std::string file_sha256(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::kNotFound, "cannot read " + file);
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    crypto_hash_sha256_update(&st, reinterpret_cast<unsigned char*>(buf.data()),
                              static_cast<unsigned long long>(in.gcount()));
  }
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  std::string hex(sizeof out * 2, '0');
  sodium_bin2hex(hex.data(), hex.size() + 1, out, sizeof out);
  return hex;
}

std::string id_for(Micros now) {
  const std::time_t t = static_cast<std::time_t>(now / 1'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(buf) + "-full";
}

// Writes plaintext lines into encrypted chunks.
class Writer {
 public:
  Writer(const std::string& file, const std::string& key) : out_(file, std::ios::binary) {
    if (!out_) throw Error(ErrorCode::kUnavailable, "cannot write " + file);
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_init_push(
        &state_, header, reinterpret_cast<const unsigned char*>(key.data()));
    out_.write(kMagic, kMagicLen);
    out_.write(reinterpret_cast<char*>(header), sizeof header);
  }
  void line(const std::string& s) {
    buf_ += s;
    buf_ += '\n';
    while (buf_.size() >= kChunk) emit(kChunk, false);
  }
  void finish() {
    emit(buf_.size(), true);
    out_.flush();
    if (!out_) throw Error(ErrorCode::kUnavailable, "writing the backup failed");
  }

 private:
  void emit(size_t n, bool final) {
    std::vector<unsigned char> c(n + crypto_secretstream_xchacha20poly1305_ABYTES);
    unsigned long long clen = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &state_, c.data(), &clen, reinterpret_cast<const unsigned char*>(buf_.data()), n, nullptr,
        0,
        final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
              : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    const uint32_t len = static_cast<uint32_t>(clen);
    const unsigned char be[4] = {
        static_cast<unsigned char>(len >> 24), static_cast<unsigned char>(len >> 16),
        static_cast<unsigned char>(len >> 8), static_cast<unsigned char>(len)};
    out_.write(reinterpret_cast<const char*>(be), 4);
    out_.write(reinterpret_cast<const char*>(c.data()), static_cast<std::streamsize>(clen));
    buf_.erase(0, n);
  }
  std::ofstream out_;
  crypto_secretstream_xchacha20poly1305_state state_{};
  std::string buf_;
};

nlohmann::json row_json(const store::Row& row) {
  nlohmann::json a = nlohmann::json::array();
  for (size_t i = 0; i < row.size(); ++i) {
    if (row.is_null(i)) {
      a.push_back(nullptr);
    } else {
      a.push_back(row.str(i));
    }
  }
  return a;
}

}  // namespace

nlohmann::json Manifest::to_json() const {
  nlohmann::json t = nlohmann::json::object();
  for (const auto& s : tables) t[s.table] = {{"rows", s.rows}, {"checksum", s.checksum}};
  return {{"id", id},
          {"kind", kind},
          {"created_at", format_rfc3339(created_at)},
          {"created_at_us", created_at},
          {"engine", engine},
          {"file_sha256", file_sha256},
          {"bytes", bytes},
          {"tables", t}};
}

Manifest Manifest::from_json(const nlohmann::json& j) {
  Manifest m;
  m.id = j.at("id").get<std::string>();
  m.kind = j.value("kind", "full");
  m.created_at = j.at("created_at_us").get<int64_t>();
  m.engine = j.value("engine", "");
  m.file_sha256 = j.at("file_sha256").get<std::string>();
  m.bytes = j.value("bytes", int64_t{0});
  for (const auto& [name, v] : j.at("tables").items()) {
    m.tables.push_back({name, v.at("rows").get<int64_t>(), v.at("checksum").get<std::string>()});
  }
  return m;
}

std::string new_key_hex() {
  init_sodium();
  unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  crypto_secretstream_xchacha20poly1305_keygen(key);
  std::string hex(sizeof key * 2, '0');
  sodium_bin2hex(hex.data(), hex.size() + 1, key, sizeof key);
  sodium_memzero(key, sizeof key);
  return hex;
}

BackupService::BackupService(store::Database& db, std::vector<store::MigrationSet> sets,
                             const Clock& clock, Options options)
    : db_(db), sets_(std::move(sets)), clock_(clock), options_(std::move(options)) {
  init_sodium();
  if (options_.dirs.empty())
    throw Error(ErrorCode::kInvalidArgument, "no backup directory configured");
  std::string key(crypto_secretstream_xchacha20poly1305_KEYBYTES, '\0');
  size_t len = 0;
  std::string hex = options_.key_hex;
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == ' ')) hex.pop_back();
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0 ||
      len != key.size()) {
    throw Error(ErrorCode::kInvalidArgument, "a backup key is 64 hex characters");
  }
  key_ = std::move(key);
}

std::string BackupService::path(const std::string& dir, const std::string& id) const {
  return (fs::path(dir) / (id + ".lucasbk")).string();
}

Manifest BackupService::create(const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  Manifest m;
  m.created_at = clock_.now();
  m.id = id_for(m.created_at);
  m.engine = std::string(store::engine_name(db_.engine()));
  for (const auto& dir : options_.dirs) fs::create_directories(dir);
  const std::string first = path(options_.dirs.front(), m.id);
  if (fs::exists(first)) throw Error(ErrorCode::kConflict, "backup " + m.id + " exists already");
  const std::string partial = first + ".partial";
  {
    Writer w(partial, key_);
    const auto tables = store::tables_of(sets_);
    w.line(
        nlohmann::json{{"format", "lucas-backup"}, {"version", 1}, {"id", m.id}, {"tables", tables}}
            .dump());
    db_.read([&](store::Tx& tx) {
      if (tx.engine() == store::Engine::kPostgres) {
        tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");  // one snapshot
      }
      for (const auto& t : tables) {
        const auto cols = store::table_columns(tx, t);
        w.line(nlohmann::json{{"table", t}, {"columns", cols}}.dump());
        int64_t n = 0;
        store::scan_table(tx, t, cols, [&](const std::vector<store::Row>& rows) {
          for (const auto& r : rows) {
            w.line(row_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
          }
          n += static_cast<int64_t>(rows.size());
          say(t + ": " + std::to_string(n) + " rows");
        });
        m.tables.push_back(store::summarize(tx, t));
      }
    });
    w.line(nlohmann::json{{"end", true}}.dump());
    w.finish();
  }
  fs::rename(partial, first);
  m.file_sha256 = file_sha256(first);
  m.bytes = static_cast<int64_t>(fs::file_size(first));
  for (size_t i = 0; i < options_.dirs.size(); ++i) {
    const std::string file = path(options_.dirs[i], m.id);
    if (i > 0) {
      fs::copy_file(first, file, fs::copy_options::overwrite_existing);
      if (file_sha256(file) != m.file_sha256) {
        throw Error(ErrorCode::kUnavailable, "the copy in " + options_.dirs[i] + " is corrupt");
      }
    }
    std::ofstream(fs::path(options_.dirs[i]) / (m.id + ".manifest.json"))
        << m.to_json().dump(2) << "\n";
  }
  return m;
}

std::vector<Manifest> BackupService::list() {
  std::vector<Manifest> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(options_.dirs.front(), ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() < 14 || name.substr(name.size() - 14) != ".manifest.json") continue;
    std::ifstream in(e.path());
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded()) continue;
    try {
      out.push_back(Manifest::from_json(j));
    } catch (const std::exception&) {
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Manifest& a, const Manifest& b) { return a.created_at > b.created_at; });
  return out;
}

void BackupService::read_backup(const std::string& file,
                                const std::function<void(const std::string&)>& on_line) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::kNotFound, "cannot read " + file);
  char magic[kMagicLen];
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  in.read(magic, kMagicLen);
  in.read(reinterpret_cast<char*>(header), sizeof header);
  if (!in || std::string(magic, kMagicLen) != kMagic) damaged(file, "not a Lucas backup");
  crypto_secretstream_xchacha20poly1305_state st;
  if (crypto_secretstream_xchacha20poly1305_init_pull(
          &st, header, reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    damaged(file, "bad header");
  }
  std::string pending;
  bool final = false;
  while (!final) {
    unsigned char be[4];
    in.read(reinterpret_cast<char*>(be), 4);
    if (in.gcount() != 4) damaged(file, "it ends before its last chunk (truncated)");
    const uint32_t len = (uint32_t{be[0]} << 24) | (uint32_t{be[1]} << 16) |
                         (uint32_t{be[2]} << 8) | uint32_t{be[3]};
    if (len < crypto_secretstream_xchacha20poly1305_ABYTES ||
        len > kChunk + crypto_secretstream_xchacha20poly1305_ABYTES) {
      damaged(file, "a chunk has an impossible length");
    }
    std::vector<unsigned char> c(len);
    in.read(reinterpret_cast<char*>(c.data()), len);
    if (in.gcount() != static_cast<std::streamsize>(len)) damaged(file, "truncated chunk");
    std::vector<unsigned char> m(len);
    unsigned long long mlen = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&st, m.data(), &mlen, &tag, c.data(), len,
                                                   nullptr, 0) != 0) {
      damaged(file, "authentication failed (modified, or another key)");
    }
    final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    pending.append(reinterpret_cast<char*>(m.data()), mlen);
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      on_line(pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
  }
  if (in.peek() != std::char_traits<char>::eof()) damaged(file, "data after the final chunk");
  if (!pending.empty()) damaged(file, "an unterminated last line");
}

int64_t BackupService::load(const std::string& file, store::Database& target, bool replace) {
  // Pass 1: authenticate the whole file before touching the target.
  bool ended = false;
  read_backup(file, [&](const std::string& line) { ended = ended || line == R"({"end":true})"; });
  if (!ended) damaged(file, "no end marker");
  store::migrate(target, sets_, clock_);
  const auto tables = store::tables_of(sets_);
  const auto seeded = store::seeded_tables(sets_);
  int64_t rows = 0;
  target.transact([&](store::Tx& tx) {
    int64_t existing = 0;
    for (const auto& t : tables) {
      if (std::find(seeded.begin(), seeded.end(), t) != seeded.end()) continue;
      existing += tx.exec("SELECT COUNT(*) FROM " + t).one().i64(0);
    }
    if (existing > 0 && !replace) {
      throw Error(ErrorCode::kConflict, "the target database has data (" +
                                            std::to_string(existing) +
                                            " rows); pass --replace to overwrite it");
    }
    for (auto it = tables.rbegin(); it != tables.rend(); ++it) tx.exec("DELETE FROM " + *it);
    // Pass 2: load, table by table, in batches.
    std::string table;
    std::vector<std::string> cols;
    std::vector<std::vector<Value>> batch;
    auto flush = [&] {
      if (!batch.empty()) tx.copy_in(table, cols, batch);
      rows += static_cast<int64_t>(batch.size());
      batch.clear();
    };
    auto finish_table = [&] {
      flush();
      if (!table.empty() && tx.engine() == store::Engine::kPostgres &&
          std::find(cols.begin(), cols.end(), "id") != cols.end()) {
        tx.exec("SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT MAX(id) FROM " +
                    table + "), 0) + 1, false) WHERE pg_get_serial_sequence($1, 'id') IS NOT NULL",
                {Value{table}});
      }
    };
    bool header = true;
    read_backup(file, [&](const std::string& line) {
      const auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded()) damaged(file, "unreadable line");
      if (header) {
        header = false;
        return;
      }
      if (j.is_object() && j.contains("table")) {
        finish_table();
        table = j.at("table").get<std::string>();
        if (std::find(tables.begin(), tables.end(), table) == tables.end()) {
          damaged(file, "unknown table " + table);
        }
        cols = j.at("columns").get<std::vector<std::string>>();
        return;
      }
      if (j.is_object()) {  // the end marker
        finish_table();
        return;
      }
      std::vector<Value> v;
      for (const auto& cell : j) {
        // Two branches: GCC 12 -O2 sees a "maybe uninitialized" variant in the ternary.
        if (cell.is_null()) {
          v.emplace_back();
        } else {
          v.emplace_back(cell.get<std::string>());
        }
      }
      batch.push_back(std::move(v));
      if (batch.size() >= 5000) flush();
    });
  });
  return rows;
}

VerifyResult BackupService::verify(const std::string& id) {
  const auto started = std::chrono::steady_clock::now();
  VerifyResult r;
  const auto manifests = list();
  auto it = std::find_if(manifests.begin(), manifests.end(),
                         [&](const Manifest& m) { return m.id == id; });
  if (it == manifests.end()) throw Error(ErrorCode::kNotFound, "no backup " + id);
  for (const auto& dir : options_.dirs) {
    const std::string file = path(dir, id);
    if (!fs::exists(file)) {
      r.problem = "missing in " + dir;
      return r;
    }
    if (file_sha256(file) != it->file_sha256) {
      r.problem = "the copy in " + dir + " does not match its manifest's SHA-256";
      return r;
    }
  }
  // Restore into a scratch SQLite database and compare with the manifest.
  const fs::path scratch = fs::temp_directory_path() / ("lucas-verify-" + random_hex(6));
  fs::create_directories(scratch);
  try {
    auto db = store::Database::open("sqlite:" + (scratch / "verify.db").string());
    load(path(options_.dirs.front(), id), *db, false);
    for (const auto& want : it->tables) {
      const auto got = store::summarize(*db, want.table);
      if (got.rows != want.rows || got.checksum != want.checksum) {
        r.problem = "table " + want.table + " differs from the manifest after restore";
        break;
      }
    }
    db.reset();
  } catch (const Error& e) {
    r.problem = e.what();
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  r.ok = r.problem.empty();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

RestoreResult BackupService::restore(const std::string& id, store::Database& target, bool replace) {
  const auto started = std::chrono::steady_clock::now();
  const auto manifests = list();
  auto it = std::find_if(manifests.begin(), manifests.end(),
                         [&](const Manifest& m) { return m.id == id; });
  if (it == manifests.end()) throw Error(ErrorCode::kNotFound, "no backup " + id);
  std::string file;
  for (const auto& dir : options_.dirs) {  // the first intact copy
    const std::string candidate = path(dir, id);
    if (fs::exists(candidate) && file_sha256(candidate) == it->file_sha256) {
      file = candidate;
      break;
    }
  }
  if (file.empty()) damaged(id, "no copy matches its manifest");
  RestoreResult r;
  r.rows = load(file, target, replace);
  for (const auto& want : it->tables) {
    const auto got = store::summarize(target, want.table);
    if (got.rows != want.rows || got.checksum != want.checksum) {
      throw Error(ErrorCode::kInternal,
                  "restored table " + want.table + " differs from the manifest");
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

std::vector<std::string> BackupService::prune() {
  const Micros now = clock_.now();
  constexpr Micros kDay = 86'400'000'000;
  std::vector<std::string> removed;
  std::map<int64_t, std::string> newest_of_week;  // week number -> id kept
  for (const auto& m : list()) {                  // newest first
    const Micros age = now - m.created_at;
    bool keep = age <= 30 * kDay;
    if (!keep && age <= 365 * kDay) {
      const int64_t week = (m.created_at / kDay + 3) / 7;  // weeks starting on Monday
      keep = newest_of_week.emplace(week, m.id).second;
    }
    if (keep) continue;
    for (const auto& dir : options_.dirs) {
      std::error_code ec;
      fs::remove(path(dir, m.id), ec);
      fs::remove(fs::path(dir) / (m.id + ".manifest.json"), ec);
    }
    removed.push_back(m.id);
  }
  return removed;
}

}  // namespace lucas::backup
