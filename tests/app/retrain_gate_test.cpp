// The weekly retrain's gate (review::Retrainer::retrain_with, as the app wires it): a new model
// that does worse than the active one on the gate sets stays a candidate serving nothing, the
// decision is audited, and every admin is told over Telegram; one at least as good is activated.
#include <gtest/gtest.h>

#include "app/app.h"
#include "tests/support/databases.h"

namespace lucas {
namespace {

TEST(RetrainGate, AWorseModelStaysACandidateAndAdminsAreTold) {
  testing::TempDir dir;
  Config c;
  c.data_dir = dir.path();
  c.parser_auto_train = false;
  c.telegram_token = "424242:retrain-test";
  c.telegram_api_url = "http://127.0.0.1:9";  // never reached: nothing is pumped here
  app::App app(c);
  app.migrate();
  app.users->upsert(users::UserUpdate{1, "boss", "Boss", "en"});
  app.users->set_role(0, 1, users::Role::kAdmin);
  const parser::models::Registry registry(c.effective_parser_model_dir());

  const auto first = app.parser_retrainer->retrain_with(parser::models::default_request());
  EXPECT_TRUE(first.activated);  // nothing to compare with
  ASSERT_EQ(registry.state().active, first.version);

  // Trained on too little data: worse on the gate sets.
  auto small = parser::models::default_request();
  small.synthetic = 120;
  small.heldout = 200;
  small.options.epoch = 1;
  const auto worse = app.parser_retrainer->retrain_with(small);
  EXPECT_FALSE(worse.activated);
  EXPECT_FALSE(worse.shortfall.empty());
  EXPECT_TRUE(worse.comparison.contains("synthetic")) << worse.comparison.dump();
  auto state = registry.state();
  EXPECT_EQ(state.active, first.version);  // still serving
  EXPECT_EQ(state.candidate, worse.version);
  EXPECT_EQ(state.canary_share, 0);
  EXPECT_EQ(app.sender->stats().queued, 1);  // the admin

  const auto entries = app.db->read([&](store::Tx& tx) {
    audit::Query q;
    q.action = "parser.retrain";
    return app.audit->search(tx, q);
  });
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].result, "ok");
  EXPECT_EQ(entries[1].result, "rejected");
  EXPECT_EQ(entries[1].target, "parser_model:v" + std::to_string(worse.version));
  EXPECT_EQ(entries[1].details["shortfall"], worse.shortfall);

  // The same training again is at least as good: activated.
  const auto same = app.parser_retrainer->retrain_with(parser::models::default_request());
  EXPECT_TRUE(same.activated) << same.shortfall;
  EXPECT_EQ(registry.state().active, same.version);
}

}  // namespace
}  // namespace lucas
