// The reference in docs/ cannot drift from the registry: every setting's row names its TOML key,
// environment variable and flag, and no row names a setting that does not exist; every bot
// command a module declares and every console command are in docs/bot.md and docs/cli.md.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/modules.h"
#include "base/config.h"

namespace lucas {
namespace {

std::string read_doc(const std::string& name) {
  std::ifstream in(std::string(LUCAS_SOURCE_DIR) + "/docs/" + name);
  EXPECT_TRUE(in) << "docs/" << name;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The cells of each table row that starts with a code span: "| `key` | `ENV` | `--flag` | ...".
std::vector<std::vector<std::string>> code_rows(const std::string& doc) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(doc);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    size_t at = 1;
    while (at < line.size()) {
      const size_t bar = line.find(" |", at);
      if (bar == std::string::npos) break;
      std::string cell = line.substr(at, bar - at);
      while (!cell.empty() && cell.front() == ' ') cell.erase(0, 1);
      cells.push_back(cell);
      at = bar + 2;
    }
    rows.push_back(cells);
  }
  return rows;
}

TEST(Docs, TheSettingsTableMatchesTheRegistry) {
  std::map<std::string, std::vector<std::string>> by_key;
  for (const auto& row : code_rows(read_doc("configuration.md"))) {
    ASSERT_GE(row.size(), 4u);
    std::string key = row[0];
    if (key.size() > 2 && key.front() == '`' && key.back() == '`')
      key = key.substr(1, key.size() - 2);
    EXPECT_TRUE(by_key.emplace(key, row).second) << "two rows for " << key;
  }
  std::set<std::string> known;
  for (const auto& spec : setting_specs()) {
    known.insert(spec.key);
    const auto row = by_key.find(spec.key);
    ASSERT_NE(row, by_key.end()) << "docs/configuration.md has no row for " << spec.key;
    EXPECT_EQ(row->second[1], "`" + spec.env + "`") << spec.key;
    EXPECT_NE(row->second[2].find("`" + spec.flag + "`"), std::string::npos) << spec.key;
  }
  for (const auto& [key, row] : by_key) {
    EXPECT_TRUE(known.count(key)) << "docs/configuration.md names " << key
                                  << ", which is no setting";
  }
  EXPECT_EQ(by_key.size(), setting_specs().size());
}

TEST(Docs, EveryBotCommandIsInTheBotReference) {
  const std::string doc = read_doc("bot.md");
  size_t commands = 0;
  for (const auto& m : app::default_modules()) {
    for (const auto& c : m.commands()) {
      ++commands;
      EXPECT_NE(doc.find("/" + c.name), std::string::npos)
          << "docs/bot.md does not mention /" << c.name << " (module " << m.name() << ")";
    }
  }
  EXPECT_GT(commands, 10u);
}

TEST(Docs, EveryConsoleCommandIsInTheCliReference) {
  const std::string doc = read_doc("cli.md");
  size_t commands = 0;
  for (const auto& m : app::default_modules()) {
    for (const auto& c : m.cli_commands()) {
      ++commands;
      std::string line = "lucas";
      for (const auto& part : c.path) line += " " + part;
      EXPECT_NE(doc.find("`" + line), std::string::npos)
          << "docs/cli.md does not name `" << line << "` (module " << m.name() << ")";
    }
  }
  EXPECT_GT(commands, 30u);
}

}  // namespace
}  // namespace lucas
