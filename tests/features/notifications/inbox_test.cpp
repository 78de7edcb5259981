// The player's notification list and read marker (notifications::Inbox) on SQLite and PostgreSQL:
// ledger transfers listed with their money; newest first, paged by id, filtered by type; the read
// marker only moves forward, never past the user's own notifications, and a repeat changes
// nothing; another user's notifications are never seen or marked (hostile); bad limits and ids
// are refused with the field named; and a rapidcheck property: for any sequence of notifications
// arriving and mark-read calls, the unread count is the number of the user's notifications above
// the largest marker.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <functional>
#include <set>

#include "features/notifications/notifications.h"
#include "features/notifications/notifications_inbox.h"
#include "features/notifications/notifications_store.h"
#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/events/bus.h"
#include "tests/ledger/ledger_fixture.h"

namespace lucas::notifications {
namespace {

using ledger::testing::LedgerWorld;
using users::Actor;
using users::Role;

Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return Error(ErrorCode::kInternal, "did not throw");  // never what a test expects
}

class InboxTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  InboxTest()
      : w(GetParam()),
        audit(w.clock),
        notifier(w.db(), bus, w.clock),
        service(w.db(), w.ledger, notifier, TokenOptions{}, &audit, w.clock),
        users(w.db(), w.ledger, w.clock),
        inbox(w.db(), notifier, w.clock) {
    store::migrate(w.db(),
                   {audit::migrations(), realtime::migrations(), users::migrations(), migrations()},
                   w.clock);
    service.follow_ledger(w.outbox);
    for (int64_t id : {101, 102}) users.upsert({id, "u" + std::to_string(id), "U", "ru"});
  }
  int64_t push(int64_t user, const std::string& type = "money.credited") {
    w.clock.advance(1'000'000);
    return notifier.push_to_user(user, type, {{"n", 1}});
  }
  std::vector<int64_t> ids(const InboxPage& page) {
    std::vector<int64_t> out;
    for (const auto& i : page.items) out.push_back(i.notification.id);
    return out;
  }
  InboxPage list(int64_t user, int64_t limit = 20, std::optional<int64_t> before = std::nullopt,
                 std::optional<std::string> type = std::nullopt) {
    InboxQuery q;
    q.limit = limit;
    q.before = before;
    q.type = std::move(type);
    return inbox.list(Actor::user(user, Role::kUser), q);
  }
  ReadState mark(int64_t user, int64_t up_to) {
    return inbox.mark_read(Actor::user(user, Role::kUser), up_to);
  }

  LedgerWorld w;
  events::LocalBus bus;
  audit::AuditLog audit;
  realtime::Notifier notifier;
  NotificationService service;
  users::UserService users;
  Inbox inbox;
};

TEST_P(InboxTest, LedgerTransfersAreListedWithTheirMoneyAndUnread) {
  const auto mint = w.mint();
  const auto alice = w.user(101);
  w.move("k1", mint, alice, 1234);
  w.move("k2", alice, mint, 200);
  EXPECT_EQ(w.outbox.drain(), 2);
  const auto page = list(101);
  ASSERT_EQ(page.items.size(), 2u);
  const auto& debit = page.items[0].notification;  // newest first
  const auto& credit = page.items[1].notification;
  EXPECT_GT(debit.id, credit.id);
  EXPECT_EQ(debit.type, "money.debited");
  EXPECT_EQ(credit.type, "money.credited");
  EXPECT_EQ(credit.data["amount"], (nlohmann::json{{"currency", "COIN"}, {"amount", "12.34"}}));
  EXPECT_EQ(credit.data["reason"], "test");
  EXPECT_EQ(debit.data["amount"]["amount"], "2.00");
  EXPECT_EQ(debit.data["balance"]["amount"], "10.34");
  EXPECT_FALSE(page.items[0].read);
  EXPECT_FALSE(page.items[1].read);
  EXPECT_EQ(page.unread, 2);
  EXPECT_EQ(page.read_up_to, 0);
  EXPECT_FALSE(page.next_before.has_value());
  EXPECT_TRUE(list(102).items.empty());  // the mint is nobody's; bob has nothing
}

