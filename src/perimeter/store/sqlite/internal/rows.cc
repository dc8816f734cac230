#include "perimeter/store/sqlite/internal/rows.h"

#include <optional>
#include <string>

#include "perimeter/base/status_macros.h"
#include "perimeter/findings/finding_json.h"
#include "perimeter/store/internal/record_codec.h"

namespace perimeter::store::internal {

absl::StatusOr<Analyzer> ReadAnalyzer(const Statement& row) {
  Analyzer analyzer;
  analyzer.arn = row.Text(0);
  analyzer.account_id = row.Text(1);
  analyzer.region = row.Text(2);
  analyzer.name = row.Text(3);
  std::optional<AnalyzerType> type = ParseAnalyzerType(row.Text(4));
  std::optional<AnalyzerStatus> status = ParseAnalyzerStatus(row.Text(6));
  if (!type || !status)
    return absl::InternalError("corrupt stored record: analyzer type or status");
  analyzer.type = *type;
  analyzer.created_at = FromMicros(row.Int(5));
  analyzer.status = *status;
  if (!row.IsNull(7)) analyzer.status_reason = ParseStatusReasonCode(row.Text(7));
  ASSIGN_OR_RETURN(analyzer.tags, DecodeStringMap(row.Text(8)));
  analyzer.configuration_json = row.Text(9);
  analyzer.last_resource_analyzed = row.Text(10);
  if (!row.IsNull(11)) analyzer.last_resource_analyzed_at = FromMicros(row.Int(11));
  analyzer.incarnation = row.Int(12);  // the AUTOINCREMENT seq: kept by the upsert, never reused
  return analyzer;
}
absl::StatusOr<findings::FindingRecord> ReadFinding(const Statement& row) {
  findings::FindingRecord record;
  ASSIGN_OR_RETURN(record.finding, DecodeFinding(row.TextView(5)));
  record.finding.id = row.Text(0);
  std::optional<findings::FindingStatus> status = findings::ParseFindingStatus(row.TextView(1));
  if (!status) return absl::InternalError("corrupt stored record: finding status");
  record.status = *status;
  record.created_at = FromMicros(row.Int(2));
  record.analyzed_at = FromMicros(row.Int(3));
  record.updated_at = FromMicros(row.Int(4));
  return record;
}
absl::StatusOr<ListedFinding> ReadListed(const Statement& row) {
  ListedFinding out;
  findings::FindingRecord& summary = out.summary;
  std::optional<findings::FindingStatus> status = findings::ParseFindingStatus(row.TextView(1));
  std::optional<findings::FindingType> type = findings::ParseFindingType(row.TextView(11));
  if (!status || !type) return absl::InternalError("corrupt stored record: finding status or type");
  summary.status = *status;
  summary.finding.type = *type;
  summary.finding.id = row.Text(0);
  summary.finding.resource = row.Text(2);
  summary.finding.resource_type = row.Text(3);
  summary.finding.resource_owner_account = row.Text(4);
  summary.finding.is_public = row.Int(5) != 0;
  if (!row.IsNull(6)) summary.finding.error = row.Text(6);
  summary.created_at = FromMicros(row.Int(7));
  summary.analyzed_at = FromMicros(row.Int(8));
  summary.updated_at = FromMicros(row.Int(9));
  out.finding_json = row.Text(10);
  return out;
}
absl::Status UpsertFinding(Statement& upsert, std::string_view analyzer_arn,
                           const findings::FindingRecord& record) {
  const findings::Finding& finding = record.finding;
  upsert.Reset();
  upsert.Bind(1, analyzer_arn)
      .Bind(2, record.id())
      .Bind(3, findings::FindingStatusName(record.status));
  upsert.Bind(4, finding.resource)
      .Bind(5, finding.resource_type)
      .Bind(6, finding.resource_owner_account);
  upsert.Bind(7, int64_t{finding.is_public ? 1 : 0});
  if (finding.error) {
    upsert.Bind(8, *finding.error);
  } else {
    upsert.BindNull(8);
  }
  upsert.Bind(9, Micros(record.created_at))
      .Bind(10, Micros(record.analyzed_at))
      .Bind(11, Micros(record.updated_at));
  // Rounded toward the past, as FormatTimestamp truncates.
  upsert.Bind(12, absl::ToUnixMillis(record.created_at))
      .Bind(13, absl::ToUnixMillis(record.analyzed_at));
  upsert.Bind(14, absl::ToUnixMillis(record.updated_at));
  upsert.Bind(15, EncodeFinding(finding)).Bind(16, findings::FindingObjectJson(record));
  upsert.Bind(17, findings::FindingTypeName(finding.type));
  return upsert.Run();
}
}  // namespace perimeter::store::internal
