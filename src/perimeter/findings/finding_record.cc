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
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
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
