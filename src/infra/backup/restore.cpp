// Reading backups back: authenticating every file before anything is written, restoring a full
// backup (and an incremental on it) in one transaction compared with the manifest, and verifying
// every copy by restoring it into a scratch database.
#include "infra/backup/backup.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

#include "base/ids.h"
#include "infra/backup/backup_file.h"
#include "infra/store/migrate.h"

namespace lucas::backup {
namespace fs = std::filesystem;
using store::Value;

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
  int64_t rows = 0;
  target.transact([&](store::Tx& tx) {
    store::clear_target(tx, sets_, replace);
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
      store::continue_ids(tx, table, cols);
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

}  // namespace lucas::backup
