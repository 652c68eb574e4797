// HTTP dates and If-None-Match (conditional.h; RFC 9110 §5.6.7, §13.1.2).
#include "libchat/http/conditional.h"


namespace chat::http {
namespace {

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil), and back.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool Digits(std::string_view s, std::size_t pos, std::size_t n, unsigned* out) {
  unsigned v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  *out = v;
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// An entity-tag's opaque part with any W/ removed; false when `tag` is not
// [W/] DQUOTE *etagc DQUOTE (RFC 9110 §8.8.3).
bool OpaqueTag(std::string_view tag, std::string_view* opaque) {
  if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
  if (tag.size() < 2 || tag.front() != '"' || tag.back() != '"') return false;
  for (char c : tag.substr(1, tag.size() - 2)) {
    auto u = static_cast<unsigned char>(c);
    if (u == '"' || u < 0x21 || u == 0x7f) return false;
  }
  *opaque = tag;
  return true;
}

}  // namespace

bool ParseHttpDate(std::string_view s, int64_t* out) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": exactly 29 bytes.
  if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
      s[22] != ':' || s.substr(25) != " GMT") {
    return false;
  }
  int wday = -1;
  for (int i = 0; i < 7; ++i) {
    if (s.substr(0, 3) == kDays[i]) wday = i;
  }
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i) {
    if (s.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  unsigned day = 0, year = 0, hh = 0, mm = 0, ss = 0;
  if (wday < 0 || month == 0 || !Digits(s, 5, 2, &day) || !Digits(s, 12, 4, &year) || !Digits(s, 17, 2, &hh) ||
      !Digits(s, 20, 2, &mm) || !Digits(s, 23, 2, &ss)) {
    return false;
  }
  if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return false;
  const int64_t days = DaysFromCivil(year, month, day);
  int64_t cy = 0;
  unsigned cm = 0, cd = 0;
  CivilFromDays(days, &cy, &cm, &cd);
  if (cm != month || cd != day) return false;  // 31 Feb and the like
  if ((days + 4) % 7 != wday && days >= 0) return false;
  *out = days * 86400 + hh * 3600 + mm * 60 + (ss == 60 ? 59 : ss);
  return true;
}

bool IfNoneMatchMatches(std::string_view value, std::string_view etag) {
  value = Trim(value);
  if (value == "*") return true;
  std::string_view want;
  if (!OpaqueTag(etag, &want)) return false;
  bool matched = false;
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    std::string_view item = Trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    if (item.empty()) continue;  // RFC 9110 §5.6.1: empty list elements are ignored
    std::string_view have;
    if (!OpaqueTag(item, &have)) return false;
    if (have == want) matched = true;
  }
  return matched;
}

}  // namespace chat::http
