// `lucas audit verify|search|export|keygen|checkpoint`: the tamper-evident log from the console.
// Every command that reads the log first dispatches pending events, so the transfers committed by
// earlier commands have joined the chain.
#include <fstream>
#include <iostream>

#include "app/app.h"
#include "app/console.h"
#include "base/progress.h"
#include "base/secret_file.h"

namespace lucas::app {
namespace {

App& open_log(const module::CliRun& run) {
  App& app = run.open().get<App>();
  app.outbox->drain();
  return app;
}

int verify(const module::CliRun& run) {
  App& app = open_log(run);
  ConsoleProgress progress;
  const auto r = app.db->read([&](store::Tx& tx) {
    return app.audit->verify(
        tx, [&](int64_t n) { progress("checked " + std::to_string(n) + " entries"); });
  });
  progress.done();
  std::cout << r.entries << " entries and " << r.checkpoints << " signed checkpoints checked: "
            << (r.ok() ? "chain intact"
                       : "BROKEN at entry " + std::to_string(*r.first_bad_seq) + ": " + r.problem)
            << "\n";
  return r.ok() ? 0 : 1;
}

// Writes the entries `query` selects, page by page (at most `wanted`), as JSONL or CSV.
int write_entries(App& app, audit::Query query, int64_t wanted, const std::string& format,
                  const std::string& output) {
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!output.empty()) {
    file.open(output);
    if (!file) {
      std::cerr << "lucas: cannot write " << output << "\n";
      return 2;
    }
    out = &file;
  }
  ConsoleProgress progress;
  if (format == "csv") *out << audit::csv_header() << "\n";
  int64_t total = 0;
  query.limit = static_cast<int>(std::min<int64_t>(wanted, 5000));
  for (;;) {
    const auto page = app.db->read([&](store::Tx& tx) { return app.audit->search(tx, query); });
    for (const auto& e : page) {
      *out << (format == "csv" ? audit::to_csv(e) : audit::to_json(e).dump()) << "\n";
    }
    total += static_cast<int64_t>(page.size());
    if (page.empty() || total >= wanted) break;
    query.after_seq = page.back().seq;
    query.limit = static_cast<int>(std::min<int64_t>(wanted - total, 5000));
    if (!output.empty()) progress("exported " + std::to_string(total) + " entries");
  }
  progress.done();
  if (!output.empty()) std::cerr << "exported " << total << " entries\n";
  return 0;
}

int search(const module::CliRun& run) {
  audit::Query q;
  if (run.given("--actor")) q.actor = run.integer("--actor", 0);
  if (run.given("--action")) q.action = run.option("--action");
  q.since = run.time("--since");
  q.until = run.time("--until");
  const int64_t limit = run.integer("--limit", 1, 5000);
  return write_entries(open_log(run), q, limit, run.option("--format"), "");
}

int export_all(const module::CliRun& run) {
  return write_entries(open_log(run), audit::Query{}, INT64_MAX, run.option("--format"),
                       run.option("--output"));
}

int keygen(const module::CliRun& run) {
  const std::string seed = audit::new_seed_hex();
  write_secret_file(run.option("--output"), seed + "\n");
  std::cout << "public key " << audit::signing_key_from_seed_hex(seed).public_key_hex << "\n";
  return 0;
}

int checkpoint(const module::CliRun& run) {
  if (run.config().audit_signing_key_file.empty()) {
    std::cerr << "lucas: audit.signing_key_file is not set\n";
    return 2;
  }
  App& app = open_log(run);
  const auto seq = app.db->transact([&](store::Tx& tx) { return app.audit->checkpoint(tx); });
  std::cout << (seq ? "signed entry " + std::to_string(*seq) : std::string("nothing to sign"))
            << "\n";
  return 0;
}

const module::CliOption kFormat =
    module::CliOption("--format", "jsonl or csv", false, "jsonl").allowed({"jsonl", "csv"});

}  // namespace

void register_audit_cli(module::Module& m) {
  m.cli_group({{"audit"}, "the tamper-evident audit log"})
      .cli({{"audit", "verify"},
            "check the hash chain; names the first modified, inserted or deleted entry",
            {},
            verify})
      .cli({{"audit", "search"},
            "entries by actor, action, time range",
            {kFormat,
             {"--actor", "Telegram id of who acted (0: system)"},
             {"--action", "action or prefix, e.g. admin."},
             {"--since", "from (inclusive): 2026-11-01 or RFC 3339 UTC"},
             {"--until", "to (exclusive)"},
             {"--limit", "at most this many (1-5000)", false, "100"}},
            search})
      .cli({{"audit", "export"},
            "every entry as JSONL or CSV",
            {kFormat, {"--output", "file to write (default: standard output)"}},
            export_all})
      .cli({{"audit", "keygen"},
            "create an Ed25519 signing key file for checkpoints (prints the public key)",
            {{"--output", "key file to create (mode 0600)", true}},
            keygen})
      .cli({{"audit", "checkpoint"}, "sign the current end of the chain now", {}, checkpoint});
}

}  // namespace lucas::app