TEST_P(InboxTest, NewestFirstPagedByIdAndFilteredByType) {
  std::vector<int64_t> all;
  std::vector<int64_t> debits;
  for (int i = 0; i < 25; ++i) {
    const bool debit = i % 5 == 4;
    all.push_back(push(101, debit ? "money.debited" : "money.credited"));
    if (debit) debits.push_back(all.back());
    push(102);  // interleaved: another user's ids between alice's
  }
  std::reverse(all.begin(), all.end());
  std::reverse(debits.begin(), debits.end());

  std::vector<int64_t> seen;
  std::optional<int64_t> before;
  int pages = 0;
  do {
    const auto page = list(101, 10, before);
    const auto got = ids(page);
    EXPECT_LE(got.size(), 10u);
    seen.insert(seen.end(), got.begin(), got.end());
    before = page.next_before;
    if (before) {
      EXPECT_EQ(*before, got.back());
    }
    ++pages;
  } while (before && pages < 10);
  EXPECT_EQ(pages, 3);   // 10 + 10 + 5
  EXPECT_EQ(seen, all);  // newest first, every one once

  // A page that ends exactly at the last notification says there is no next one.
  const auto exact = list(101, 25);
  EXPECT_EQ(exact.items.size(), 25u);
  EXPECT_FALSE(exact.next_before.has_value());
  const auto first = list(101, 24);
  ASSERT_TRUE(first.next_before.has_value());
  EXPECT_EQ(ids(list(101, 24, first.next_before)), std::vector<int64_t>{all.back()});

  // The type filter pages too; unread counts every type whatever the filter.
  const auto d1 = list(101, 3, std::nullopt, "money.debited");
  EXPECT_EQ(ids(d1), std::vector<int64_t>(debits.begin(), debits.begin() + 3));
  EXPECT_EQ(d1.unread, 25);
  ASSERT_TRUE(d1.next_before.has_value());
  const auto d2 = list(101, 3, d1.next_before, "money.debited");
  EXPECT_EQ(ids(d2), std::vector<int64_t>(debits.begin() + 3, debits.end()));
  EXPECT_FALSE(d2.next_before.has_value());
  EXPECT_TRUE(list(101, 20, std::nullopt, "friend.request").items.empty());
}

TEST_P(InboxTest, TheReadMarkerOnlyMovesForwardAndARepeatChangesNothing) {
  std::vector<int64_t> mine;
  for (int i = 0; i < 6; ++i) mine.push_back(push(101));
  const auto first = mark(101, mine[2]);
  EXPECT_EQ(first.read_up_to, mine[2]);
  EXPECT_EQ(first.unread, 3);
  // The same call again, and a lower id: nothing changes.
  const auto again = mark(101, mine[2]);
  EXPECT_EQ(again.read_up_to, mine[2]);
  EXPECT_EQ(again.unread, 3);
  const auto lower = mark(101, mine[0]);
  EXPECT_EQ(lower.read_up_to, mine[2]);
  EXPECT_EQ(lower.unread, 3);
  EXPECT_EQ(mark(101, 0).read_up_to, mine[2]);
  // The list agrees, item by item.
  const auto page = list(101);
  EXPECT_EQ(page.read_up_to, mine[2]);
  EXPECT_EQ(page.unread, 3);
  for (const auto& item : page.items) {
    EXPECT_EQ(item.read, item.notification.id <= mine[2]) << item.notification.id;
  }
  // An id far beyond: everything there is is read, and the marker stops at the last one...
  const auto beyond = mark(101, INT64_MAX);
  EXPECT_EQ(beyond.read_up_to, mine.back());
  EXPECT_EQ(beyond.unread, 0);
  // ...so a notification that arrives later is unread.
  const int64_t later = push(101);
  EXPECT_EQ(list(101).unread, 1);
  EXPECT_FALSE(list(101).items[0].read);
  EXPECT_EQ(mark(101, later).unread, 0);
  EXPECT_TRUE(list(101).items[0].read);
}

// Hostile: Bob lists, pages and marks with Alice's ids; he never sees one of hers, and her read
// state never moves. Credentials are checked in the service.
TEST_P(InboxTest, AnotherUsersNotificationsAreNeverSeenOrMarked) {
  std::vector<int64_t> alice;
  int64_t bob_first = 0;
  for (int i = 0; i < 5; ++i) {
    alice.push_back(push(101));
    if (i == 1) bob_first = push(102);
  }
  const std::set<int64_t> hers(alice.begin(), alice.end());
  for (const auto& before :
       std::vector<std::optional<int64_t>>{std::nullopt, alice.back() + 1, alice[3], INT64_MAX}) {
    for (const auto& item : list(102, 100, before).items) {
      EXPECT_FALSE(hers.count(item.notification.id)) << item.notification.id;
      EXPECT_EQ(item.notification.user_id, 102);
    }
  }
  EXPECT_EQ(ids(list(102)), std::vector<int64_t>{bob_first});
  // Bob marks "up to" Alice's newest: only his own one is read, hers stay unread.
  const auto bob = mark(102, alice.back());
  EXPECT_EQ(bob.read_up_to, bob_first);
  EXPECT_EQ(bob.unread, 0);
  const auto her = list(101);
  EXPECT_EQ(her.unread, 5);
  EXPECT_EQ(her.read_up_to, 0);
  for (const auto& item : her.items) EXPECT_FALSE(item.read);
  // Bob, with nothing of his own below an id, moves nothing.
  EXPECT_EQ(mark(102, alice[0]).read_up_to, bob_first);

  // Who may ask at all.
  InboxQuery q;
  EXPECT_EQ(error_of([&] { inbox.list(Actor::anonymous(), q); }).code(), ErrorCode::kUnauthorized);
  EXPECT_EQ(error_of([&] { inbox.mark_read(Actor::anonymous(), alice.back()); }).code(),
            ErrorCode::kUnauthorized);
  EXPECT_EQ(error_of([&] { inbox.list(Actor::console_operator(), q); }).code(),
            ErrorCode::kUnauthorized);
  Actor client = Actor::user(101, Role::kUser);
  client.client_id = "lc_000000000000000000000001";
  client.scopes = std::vector<std::string>{"balance:read", "history:read", "profile:read"};
  const auto refused = error_of([&] { inbox.list(client, q); });
  EXPECT_EQ(refused.code(), ErrorCode::kInsufficientScope);
  EXPECT_EQ(error_of([&] { inbox.mark_read(client, alice.back()); }).code(),
            ErrorCode::kInsufficientScope);
  EXPECT_EQ(list(101).read_up_to, 0);  // the refused call marked nothing
  client.scopes = std::vector<std::string>{"ws"};
  EXPECT_EQ(inbox.list(client, q).items.size(), 5u);
  EXPECT_EQ(inbox.mark_read(client, alice[1]).unread, 3);
  // An admin reads only their own notifications too: there is no user to name.
  users.set_role(0, 102, Role::kAdmin);
  EXPECT_EQ(ids(inbox.list(Actor::user(102, Role::kAdmin), q)), std::vector<int64_t>{bob_first});
}

