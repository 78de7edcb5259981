// The request helpers every face calls (issue 16 point 6: one reading of an integer query
// parameter, one reading of a JSON body).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>

#include "infra/http/http.h"

namespace lucas::http {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

Request with_query(const std::string& name, const std::string& value) {
  Request r;
  r.query[name] = value;
  return r;
}

Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return Error(ErrorCode::kInternal, "no error");
}

TEST(RequestIntQuery, AbsentGivesTheFallbackAndARangedValueItself) {
  EXPECT_EQ(Request{}.int_query("limit", 20, 1, 200), 20);
  EXPECT_EQ(with_query("limit", "200").int_query("limit", 20, 1, 200), 200);
  EXPECT_EQ(with_query("cursor", "-7").int_query("cursor", 0, kMin, kMax), -7);
}

TEST(RequestIntQuery, OutOfRangeOrNotANumberNamesTheRange) {
  for (const std::string bad : {"0", "201", "12x", "", " 5", "1e3", "99999999999999999999"}) {
    const Error e = error_of([&] { with_query("limit", bad).int_query("limit", 20, 1, 200); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_STREQ(e.what(), "limit must be an integer between 1 and 200") << bad;
    EXPECT_EQ(e.details(), nlohmann::json({{"limit", bad}})) << bad;
  }
}

// The admin faces take any 64-bit integer and leave ranges to the service: the message then
// names no range (not "between -9223372036854775808 and ...").
TEST(RequestIntQuery, TheWholeRangeSaysOnlyThatAnIntegerIsNeeded) {
  const Error e = error_of([] { with_query("actor", "me").int_query("actor", 0, kMin, kMax); });
  EXPECT_STREQ(e.what(), "actor must be an integer");
  EXPECT_EQ(e.details(), nlohmann::json({{"actor", "me"}}));
}

TEST(RequestIntQuery, ALongBadValueIsClippedInTheDetails) {
  const std::string bad(500, '9');
  const Error e = error_of([&] { with_query("limit", bad).int_query("limit", 1, 1, 2); });
  EXPECT_EQ(e.details().at("limit").get<std::string>(), bad.substr(0, 64));
}

RC_GTEST_PROP(RequestIntQuery, AnyIntegerInRangeReadsBackAndAnyOtherIsRefused,
              (int64_t value, int64_t a, int64_t b)) {
  const int64_t lo = std::min(a, b);
  const int64_t hi = std::max(a, b);
  const Request r = with_query("n", std::to_string(value));
  if (value >= lo && value <= hi) {
    RC_ASSERT(r.int_query("n", 0, lo, hi) == value);
  } else {
    RC_ASSERT_THROWS_AS(r.int_query("n", 0, lo, hi), Error);
  }
}

TEST(RequestJsonBody, AnObjectComesBack) {
  Request r;
  r.body = R"({"text": "hi", "n": 2})";
  EXPECT_EQ(r.json_body(), nlohmann::json({{"text", "hi"}, {"n", 2}}));
}

TEST(RequestJsonBody, AnythingElseIsRefusedNamingWhatToSend) {
  for (const std::string body : {"", "not json", "[1, 2]", "\"text\"", "42", "{\"a\": "}) {
    Request r;
    r.body = body;
    Error e = error_of([&] { r.json_body(); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << body;
    EXPECT_STREQ(e.what(), "the body must be a JSON object") << body;
    EXPECT_TRUE(e.details().is_null()) << body;
    e = error_of([&] { r.json_body(R"({"reason": "..."})", {{"error", "invalid_request"}}); });
    EXPECT_STREQ(e.what(), R"(the body must be a JSON object: {"reason": "..."})") << body;
    EXPECT_EQ(e.details(), nlohmann::json({{"error", "invalid_request"}})) << body;
  }
}

}  // namespace
}  // namespace lucas::http
