#include <gtest/gtest.h>

#include "base/csv.h"
#include "base/error.h"
#include "base/time_arg.h"

namespace lucas {
namespace {

TEST(Csv, PlainTextStaysAsItIs) {
  EXPECT_EQ(csv_cell("bank.gd_cards"), "bank.gd_cards");
  EXPECT_EQ(csv_cell(""), "");
}

TEST(Csv, CommasQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_cell("two\nlines"), "\"two\nlines\"");
}

TEST(Csv, FormulasAreDefusedOnlyWhenAsked) {
  EXPECT_EQ(csv_cell("=1+1"), "=1+1");  // the audit export keeps its text exact
  EXPECT_EQ(csv_cell("=1+1", Formulas::kDefuse), "'=1+1");
  EXPECT_EQ(csv_cell("@x", Formulas::kDefuse), "'@x");
  EXPECT_EQ(csv_cell("=a,b", Formulas::kDefuse), "\"'=a,b\"");
  EXPECT_EQ(csv_cell("a=b", Formulas::kDefuse), "a=b");
}

TEST(TimeArgument, AbsentOrEmptyIsNone) {
  EXPECT_FALSE(time_argument("since", std::nullopt));
  EXPECT_FALSE(time_argument("since", std::string()));
}

TEST(TimeArgument, DatesAndRfc3339AreRead) {
  EXPECT_EQ(time_argument("since", std::string("2026-12-31")), parse_rfc3339("2026-12-31"));
  EXPECT_EQ(time_argument("until", std::string("2026-12-31T10:00:00Z")),
            parse_rfc3339("2026-12-31T10:00:00Z"));
}

TEST(TimeArgument, AnythingElseIsRefusedNamingTheArgument) {
  try {
    time_argument("--until", std::string("soon"));
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("--until"), std::string::npos);
  }
}

}  // namespace
}  // namespace lucas