TEST_P(InboxTest, BadLimitsAndIdsAreRefusedWithTheFieldNamed) {
  const int64_t id = push(101);
  for (int64_t limit : {int64_t{0}, int64_t{101}, int64_t{-1}, INT64_MAX}) {
    const auto e = error_of([&] { list(101, limit); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << limit;
    EXPECT_EQ(e.details().value("field", ""), "limit") << limit;
    EXPECT_NE(std::string(e.what()).find("between 1 and 100"), std::string::npos) << e.what();
  }
  EXPECT_EQ(list(101, 1).items.size(), 1u);
  EXPECT_EQ(list(101, 100).items.size(), 1u);
  for (int64_t before : {int64_t{0}, int64_t{-5}}) {
    const auto e = error_of([&] { list(101, 20, before); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.details().value("field", ""), "before");
  }
  for (const std::string& type : {std::string(), std::string(101, 'x')}) {
    const auto e = error_of([&] { list(101, 20, std::nullopt, type); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.details().value("field", ""), "type");
  }
  const auto e = error_of([&] { mark(101, -1); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.details().value("field", ""), "up_to_id");
  // Nothing was marked by any of it.
  const auto page = list(101);
  EXPECT_EQ(page.read_up_to, 0);
  EXPECT_EQ(page.unread, 1);
  EXPECT_EQ(page.items[0].notification.id, id);
}

// For any sequence of notifications arriving (for the user and for someone else) and mark-read
// calls with any id, the unread count equals the number of the user's notifications with an id
// above the largest marker; the marker is the largest of the user's ids up to the largest id
// asked, and every listed item's `read` agrees.
TEST_P(InboxTest, PropertyUnreadIsTheCountAboveTheLargestMarker) {
  const bool ok = rc::check("unread = notifications above max(marker)", [this] {
    static int run = 0;
    ++run;
    const int64_t user = 10'000 + run;
    const int64_t other = 20'000 + run;
    users.upsert({user, "", "P", "ru"});
    std::vector<int64_t> mine;
    int64_t marker = 0;
    const int steps = *rc::gen::inRange(1, 30);
    for (int s = 0; s < steps; ++s) {
      switch (*rc::gen::inRange(0, 4)) {
        case 0:
          mine.push_back(push(user));
          break;
        case 1:
          push(other);
          break;
        default: {
          // An id anywhere: below, among or beyond the ones there are (others' ids included).
          const int64_t top = mine.empty() ? 10 : mine.back() + 10;
          const int64_t up_to = *rc::gen::inRange<int64_t>(0, top + 1);
          int64_t own = 0;
          for (int64_t id : mine) {
            if (id <= up_to) own = id;
          }
          marker = std::max(marker, own);
          const auto state = mark(user, up_to);
          const auto above =
              std::count_if(mine.begin(), mine.end(), [&](int64_t id) { return id > marker; });
          RC_ASSERT(state.read_up_to == marker);
          RC_ASSERT(state.unread == above);
        }
      }
    }
    const auto page = list(user, 100);
    RC_ASSERT(page.unread ==
              std::count_if(mine.begin(), mine.end(), [&](int64_t id) { return id > marker; }));
    RC_ASSERT(page.items.size() == mine.size());
    for (const auto& item : page.items) {
      RC_ASSERT(item.read == (item.notification.id <= marker));
    }
  });
  EXPECT_TRUE(ok);
}

INSTANTIATE_TEST_SUITE_P(Engines, InboxTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::notifications
