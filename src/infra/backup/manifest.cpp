// Manifests: the plaintext record beside each backup file (its hash, kind, base and each
// table's row count and checksum), and the catalogue of backups they make.
#include "infra/backup/backup.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace lucas::backup {
namespace fs = std::filesystem;

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

const Manifest& BackupService::find(const std::vector<Manifest>& all, const std::string& id) const {
  auto it = std::find_if(all.begin(), all.end(), [&](const Manifest& m) { return m.id == id; });
  if (it == all.end()) throw Error(ErrorCode::kNotFound, "no backup " + id);
  return *it;
}

}  // namespace lucas::backup
