// `lucas ledger check`, `lucas jobs list|run`, `lucas outbox given-up|retry`, `lucas telegram
// failed|retry`: looking after a platform's background work from the console (actor 0); and
// `lucas openapi`, the API document without a running server.
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "app/app.h"
#include "app/console.h"

namespace lucas::app {
namespace {

int ledger_check(const module::CliRun& run) {
  App& app = run.open().get<App>();
  const auto report = app.db->read([&](store::Tx& tx) { return app.ledger->check(tx); });
  std::cout << fmt::format("accounts {}, transfers {}, entries {}\n", report.accounts,
                           report.transfers, report.entries);
  for (const auto& [currency, sum] : report.currency_sums) {
    std::cout << fmt::format("currency {} sums to {}\n", currency, sum);
  }
  for (const auto& p : report.problems) std::cout << "PROBLEM: " << p << "\n";
  std::cout << (report.ok() ? "ledger OK\n" : "ledger BROKEN\n");
  return report.ok() ? 0 : 1;
}

int jobs_list(const module::CliRun& run) {
  App& app = run.open().get<App>();
  const auto opt_time = [](const std::optional<Micros>& t) {
    return t ? format_rfc3339(*t) : std::string("-");
  };
  std::cout << fmt::format("{:<24} {:<26} {:<22} {:<22} {}\n", "job", "schedule", "next due",
                           "last started", "last result");
  for (const auto& j : app.scheduler->status()) {
    std::cout << fmt::format("{:<24} {:<26} {:<22} {:<22} {}{} ({} runs, {} failed{})\n", j.name,
                             j.schedule, format_rfc3339(j.next_due), opt_time(j.last_started),
                             j.last_result.empty() ? "never run" : j.last_result,
                             j.last_error.empty() ? "" : ": " + j.last_error, j.runs, j.failures,
                             j.last_node.empty() ? "" : ", on " + j.last_node);
  }
  return 0;
}

int jobs_run(const module::CliRun& run) {
  App& app = run.open().get<App>();
  const std::string& name = run.option("name");
  app.scheduler->run_now(name);
  app.outbox->drain();
  std::cout << "job " << name << " done\n";
  return 0;
}

// "retry ID" or "retry --all": exactly one of them.
std::optional<std::optional<int64_t>> one_or_all(const module::CliRun& run, const char* what) {
  if (run.flag("--all") == run.given("id")) {
    std::cerr << "lucas: " << what << " retry needs an id or --all (not both)\n";
    return std::nullopt;
  }
  if (run.flag("--all")) return std::optional<int64_t>();
  return std::optional<int64_t>(run.integer("id"));
}

int outbox_given_up(const module::CliRun& run) {
  const int64_t after = run.integer("--after", 0);
  const int64_t limit = run.integer("--limit", 1, 1000);
  App& app = run.open().get<App>();
  for (const auto& g : app.admin->given_up_events(0, "", after, static_cast<int>(limit))) {
    std::cout << events::to_json(g).dump() << "\n";
  }
  return 0;
}

int outbox_retry(const module::CliRun& run) {
  const auto which = one_or_all(run, "outbox");
  if (!which) return 2;
  App& app = run.open().get<App>();
  const int64_t n = app.admin->retry_events(0, "", *which);
  const int dispatched = app.outbox->drain();
  std::cout << "retried " << n << "; " << dispatched
            << " pending event(s) dispatched now (one that fails again is retried with backoff"
               " and given up after 10 more attempts: see the log)\n";
  return 0;
}

int telegram_failed(const module::CliRun& run) {
  const int64_t after = run.integer("--after", 0);
  const int64_t limit = run.integer("--limit", 1, 1000);
  App& app = run.open().get<App>();
  for (const auto& f : app.failed_updates->list(after, static_cast<int>(limit))) {
    std::cout << telegram::to_json(f).dump() << "\n";
  }
  return 0;
}

int telegram_retry(const module::CliRun& run) {
  const auto which = one_or_all(run, "telegram");
  if (!which) return 2;
  App& app = run.open().get<App>();
  const int64_t n = app.failed_updates->retry(*which);
  std::cout << "retried " << n
            << "; the running bot handles them within a few seconds (one that fails again is"
               " retried with backoff and failed after 3 more attempts: lucas telegram failed)\n";
  return 0;
}

int openapi(const module::CliRun& run) {
  const std::string text = api_document(default_modules()).dump(2) + "\n";
  const std::string& out = run.option("--out");
  if (out.empty()) {
    std::cout << text;
    return 0;
  }
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file.flush()) {
    std::cerr << "cannot write " << out << "\n";
    return 1;
  }
  return 0;
}

const module::CliOption kAll = module::CliOption("--all", "every one of them").as_flag();

}  // namespace

void register_ops_cli(module::Module& m) {
  m.cli({{"openapi"},
         "print the OpenAPI 3.1 document of the REST API (what GET /api/v1/openapi.json serves)",
         {{"--out", "write it to this file instead", false, ""}},
         openapi})
      .cli_group({{"ledger"}, "ledger tools"})
      .cli({{"ledger", "check"},
            "verify every ledger invariant (exit 1 if broken)",
            {},
            ledger_check})
      .cli_group({{"jobs"}, "scheduled jobs (run on one node: the leader)"})
      .cli({{"jobs", "list"}, "every job: schedule, next and last run", {}, jobs_list})
      .cli({{"jobs", "run"},
            "run one job now, whatever its schedule",
            {{"name", "job name (see list)", true}},
            jobs_run})
      .cli_group({{"outbox"}, "events whose subscribers kept failing"})
      .cli({{"outbox", "given-up"},
            "given-up events with their last error (JSON lines)",
            {{"--after", "only ids above this (paging)", false, "0"},
             {"--limit", "at most this many (1-1000)", false, "100"}},
            outbox_given_up})
      .cli({{"outbox", "retry"},
            "dispatch given-up events again once the cause is fixed (audited)",
            {{"id", "the event's id"}, kAll},
            outbox_retry})
      .cli_group({{"telegram"}, "incoming updates that kept failing"})
      .cli({{"telegram", "failed"},
            "failed updates with their last error (JSON lines; audited)",
            {{"--after", "only update ids above this (paging)", false, "0"},
             {"--limit", "at most this many (1-1000)", false, "100"}},
            telegram_failed})
      .cli({{"telegram", "retry"},
            "handle failed updates again once the cause is fixed (audited)",
            {{"id", "the update_id"}, kAll},
            telegram_retry});
}

}  // namespace lucas::app
