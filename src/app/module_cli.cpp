#include "app/module_cli.h"

#include "app/app.h"

namespace lucas::app {
namespace {

CLI::App* subcommand(CLI::App& parent, const std::string& name, const std::string& description) {
  for (auto* sub : parent.get_subcommands({})) {
    if (sub->get_name() == name) {
      if (!description.empty() && sub->get_description().empty()) sub->description(description);
      return sub;
    }
  }
  return parent.add_subcommand(name, description);
}

}  // namespace

ModuleCli::ModuleCli(CLI::App& cli, const std::vector<module::Module>& modules) {
  std::map<std::vector<std::string>, std::string> group_lines;
  for (const auto& m : modules) {
    for (const auto& g : m.cli_groups()) group_lines[g.path] = g.description;
  }
  for (const auto& m : modules) {
    for (const auto& c : m.cli_commands()) {
      if (c.path.empty() || !c.run) {
        throw Error(ErrorCode::kInternal,
                    "module " + m.name() + ": a CLI command needs a name and a handler");
      }
      auto e = std::make_unique<Entry>();
      CLI::App* at = &cli;
      std::vector<std::string> path;
      for (size_t i = 0; i < c.path.size(); ++i) {
        path.push_back(c.path[i]);
        const bool leaf = i + 1 == c.path.size();
        const auto line = group_lines.find(path);
        at = subcommand(*at, c.path[i],
                        leaf ? c.description : (line == group_lines.end() ? "" : line->second));
        if (!leaf) at->require_subcommand(1);  // a group alone only shows its help
      }
      e->sub = at;
      e->command = &c;
      for (const auto& o : c.options) {
        e->values[o.name] = o.fallback;
        CLI::Option* opt = nullptr;
        if (o.flag) {
          opt = at->add_flag(o.name, o.description);
        } else {
          opt = at->add_option(o.name, e->values[o.name], o.description);
          if (!o.fallback.empty()) opt->capture_default_str();
          if (!o.one_of.empty()) opt->check(CLI::IsMember(o.one_of));
          if (o.existing_file) opt->check(CLI::ExistingFile);
        }
        if (o.required) opt->required();
        e->options.emplace_back(o.name, opt);
      }
      entries_.push_back(std::move(e));
    }
  }
}

std::optional<int> ModuleCli::run(const Config& config,
                                  const std::vector<module::Module>& modules) const {
  for (const auto& e : entries_) {
    if (!e->sub->parsed()) continue;
    std::set<std::string> given;
    for (const auto& [name, opt] : e->options) {
      if (opt->count() > 0) given.insert(name);
    }
    std::unique_ptr<App> app;
    const module::CliRun run(config, e->values, given, [&]() -> module::Services& {
      if (!app) app = open_migrated(config, modules);
      return app->services;
    });
    return e->command->run(run);
  }
  return std::nullopt;
}

}  // namespace lucas::app
