#include "infra/backup/backup.h"

#include <sodium.h>
#include <zlib.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "base/ids.h"
#include "infra/store/migrate.h"

namespace lucas::backup {
namespace fs = std::filesystem;
using store::Value;

namespace {

// Version 2 files are deflate-compressed before encryption; version 1 files (plain) still read.
constexpr char kMagic[] = "LUCASBK2";
constexpr char kMagicPlain[] = "LUCASBK1";
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

std::string id_for(Micros now, bool incremental) {
  const std::time_t t = static_cast<std::time_t>(now / 1'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(buf) + (incremental ? "-incr" : "-full");
}

// How far below an append-only table's highest key a backup looks for keys not yet visible
// (rows of transactions still in flight at the snapshot, committed later).
constexpr int64_t kHoleWindow = 20'000;

// Reads plaintext lines back from encrypted chunks, authenticating each chunk.
class Reader {
 public:
  Reader(const std::string& file, const std::string& key)
      : in_(file, std::ios::binary), file_(file) {
    if (!in_) throw Error(ErrorCode::kNotFound, "cannot read " + file);
    char magic[kMagicLen];
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    in_.read(magic, kMagicLen);
    in_.read(reinterpret_cast<char*>(header), sizeof header);
    if (!in_) damaged(file, "not a Lucas backup");
    const std::string m(magic, kMagicLen);
    if (m != kMagic && m != kMagicPlain) damaged(file, "not a Lucas backup");
    compressed_ = m == kMagic;
    if (compressed_ && inflateInit(&z_) != Z_OK) throw Error(ErrorCode::kInternal, "zlib failed");
    if (crypto_secretstream_xchacha20poly1305_init_pull(
            &state_, header, reinterpret_cast<const unsigned char*>(key.data())) != 0) {
      damaged(file, "bad header");
    }
  }
  ~Reader() {
    if (compressed_) inflateEnd(&z_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  // The next line; nullopt after the last one (the final chunk authenticated, nothing after it).
  std::optional<std::string> next() {
    for (;;) {
      const size_t nl = buf_.find('\n', pos_);
      if (nl != std::string::npos) {
        std::string line = buf_.substr(pos_, nl - pos_);
        pos_ = nl + 1;
        return line;
      }
      if (final_) {
        if (pos_ != buf_.size()) damaged(file_, "an unterminated last line");
        if (in_.peek() != std::char_traits<char>::eof())
          damaged(file_, "data after the final chunk");
        return std::nullopt;
      }
      pull();
    }
  }
  // The next line as JSON; damaged when unreadable or missing.
  nlohmann::json next_json() {
    auto line = next();
    if (!line) damaged(file_, "it ends before its end marker");
    auto j = nlohmann::json::parse(*line, nullptr, false);
    if (j.is_discarded()) damaged(file_, "unreadable line");
    return j;
  }
  const std::string& file() const { return file_; }

 private:
  void pull() {
    unsigned char be[4];
    in_.read(reinterpret_cast<char*>(be), 4);
    if (in_.gcount() != 4) damaged(file_, "it ends before its last chunk (truncated)");
    const uint32_t len = (uint32_t{be[0]} << 24) | (uint32_t{be[1]} << 16) |
                         (uint32_t{be[2]} << 8) | uint32_t{be[3]};
    if (len < crypto_secretstream_xchacha20poly1305_ABYTES ||
        len > kChunk + crypto_secretstream_xchacha20poly1305_ABYTES) {
      damaged(file_, "a chunk has an impossible length");
    }
    cipher_.resize(len);
    in_.read(reinterpret_cast<char*>(cipher_.data()), len);
    if (in_.gcount() != static_cast<std::streamsize>(len)) damaged(file_, "truncated chunk");
    plain_.resize(len);
    unsigned long long mlen = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&state_, plain_.data(), &mlen, &tag,
                                                   cipher_.data(), len, nullptr, 0) != 0) {
      damaged(file_, "authentication failed (modified, or another key)");
    }
    final_ = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    buf_.erase(0, pos_);  // keep only the unfinished line
    pos_ = 0;
    if (!compressed_) {
      buf_.append(reinterpret_cast<char*>(plain_.data()), mlen);
      return;
    }
    z_.next_in = plain_.data();
    z_.avail_in = static_cast<uInt>(mlen);
    unsigned char out[kChunk];
    int rc = Z_OK;
    do {
      z_.next_out = out;
      z_.avail_out = sizeof out;
      rc = inflate(&z_, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        damaged(file_, "the compressed stream is corrupt");
      }
      buf_.append(reinterpret_cast<char*>(out), sizeof out - z_.avail_out);
      if (rc == Z_STREAM_END) {
        if (z_.avail_in != 0) damaged(file_, "data after the compressed stream");
        break;
      }
      if (rc == Z_BUF_ERROR && z_.avail_out != 0) break;  // wants the next chunk
    } while (z_.avail_in > 0 || z_.avail_out == 0);
    if (final_ && rc != Z_STREAM_END) damaged(file_, "the compressed stream is incomplete");
  }

  std::ifstream in_;
  std::string file_;
  crypto_secretstream_xchacha20poly1305_state state_{};
  std::vector<unsigned char> cipher_, plain_;
  std::string buf_;
  size_t pos_ = 0;
  bool final_ = false;
  bool compressed_ = false;
  z_stream z_{};
};

// Writes plaintext lines, deflated (fast level), into encrypted chunks of at most kChunk bytes.
class Writer {
 public:
  Writer(const std::string& file, const std::string& key) : out_(file, std::ios::binary) {
    if (!out_) throw Error(ErrorCode::kUnavailable, "cannot write " + file);
    if (deflateInit(&z_, Z_BEST_SPEED) != Z_OK) throw Error(ErrorCode::kInternal, "zlib failed");
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_init_push(
        &state_, header, reinterpret_cast<const unsigned char*>(key.data()));
    out_.write(kMagic, kMagicLen);
    out_.write(reinterpret_cast<char*>(header), sizeof header);
  }
  ~Writer() { deflateEnd(&z_); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void line(const std::string& s) {
    plain_ += s;
    plain_ += '\n';
    if (plain_.size() >= kChunk) deflate_plain(Z_NO_FLUSH);
  }
  void finish() {
    deflate_plain(Z_FINISH);
    emit(packed_.size(), true);
    out_.flush();
    if (!out_) throw Error(ErrorCode::kUnavailable, "writing the backup failed");
  }

 private:
  void deflate_plain(int flush) {
    z_.next_in = reinterpret_cast<unsigned char*>(plain_.data());
    z_.avail_in = static_cast<uInt>(plain_.size());
    unsigned char out[kChunk];
    int rc = Z_OK;
    do {
      z_.next_out = out;
      z_.avail_out = sizeof out;
      rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) throw Error(ErrorCode::kInternal, "zlib failed");
      packed_.append(reinterpret_cast<char*>(out), sizeof out - z_.avail_out);
      while (packed_.size() > kChunk) emit(kChunk, false);
    } while (z_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    plain_.clear();
  }
  void emit(size_t n, bool final) {
    std::vector<unsigned char> c(n + crypto_secretstream_xchacha20poly1305_ABYTES);
    unsigned long long clen = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &state_, c.data(), &clen, reinterpret_cast<const unsigned char*>(packed_.data()), n,
        nullptr, 0,
        final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
              : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    const uint32_t len = static_cast<uint32_t>(clen);
    const unsigned char be[4] = {
        static_cast<unsigned char>(len >> 24), static_cast<unsigned char>(len >> 16),
        static_cast<unsigned char>(len >> 8), static_cast<unsigned char>(len)};
    out_.write(reinterpret_cast<const char*>(be), 4);
    out_.write(reinterpret_cast<const char*>(c.data()), static_cast<std::streamsize>(clen));
    packed_.erase(0, n);
  }
  std::ofstream out_;
  crypto_secretstream_xchacha20poly1305_state state_{};
  z_stream z_{};
  std::string plain_;   // lines not yet deflated
  std::string packed_;  // deflated bytes not yet encrypted
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
          {"base", base},
          {"marks", marks},
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
  m.base = j.value("base", "");
  if (j.contains("marks") && j["marks"].is_object()) m.marks = j["marks"];
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

Manifest BackupService::create(const Progress& progress) {
  return write(false, progress);
}

Manifest BackupService::create_incremental(const Progress& progress) {
  return write(true, progress);
}

Manifest BackupService::write(bool incremental, const Progress& progress) {
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  std::optional<Manifest> base;
  if (incremental) {
    for (const auto& m : list()) {  // newest first
      if (m.kind == "full") {
        base = m;
        break;
      }
    }
    if (!base) {
      throw Error(ErrorCode::kConflict, "no full backup to base an incremental one on");
    }
  }
  Manifest m;
  m.created_at = clock_.now();
  m.id = id_for(m.created_at, incremental);
  m.kind = incremental ? "incremental" : "full";
  if (base) m.base = base->id;
  m.engine = std::string(store::engine_name(db_.engine()));
  for (const auto& dir : options_.dirs) fs::create_directories(dir);
  const std::string first = path(options_.dirs.front(), m.id);
  if (fs::exists(first)) throw Error(ErrorCode::kConflict, "backup " + m.id + " exists already");
  const std::string partial = first + ".partial";
  const auto is_append_only = [&](const std::string& t) {
    return std::find(options_.append_only.begin(), options_.append_only.end(), t) !=
           options_.append_only.end();
  };
  {
    Writer w(partial, key_);
    const auto tables = store::tables_of(sets_);
    w.line(nlohmann::json{{"format", "lucas-backup"},
                          {"version", 2},
                          {"id", m.id},
                          {"kind", m.kind},
                          {"base", m.base},
                          {"tables", tables}}
               .dump());
    db_.read([&](store::Tx& tx) {
      if (tx.engine() == store::Engine::kPostgres) {
        tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");  // one snapshot
      }
      for (const auto& t : tables) {
        const auto cols = store::table_columns(tx, t);
        const bool delta = incremental && is_append_only(t) && base->marks.contains(t);
        w.line(nlohmann::json{{"table", t}, {"columns", cols}, {"mode", delta ? "append" : "whole"}}
                   .dump());
        int64_t n = 0;
        const auto emit = [&](const std::vector<store::Row>& rows) {
          for (const auto& r : rows) {
            w.line(row_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
          }
          n += static_cast<int64_t>(rows.size());
          say(t + ": " + std::to_string(n) + " rows");
        };
        if (delta) {
          // Rows that were not visible to the base (keys it had not reached, and the holes it
          // recorded below its highest key), in key order.
          const auto& mark = base->marks.at(t);
          const int64_t after = mark.at("after").get<int64_t>();
          std::set<int64_t> holes;
          for (const auto& h : mark.at("holes")) holes.insert(h.get<int64_t>());
          if (!holes.empty()) {
            std::vector<store::Row> late;
            store::scan_table(tx, t, cols, *holes.begin() - 1, [&](const auto& rows) {
              for (const auto& r : rows) {
                if (r.i64(0) > after) return;
                if (holes.count(r.i64(0))) late.push_back(r);
              }
            });
            emit(late);
          }
          store::scan_table(tx, t, cols, after, emit);
        } else {
          store::scan_table(tx, t, cols, std::numeric_limits<int64_t>::min(), emit);
        }
        m.tables.push_back(store::summarize(tx, t));
        if (is_append_only(t)) {
          // Where the next incremental starts: the highest key now, and on PostgreSQL the keys
          // below it still invisible (a SQLite database has one writer: keys commit in order).
          const auto top = tx.exec("SELECT MAX(" + cols.front() + ") FROM " + t).one();
          const int64_t max = top.is_null(0) ? 0 : top.i64(0);
          nlohmann::json holes = nlohmann::json::array();
          if (tx.engine() == store::Engine::kPostgres && max > 0) {
            int64_t expected = std::max<int64_t>(1, max - kHoleWindow + 1);
            const auto keys = tx.exec("SELECT " + cols.front() + " FROM " + t + " WHERE " +
                                          cols.front() + " >= $1 ORDER BY 1",
                                      {Value{expected}});
            for (const auto& r : keys.rows) {
              for (; expected < r.i64(0); ++expected) holes.push_back(expected);
              expected = r.i64(0) + 1;
            }
          }
          m.marks[t] = {{"after", max}, {"holes", holes}};
        }
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
  Reader r(file, key_);
  while (auto line = r.next()) on_line(*line);
}

int64_t BackupService::load(const std::string& full, const std::string* incremental,
                            store::Database& target, bool replace, const Manifest& expect,
                            const Progress& progress) {
  const auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  // Pass 1: authenticate every file before touching the target.
  for (const std::string* f : {&full, incremental}) {
    if (f == nullptr) continue;
    bool ended = false;
    int64_t lines = 0;
    read_backup(*f, [&](const std::string& line) {
      ended = ended || line == R"({"end":true})";
      if (++lines % 100'000 == 0) say("authenticating: " + std::to_string(lines) + " lines");
    });
    if (!ended) damaged(*f, "no end marker");
  }
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
    // Pass 2: table by table in creation order (parents first). With an incremental, a table
    // the incremental carries whole comes from it alone; an append-only one gets the full
    // backup's rows, then the incremental's.
    Reader base(full, key_);
    std::optional<Reader> top;
    if (incremental) top.emplace(*incremental, key_);
    const auto head = base.next_json();
    if (top) {
      const auto top_head = top->next_json();
      if (top_head.value("base", "") != head.value("id", "") ||
          top_head.value("tables", nlohmann::json()) != head.value("tables", nlohmann::json())) {
        damaged(*incremental, "it does not belong to the full backup " + head.value("id", "?"));
      }
    }
    std::vector<std::vector<Value>> batch;
    const auto copy_rows = [&](Reader& r, const std::string& table,
                               const std::vector<std::string>& cols, bool keep) {
      for (;;) {
        auto j = r.next_json();
        if (j.is_object()) return j;  // the next table's header, or the end marker
        if (!keep) continue;
        std::vector<Value> v;
        for (const auto& cell : j) {
          // Two branches: GCC 12 -O2 sees a "maybe uninitialized" variant in a ternary here.
          if (cell.is_null()) {
            v.emplace_back();
          } else {
            v.emplace_back(cell.get<std::string>());
          }
        }
        batch.push_back(std::move(v));
        if (batch.size() >= 5000) {
          tx.copy_in(table, cols, batch);
          rows += static_cast<int64_t>(batch.size());
          batch.clear();
          say("loading " + table + ": " + std::to_string(rows) + " rows in all");
        }
      }
    };
    const auto flush = [&](const std::string& table, const std::vector<std::string>& cols) {
      if (!batch.empty()) tx.copy_in(table, cols, batch);
      rows += static_cast<int64_t>(batch.size());
      batch.clear();
      say("loaded " + table + ": " + std::to_string(rows) + " rows in all");
    };
    auto section = base.next_json();
    auto top_section = top ? top->next_json() : nlohmann::json();
    while (section.contains("table")) {
      const auto table = section.at("table").get<std::string>();
      if (std::find(tables.begin(), tables.end(), table) == tables.end()) {
        damaged(full, "unknown table " + table);
      }
      const auto cols = section.at("columns").get<std::vector<std::string>>();
      bool append = false;
      if (top) {
        if (top_section.value("table", "") != table) {
          damaged(*incremental, "its tables are out of step with its full backup");
        }
        append = top_section.value("mode", "whole") == "append";
      }
      section = copy_rows(base, table, cols, !top || append);
      flush(table, cols);
      if (top) {
        const auto top_cols = top_section.at("columns").get<std::vector<std::string>>();
        top_section = copy_rows(*top, table, top_cols, true);
        flush(table, top_cols);
      }
      if (tx.engine() == store::Engine::kPostgres &&
          std::find(cols.begin(), cols.end(), "id") != cols.end()) {
        tx.exec("SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT MAX(id) FROM " +
                    table + "), 0) + 1, false) WHERE pg_get_serial_sequence($1, 'id') IS NOT NULL",
                {Value{table}});
      }
    }
    if (!section.contains("end") || (top && !top_section.contains("end"))) {
      damaged(full, "no end marker where one was expected");
    }
    // The restored database must be the backup moment, table by table, before it commits.
    for (const auto& want : expect.tables) {
      say("comparing " + want.table + " with the manifest");
      const auto got = store::summarize(tx, want.table);
      if (got.rows != want.rows || got.checksum != want.checksum) {
        throw Error(ErrorCode::kInternal, "restored table " + want.table +
                                              " differs from the manifest; nothing restored");
      }
    }
  });
  return rows;
}

const Manifest& BackupService::find(const std::vector<Manifest>& all, const std::string& id) const {
  auto it = std::find_if(all.begin(), all.end(), [&](const Manifest& m) { return m.id == id; });
  if (it == all.end()) throw Error(ErrorCode::kNotFound, "no backup " + id);
  return *it;
}

std::string BackupService::intact_copy(const Manifest& m) const {
  for (const auto& dir : options_.dirs) {
    const std::string candidate = path(dir, m.id);
    if (fs::exists(candidate) && file_sha256(candidate) == m.file_sha256) return candidate;
  }
  damaged(m.id, "no copy matches its manifest");
}

VerifyResult BackupService::verify(const std::string& id, const Progress& progress) {
  const auto started = std::chrono::steady_clock::now();
  VerifyResult r;
  const auto manifests = list();
  const Manifest& m = find(manifests, id);
  std::vector<const Manifest*> chain{&m};
  try {
    if (m.kind == "incremental") chain.insert(chain.begin(), &find(manifests, m.base));
  } catch (const Error& e) {
    r.problem = "its full backup " + m.base + " is missing";
    return r;
  }
  for (const Manifest* part : chain) {
    for (const auto& dir : options_.dirs) {
      const std::string file = path(dir, part->id);
      if (!fs::exists(file)) {
        r.problem = part->id + " is missing in " + dir;
        return r;
      }
      if (file_sha256(file) != part->file_sha256) {
        r.problem =
            "the copy of " + part->id + " in " + dir + " does not match its manifest's SHA-256";
        return r;
      }
    }
  }
  // Restore into a scratch SQLite database; load() compares it with the manifest.
  const fs::path scratch = fs::temp_directory_path() / ("lucas-verify-" + random_hex(6));
  fs::create_directories(scratch);
  try {
    auto db = store::Database::open("sqlite:" + (scratch / "verify.db").string());
    const std::string full = path(options_.dirs.front(), chain.front()->id);
    const std::string top = path(options_.dirs.front(), m.id);
    load(full, chain.size() > 1 ? &top : nullptr, *db, false, m, progress);
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

RestoreResult BackupService::restore(const std::string& id, store::Database& target, bool replace,
                                     const Progress& progress) {
  const auto started = std::chrono::steady_clock::now();
  const auto manifests = list();
  const Manifest& m = find(manifests, id);
  RestoreResult r;
  if (m.kind == "incremental") {
    const std::string full = intact_copy(find(manifests, m.base));
    const std::string top = intact_copy(m);
    r.rows = load(full, &top, target, replace, m, progress);
  } else {
    r.rows = load(intact_copy(m), nullptr, target, replace, m, progress);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

std::vector<std::string> BackupService::prune() {
  const Micros now = clock_.now();
  constexpr Micros kDay = 86'400'000'000;
  std::vector<std::string> removed;
  std::set<std::string> kept_fulls;
  std::map<int64_t, std::string> newest_of_week;  // week number -> id kept
  const auto all = list();                        // newest first
  const auto remove = [&](const Manifest& m) {
    for (const auto& dir : options_.dirs) {
      std::error_code ec;
      fs::remove(path(dir, m.id), ec);
      fs::remove(fs::path(dir) / (m.id + ".manifest.json"), ec);
    }
    removed.push_back(m.id);
  };
  for (const auto& m : all) {
    if (m.kind != "full") continue;
    const Micros age = now - m.created_at;
    bool keep = age <= 30 * kDay;
    if (!keep && age <= 365 * kDay) {
      const int64_t week = (m.created_at / kDay + 3) / 7;  // weeks starting on Monday
      keep = newest_of_week.emplace(week, m.id).second;
    }
    if (keep) {
      kept_fulls.insert(m.id);
    } else {
      remove(m);
    }
  }
  // An incremental is worth keeping only with its full backup, and for 30 days.
  for (const auto& m : all) {
    if (m.kind == "full") continue;
    if (now - m.created_at > 30 * kDay || !kept_fulls.count(m.base)) remove(m);
  }
  return removed;
}

}  // namespace lucas::backup
