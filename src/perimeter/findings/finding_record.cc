#include "perimeter/findings/finding_record.h"

namespace perimeter::findings {

std::string_view FindingStatusName(FindingStatus status) {
  switch (status) {
    case FindingStatus::kActive:
      return "ACTIVE";
    case FindingStatus::kArchived:
      return "ARCHIVED";
    case FindingStatus::kResolved:
      return "RESOLVED";
  }
  return "ACTIVE";
}

std::optional<FindingStatus> ParseFindingStatus(std::string_view name) {
  if (name == "ACTIVE") return FindingStatus::kActive;
  if (name == "ARCHIVED") return FindingStatus::kArchived;
  if (name == "RESOLVED") return FindingStatus::kResolved;
  return std::nullopt;
}

std::string FormatTimestamp(absl::Time time) {
  // The years 1970..9999 are written directly (listings format three timestamps per finding, and
  // absl::FormatTime is slow); other times go through absl, which gives the same text for these.
  constexpr int64_t kMillisPerDay = 86400000;
  constexpr int64_t kEndOfYear9999 = 253402300800000;  // 10000-01-01T00:00:00Z in Unix milliseconds
  const int64_t millis = absl::ToUnixMillis(time);     // rounds toward the past, as %E3S truncates
  if (millis < 0 || millis >= kEndOfYear9999) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
  }
  // Civil date from days since the epoch (the proleptic Gregorian algorithm of H. Hinnant's
  // "chrono-Compatible Low-Level Date Algorithms", days_from_civil's inverse).
  const int64_t days = millis / kMillisPerDay;
  int64_t in_day = millis % kMillisPerDay;
  const int64_t z = days + 719468;
  const int64_t era = z / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  const int64_t day = day_of_year - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  char text[] = "0000-00-00T00:00:00.000Z";
  auto put = [&text](size_t at, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      text[at + static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, year, 4);
  put(5, month, 2);
  put(8, day, 2);
  put(11, in_day / 3600000, 2);
  in_day %= 3600000;
  put(14, in_day / 60000, 2);
  in_day %= 60000;
  put(17, in_day / 1000, 2);
  put(20, in_day % 1000, 3);
  return std::string(text, sizeof(text) - 1);
}

FindingRecord SummaryOf(const FindingRecord& record) {
  FindingRecord summary;
  summary.finding.id = record.finding.id;
  summary.finding.is_public = record.finding.is_public;
  summary.finding.resource = record.finding.resource;
  summary.finding.resource_type = record.finding.resource_type;
  summary.finding.resource_owner_account = record.finding.resource_owner_account;
  summary.finding.error = record.finding.error;
  summary.finding.type = record.finding.type;
  summary.status = record.status;
  summary.created_at = record.created_at;
  summary.analyzed_at = record.analyzed_at;
  summary.updated_at = record.updated_at;
  return summary;
}

std::optional<absl::Time> ParseTimestamp(std::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), absl::UTCTimeZone(), &time, &error)) {
    return std::nullopt;
  }
  return time;
}

}  // namespace perimeter::findings
