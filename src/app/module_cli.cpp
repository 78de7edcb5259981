#include "app/module_cli.h"

#include "app/app.h"

namespace lucas::app {
namespace {

CLI::App* subcommand(CLI::App& parent, const std::string& name, const std::string& description) {
  for (auto* sub : parent.get_subcommands({})) {
    if (sub->get_name() == name) return sub;
  }
  return parent.add_subcommand(name, description);
}

}  // namespace

ModuleCli::ModuleCli(CLI::App& cli, const std::vector<module::Module>& modules) {
  for (const auto& m : modules) {
    for (const auto& c : m.cli_commands()) {
      if (c.path.empty()) {
        throw Error(ErrorCode::kInternal, "module " + m.name() + ": a CLI command without a name");
      }
      auto e = std::make_unique<Entry>();
      CLI::App* at = &cli;
      for (size_t i = 0; i < c.path.size(); ++i) {
        at = subcommand(*at, c.path[i], i + 1 == c.path.size() ? c.description : m.name());
      }
      e->sub = at;
      e->command = &c;
      for (const auto& o : c.options) {
        e->values[o.name] = o.fallback;
        auto* opt = at->add_option(o.name, e->values[o.name], o.description);
        if (o.required) opt->required();
      }
      entries_.push_back(std::move(e));
    }
  }
}

std::optional<int> ModuleCli::run(const Config& config,
                                  const std::vector<module::Module>& modules) const {
  for (const auto& e : entries_) {
    if (!e->sub->parsed()) continue;
    std::unique_ptr<App> app;
    const module::CliRun run(e->values, [&]() -> module::Services& {
      if (!app) {
        app = std::make_unique<App>(config, modules);
        app->migrate();
      }
      return app->services;
    });
    return e->command->run(run);
  }
  return std::nullopt;
}

}  // namespace lucas::app
